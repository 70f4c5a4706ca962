"""Fixtures for the chair's scenarios: each runs on SQLite and on PostgreSQL (``db_url``
from tests/conftest.py) and at 80x24 and 160x48 (``size``), on a fixed today, with the
meeting clocks frozen and exports written to the test's own folder.

One combination while developing: ``pytest tests/scenarios -k "sqlite and 80x24"``.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from jagtui.config import Exports
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.store.db import create_store

FROZEN = datetime(2026, 11, 22, 10, 30, tzinfo=timezone.utc)
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}


@pytest.fixture(autouse=True)
def frozen_clocks(monkeypatch):
    """No ticking clock: the runner's top line is the same on every run."""
    monkeypatch.setattr(AgendaRunnerScreen, "now", staticmethod(lambda: FROZEN))
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request) -> tuple[int, int]:
    return SIZES[request.param]


@pytest.fixture
def scenario_store(db_url):
    opened = create_store(db_url, "chair1")
    yield opened
    opened.dispose()


@pytest.fixture
def out_dir(tmp_path):
    return tmp_path / "exports"


@pytest.fixture
def scfg(cfg, out_dir):
    """The shipped configuration with exports going to the test's own folder."""
    return cfg.model_copy(update={"exports": Exports(directory=str(out_dir))})
