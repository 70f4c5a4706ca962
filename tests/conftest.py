"""Shared fixtures: a fresh store on SQLite and on the real PostgreSQL.

PostgreSQL tests use ``JAGTUI_TEST_PG_URL`` (default: the local server on
127.0.0.1:5432). Locally they are skipped when no server answers; under CI
(``CI`` set) an unreachable server is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid

import pytest

from hypothesis import settings as hypothesis_settings

from jagtui.config import load_config

# Plain names live in testdb.py: a test importing them from "conftest" could get
# tests/scenarios/conftest.py instead (both are imported as the module "conftest").
from testdb import PG_URL, TODAY, reset_pg as _reset_pg  # noqa: F401

# Property tests explore new examples on every local run (that is how they find
# leaks); under CI the same examples run each time, so a landing is never a dice roll.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def cfg():
    return load_config(_shipped())


def _shipped():
    from jagtui.config import DEFAULTS_PATH

    return DEFAULTS_PATH


def _pg_admin_url() -> str | None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(dsn, connect_timeout=3):
            return dsn
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI: {exc}")
        return None


@pytest.fixture(scope="session")
def pg_database():
    """A throwaway database on the PostgreSQL server, dropped at the end."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(f"no PostgreSQL at {PG_URL}")
    name = f"jagtui_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        _reset_pg(url)
        yield url


@pytest.fixture
def store(db_url):
    from jagtui.store.db import create_store

    opened = create_store(db_url, "tester")
    yield opened
    opened.dispose()


@pytest.fixture
def sqlite_store(tmp_path):
    from jagtui.store.db import create_store

    opened = create_store(f"sqlite:///{tmp_path / 'test.db'}", "tester")
    yield opened
    opened.dispose()
