"""Start-up runs without the cyclic collector (it walked the start's objects ~400 times,
~110 ms, and a full collection after the first list took ~150 ms more): the case list
turns it back on once its rows are in, and the command does whatever happens."""

from __future__ import annotations

import gc

import pytest

from jagtui import cli
from jagtui.identity import current_login
from jagtui.screens import case_list
from jagtui.store.db import create_store


@pytest.fixture
def collector_restored():
    yield
    gc.enable()
    gc.unfreeze()


def test_the_first_list_sets_the_start_aside_and_turns_the_collector_on(collector_restored,
                                                                       monkeypatch):
    collections = []
    monkeypatch.setattr(gc, "collect", lambda *a: collections.append(a) or 0)
    gc.disable()
    case_list.settle_heap()
    assert gc.isenabled() and collections == []  # no full collection at start-up
    assert gc.get_freeze_count() > 0
    case_list.settle_heap()  # a later load collects what the last one left, as before
    assert gc.isenabled() and len(collections) == 1


def test_run_turns_the_collector_back_on_whatever_happens(tmp_path, monkeypatch,
                                                          collector_restored):
    from jagtui.app import JagApp

    db = tmp_path / "jag.db"
    create_store(f"sqlite:///{db}", "setup").dispose()
    seen = []
    monkeypatch.setattr(JagApp, "run", lambda self: seen.append(gc.isenabled()))
    assert cli.main(["users", "add", current_login(), "--name", "A", "--db", str(db)]) == 0
    assert cli.main(["--db", str(db)]) == 0
    assert seen == [False] and gc.isenabled()  # off while starting, on once the command ends
    monkeypatch.setattr(JagApp, "run", lambda self: 1 / 0)
    assert cli.main(["run", "--db", str(db)]) == cli.EXIT_ERROR
    assert gc.isenabled()


async def test_the_app_started_with_the_collector_off_turns_it_on_with_its_rows(
        store, cfg, collector_restored):
    from jagtui.app import JagApp

    app = JagApp(store, cfg)
    app.change_poll_seconds = 0
    gc.disable()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if gc.isenabled():
                break
        assert gc.isenabled()
