"""An upgrade keeps every row: the demo database taken back to the last released schema
(0003) and upgraded again holds what it held, table by table, on SQLite and PostgreSQL.

On SQLite a migration that alters a table rebuilds it (Alembic's batch mode: create,
copy, DROP, rename); with foreign keys on, that DROP deleted every row referring to the
table by ON DELETE CASCADE: upgrading a real 0003 database to 0004 emptied its plan's
objectives, actions and progress. See jagtui/store/migrations/env.py.
"""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import inspect, text

from jagtui.demo import build_demo
from jagtui.store.db import _alembic_config, create_store, upgrade

RELEASED = "0003"  # the schema the last shipped jagtui wrote


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
                for name in inspect(conn).get_table_names() if name != "alembic_version"}


def test_the_demo_database_keeps_every_row_through_downgrade_and_upgrade(db_url, cfg):
    store = create_store(db_url, "tester")
    try:
        build_demo(store, cfg, date(2026, 11, 22))
        engine = store.engine
        held = _counts(engine)
        assert held["plan_objectives"] and held["plan_actions"] and held["plan_updates"]
        command.downgrade(_alembic_config(engine), RELEASED)
        released = _counts(engine)
        # Tables of 0003 keep their rows going back; later tables go with their migration.
        assert {name: released[name] for name in released} == {
            name: held[name] for name in released}
        upgrade(engine)
        again = _counts(engine)
        assert {name: again[name] for name in released} == released
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.dispose()
