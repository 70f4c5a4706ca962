"""Shared by the clash tests: two users' stores, a form opened over the app, the panel read."""

from __future__ import annotations

from contextlib import asynccontextmanager

from rich.table import Table
from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.store.clashes import OVERWRITE
from jagtui.store.db import open_store
from jagtui.store.models import AuditEntry

from case_data import TODAY
from pilot_help import settle


def make_pair(store):
    """Stores for Alice (A, at the terminal under test) and Bob (B, somewhere else)."""
    url = store.engine.url.render_as_string(hide_password=False)
    alice, bob = open_store(url, "alice"), open_store(url, "bob")
    yield alice, bob
    alice.dispose()
    bob.dispose()


@asynccontextmanager
async def open_form(store, cfg, form, size=(100, 30)):
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.push_screen(form)
        await settle(app, pilot)
        assert app.screen is form
        yield app, pilot


def clash_rows(panel) -> list[tuple[str, str, str]]:
    """The panel's (field, yours, theirs) rows, as plain text."""
    table = panel.query_one("#clash-fields").content
    assert isinstance(table, Table)
    columns = [[cell.plain for cell in column._cells] for column in table.columns]
    return list(zip(*columns))


def audit_rows(store, table: str, record_id: int):
    """(updates, overwrites) recorded for the row, oldest first."""
    with store.read() as session:
        rows = list(session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == table, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id)))
    return ([row for row in rows if row.operation == "update"],
            [row for row in rows if row.operation == OVERWRITE])
