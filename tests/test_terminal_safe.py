"""No stored text can move the terminal (issue 13, item 3).

A name or description stored with an OSC title sequence, a clear-screen CSI and a
right-to-left override (as an import or another client could leave it) is put
where the issue found it reaching the terminal: a person picked as a new case's
subject (the title box takes the name), an incident opened for editing, a
notification, the title bar, the audit trail's detail. Every write the terminal
driver receives is recorded; none holds the sequences raw, and each text box
shows them as codes. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import DataTable, Input, Static

from jagtui.display import visible
from jagtui.screens.audit import AuditScreen
from jagtui.screens.forms.case_form import CaseForm
from jagtui.screens.forms.incident_form import IncidentForm
from jagtui.screens.forms.party_picker import PartyPicker
from jagtui.store import people
from jagtui.store.models import Case, Incident

from case_data import seed
from test_case_view import make_app, open_first_case, plain, settle

HOSTILE = "Eve \x1b]0;pwned\x07Mallory\x1b[2J \u202eevil\u202c"
RAW = ("\x1b]0;pwned", "pwned\x07", "\x1b[2J", "\u202e", "\u202c")
SHOWN = visible(HOSTILE, one_line=True)  # Eve \x1b]0;pwned\x07Mallory\x1b[2J \u202eevil\u202c


class RecordingDriver(HeadlessDriver):
    """The test driver, but drawing as a real terminal's driver does: every write kept."""

    written: list[str] = []

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.written.append(data)


@pytest.fixture
def terminal(monkeypatch):
    """What the app writes to the terminal, as one string so far."""
    writes: list[str] = []
    monkeypatch.setattr(RecordingDriver, "written", writes)
    monkeypatch.setattr("textual.drivers.headless_driver.HeadlessDriver", RecordingDriver)
    return lambda: "".join(writes)


def assert_nothing_raw(output: str, where: str) -> None:
    assert output, f"{where}: nothing was drawn"
    found = [repr(raw) for raw in RAW if raw in output]
    assert not found, f"{where}: {found} reached the terminal"


async def test_a_picked_subjects_name_shows_as_codes_in_the_title_and_is_saved_harmless(
        store, cfg, terminal):
    seed(store, cfg)
    with store.write() as session:
        people.add_person(session, HOSTILE, address="1 Ash Row", beat="63")
    app = make_app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CaseForm)
        await pilot.press("tab", "enter")  # Type, then Subject: Enter searches
        await settle(app, pilot)
        assert isinstance(app.screen, PartyPicker)
        await pilot.press(*"Mallory")
        await settle(app, pilot)
        assert_nothing_raw(terminal(), "the picker listing the name")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#title", Input).value == SHOWN
        assert_nothing_raw(terminal(), "the title box holding the name")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not form
        assert_nothing_raw(terminal(), "the case list after saving")
    with store.read() as session:
        titles = list(session.scalars(select(Case.title).where(Case.title.contains("Mallory"))))
    assert titles == [SHOWN]  # kept as the codes the box showed, never raw again


async def test_an_incident_opened_for_editing_shows_its_stored_codes(store, cfg, terminal):
    seed(store, cfg)
    with store.write() as session:
        for incident in session.scalars(select(Incident)):  # both are on the first case
            incident.description = HOSTILE
            incident.source_ref += "\x1b[2J"
    app = make_app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert_nothing_raw(terminal(), "the incidents tab")
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, IncidentForm)
        assert form.query_one("#description", Input).value == SHOWN
        assert form.query_one("#source_ref", Input).value.endswith("\\x1b[2J")
        assert not form.dirty  # shown as codes is not a change the chair made
        assert_nothing_raw(terminal(), "the incident form")


async def test_notifications_titles_and_the_audit_detail_never_draw_raw(store, cfg, terminal):
    seed(store, cfg)
    with store.write() as session:
        people.add_person(session, HOSTILE, address="1 Ash Row", beat="63")
    app = make_app(store, cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.notify(f"Saved {HOSTILE}", title=HOSTILE)
        app.sub_title = HOSTILE
        await settle(app, pilot)
        shown = app._notifications
        assert [(n.title, n.message) for n in shown] == [(SHOWN, f"Saved {visible(HOSTILE)}")]
        assert_nothing_raw(terminal(), "a notification and the title bar")
        await pilot.press("9")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        row = next(n for n, r in enumerate(screen.rows)
                   if r.table_name == "people" and "Mallory" in str(r.detail))
        screen.query_one(DataTable).move_cursor(row=row)
        await settle(app, pilot)
        detail = plain(screen.query_one("#audit-detail", Static))
        assert "Mallory" in detail and not [raw for raw in RAW if raw in detail]
        assert_nothing_raw(terminal(), "the audit detail")
