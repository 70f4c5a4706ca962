"""Busy is not broken, in the forms: a save that finds another user's save holding the
database says "Waiting for another user's save…" and goes through when it finishes;
one refused as Busy (SQLite's wait used up, PostgreSQL's statement timeout) keeps the
form open with what was typed, says so, and ctrl+s again saves. Another user's
transaction is held open by the test itself, so nothing depends on timing but the
store's own wait.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from textual.widgets import Input

from jagtui.screens.forms.case_form import CaseForm
from jagtui.store.db import open_store
from jagtui.store.models import Case

from case_data import seed
from clash_help import open_form, settle
from test_clash_case_forms import read_case, type_into


def status(form) -> str:
    return form.query_one("#form-status").content.plain


async def until(pilot, condition, seconds: float = 20) -> None:
    """Let the app run until ``condition()`` holds (a wait for a state, not a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await pilot.pause(0.05)


@contextmanager
def bob_holds(bob, case_id):
    """Bob's save, in progress: SQLite's write lock, or the case's row lock on PostgreSQL."""
    with bob.write() as session:
        session.get(Case, case_id, with_for_update=True)
        yield session


def stores(store, **alice_options):
    url = store.engine.url.render_as_string(hide_password=False)
    return open_store(url, "alice", **alice_options), open_store(url, "bob")


async def test_a_save_that_waits_says_so_then_saves(store, cfg):
    alice, bob = stores(store)
    try:
        ids = seed(alice, cfg)
        form = CaseForm(read_case(alice, ids.case_id))
        async with open_form(alice, cfg, form) as (app, pilot):
            await type_into(form, pilot, "summary", "Typed while Bob saves")
            with bob_holds(bob, ids.case_id):
                await pilot.press("ctrl+s")
                await until(pilot, lambda: "Waiting for another user's save…" in status(form))
                assert app.screen is form
            await settle(app, pilot)  # Bob's save done: Alice's goes through
            assert app.screen is not form
        assert read_case(alice, ids.case_id).summary == "Typed while Bob saves"
    finally:
        alice.dispose()
        bob.dispose()


async def test_a_save_refused_as_busy_keeps_the_form_and_saves_again(store, cfg):
    # SQLite: Alice waits at most 0.6 s; PostgreSQL: her statements time out at 0.5 s.
    options = ({"busy_timeout_ms": 600} if store.is_sqlite else {"statement_timeout_ms": 500})
    alice, bob = stores(store, **options)
    try:
        ids = seed(alice, cfg)
        form = CaseForm(read_case(alice, ids.case_id))
        async with open_form(alice, cfg, form) as (app, pilot):
            await type_into(form, pilot, "summary", "Typed while Bob saves")
            with bob_holds(bob, ids.case_id):
                await pilot.press("ctrl+s")
                await until(pilot, lambda: not form._saving)
                await settle(app, pilot)
                assert app.screen is form
                said = status(form)
                assert said.startswith("Not saved: ") and "Nothing was lost" in said
                assert "Not saved: Not saved" not in said
                assert form.query_one("#summary", Input).value == "Typed while Bob saves"
                assert any("Nothing was lost" in n.message for n in app._notifications)
            await pilot.press("ctrl+s")  # Bob has finished: the same save goes through
            await settle(app, pilot)
            assert app.screen is not form
        assert read_case(alice, ids.case_id).summary == "Typed while Bob saves"
    finally:
        alice.dispose()
        bob.dispose()
