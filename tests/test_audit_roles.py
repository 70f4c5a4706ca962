"""The audit trail survives the app's own login, on both databases.

SQLite: INSERT OR REPLACE / REPLACE / UPSERT onto an existing audit row is
refused (REPLACE deletes without firing the DELETE trigger). PostgreSQL: with
the tables owned by a migration role and jagtui connected as an app role
(``jagtui db upgrade --app-role``), every bypass the issue found is refused:
UPDATE, DELETE, TRUNCATE, disabling or dropping the triggers, and
``session_replication_role = replica``. ``jagtui db status`` says who the app
is and warns when that login could alter the trail.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from jagtui.cli import main
from jagtui.store import cases
from jagtui.store.db import create_store, open_store
from jagtui.store.privileges import audit_exposure, grant_app_role
from testdb import TODAY


def _open_a_case(store):
    with store.write() as session:
        return cases.open_case(session, case_type="location", title="Bus station", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY).id


@pytest.mark.parametrize("statement", [
    "INSERT OR REPLACE INTO audit_log (id, at, login, operation, table_name, detail) "
    "VALUES (:id, '2026-01-01', 'mallory', 'update', 'cases', '{}')",
    "REPLACE INTO audit_log (id, at, login, operation, table_name, detail) "
    "VALUES (:id, '2026-01-01', 'mallory', 'update', 'cases', '{}')",
    "INSERT INTO audit_log (id, at, login, operation, table_name, detail) "
    "VALUES (:id, '2026-01-01', 'mallory', 'update', 'cases', '{}') "
    "ON CONFLICT (id) DO UPDATE SET login = 'mallory'",
    "INSERT OR IGNORE INTO audit_log (id, at, login, operation, table_name, detail) "
    "VALUES (:id, '2026-01-01', 'mallory', 'update', 'cases', '{}')",
])
def test_sqlite_refuses_replacing_an_audit_row(sqlite_store, statement):
    _open_a_case(sqlite_store)
    with sqlite_store.engine.connect() as conn:
        first = conn.execute(text("SELECT id, login, detail FROM audit_log ORDER BY id")).first()
    with pytest.raises(DBAPIError, match="append-only"), sqlite_store.engine.begin() as conn:
        conn.execute(text(statement), {"id": first.id})
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(text("SELECT id, login, detail FROM audit_log WHERE id = :id"),
                            {"id": first.id}).one() == tuple(first)
    _open_a_case(sqlite_store)  # appending still works


@pytest.fixture
def pg_roles(pg_database):
    """An owner role that runs migrations and an app role jagtui connects as."""
    import psycopg

    from testdb import reset_pg as _reset_pg

    suffix = uuid.uuid4().hex[:8]
    owner, app = f"jagtui_owner_{suffix}", f"jagtui_app_{suffix}"
    admin = make_url(pg_database).set(drivername="postgresql").render_as_string(hide_password=False)
    _reset_pg(pg_database)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} LOGIN")
        conn.execute(f"CREATE ROLE {app} LOGIN")
        # As `createdb --owner`: the owner role owns the schema the tables go in.
        conn.execute(f"ALTER SCHEMA public OWNER TO {owner}")
    urls = {who: make_url(pg_database).set(username=role).render_as_string(hide_password=False)
            for who, role in (("owner", owner), ("app", app))}
    yield urls, owner, app
    _reset_pg(pg_database)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {owner}, {app}")
        conn.execute(f"DROP ROLE {owner}")
        conn.execute(f"DROP ROLE {app}")


BYPASSES = [
    ("UPDATE audit_log SET login = 'mallory'", "permission denied"),
    ("DELETE FROM audit_log", "permission denied"),
    ("TRUNCATE audit_log", "permission denied"),
    ("ALTER TABLE audit_log DISABLE TRIGGER ALL", "must be owner"),
    ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", "must be owner"),
    ("DROP TRIGGER audit_log_append_only ON audit_log", "must be owner"),
    ("DROP TABLE audit_log", "must be owner"),
    ("SET session_replication_role = replica", "permission denied"),
    ("INSERT INTO audit_log (id, at, login, operation, table_name, detail) "
     "SELECT id, at, 'mallory', operation, table_name, detail FROM audit_log "
     "ON CONFLICT (id) DO UPDATE SET login = 'mallory'", "permission denied"),
]


def test_postgresql_app_role_cannot_rewrite_the_trail(pg_roles):
    urls, owner, app = pg_roles
    store = create_store(urls["owner"], "setup")
    grant_app_role(store.engine, app)
    store.dispose()
    jag = open_store(urls["app"], "alice")
    try:
        _open_a_case(jag)  # the app works as the app role: writes and audits
        with jag.engine.connect() as conn:
            before = conn.execute(text("SELECT id, login, detail::text FROM audit_log")).all()
        assert before
        for statement, refusal in BYPASSES:
            with pytest.raises(DBAPIError, match=refusal), jag.engine.begin() as conn:
                conn.exec_driver_sql(statement)
        with jag.engine.connect() as conn:
            assert conn.execute(text("SELECT id, login, detail::text FROM audit_log")).all() == before
        exposure = audit_exposure(jag.engine)
        assert exposure.login == app and exposure.owner == owner and exposure.warnings == []
    finally:
        jag.dispose()


def test_postgresql_owner_and_superuser_are_reported_as_able_to_alter_it(pg_roles, pg_database):
    urls, owner, _app = pg_roles
    store = create_store(urls["owner"], "setup")
    try:
        assert any("owns the tables" in line for line in audit_exposure(store.engine).warnings)
        # (What the issue saw: the owner can switch the guard off.)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    finally:
        store.dispose()
    engine = create_engine(pg_database)
    try:
        assert any("superuser" in line for line in audit_exposure(engine).warnings)
    finally:
        engine.dispose()


def test_db_status_reports_the_role_and_warns(pg_roles, capsys):
    urls, owner, app = pg_roles
    assert main(["db", "upgrade", "--db", urls["owner"], "--app-role", app]) == 0
    capsys.readouterr()
    assert main(["db", "status", "--db", urls["app"]]) == 0
    out, err = capsys.readouterr()
    assert f"as {app}" in out and "may only read and append" in out and err == ""
    assert main(["db", "status", "--db", urls["owner"]]) == 0
    out, err = capsys.readouterr()
    assert f"as {owner}" in out and "could alter it" in out
    assert "warning" in err and "owns the tables" in err


def test_db_status_on_sqlite_says_what_guards_the_trail(tmp_path, capsys):
    db = str(tmp_path / "j.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    assert main(["db", "status", "--db", db]) == 0
    out, _ = capsys.readouterr()
    assert "SQLite triggers refuse UPDATE, DELETE and REPLACE" in out
