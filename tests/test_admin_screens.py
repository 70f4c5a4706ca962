"""The admin screens driven by keys: the audit trail (9) and retention (8)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from textual.widgets import DataTable, Input, Static

from jagtui.app import JagApp
from jagtui.screens.audit import PAGE, AuditScreen
from jagtui.screens.retention import RetentionScreen
from jagtui.store import audit, cases, people
from jagtui.store.models import AuditEntry, Case, RetentionReview
from pilot_help import settle as _settle

TODAY = date(2026, 11, 22)


def _text(widget: Static) -> str:
    return str(widget.content)


def _closed_cases(store, n, closed_on=date(2019, 1, 10)):
    with store.write() as session:
        for k in range(n):
            person = people.add_person(session, f"Person {k} [bold]Markup[/]")
            case = cases.open_case(session, case_type="victim", title=f"Case {k}", subgroup="JAG",
                                   lead_agency="POLICE", opened_on=date(2018, 1, 1),
                                   reference=f"JAG-18-{k:04d}")
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
            cases.close_case(session, case.id, None, closed_on + timedelta(days=k),
                             "No further ASB")


async def test_audit_screen_filters_pages_and_shows_detail_literally(sqlite_store, cfg):
    _closed_cases(sqlite_store, 1)
    with sqlite_store.write() as session:
        for k in range(PAGE + 30):
            audit.record(session, "search", text=f"query {k}")
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("9")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one(DataTable)
        assert len(table.items) == PAGE  # the page held; rows are built as they come into view
        # The newest entry is this very look at the trail.
        assert [str(c) for c in table.get_row_at(0)][2] == "view"
        await pilot.press("n")
        await _settle(app, pilot)
        older = screen.query_one(DataTable).row_count
        assert 0 < older < PAGE
        assert "p newer" in _text(screen.query_one("#audit-status"))
        await pilot.press("p")
        await _settle(app, pilot)
        assert len(screen.query_one(DataTable).items) == PAGE
        # Filter by case reference: the person's create row is not case-bound, the case's are.
        await pilot.press("slash")
        await pilot.press("tab", *"JAG-18-0000", "enter")
        await _settle(app, pilot)
        rows = screen.rows
        assert rows and {row.table_name for row in rows} == {"cases", "case_parties"}
        # Walk to the create of the case: its detail is shown as stored, markup and all.
        index = next(i for i, row in enumerate(rows) if row.operation == "create"
                     and row.table_name == "cases")
        screen.query_one(DataTable).move_cursor(row=index)
        await pilot.pause()
        detail = _text(screen.query_one("#audit-detail"))
        assert '"title": "Case 0"' in detail and "create" in detail
        # Privacy mode hides the detail.
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "hidden" in _text(screen.query_one("#audit-detail"))


async def test_audit_screen_refuses_a_bad_date_and_finds_people_by_login(sqlite_store, cfg):
    _closed_cases(sqlite_store, 1)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    seen = []
    notify = app.notify
    app.notify = lambda message, **kw: (seen.append(str(message)), notify(message, **kw))
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("9")
        await _settle(app, pilot)
        screen = app.screen
        screen.query_one("#audit-since", Input).value = "31/02/2026"
        screen.query_one("#audit-user", Input).focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert any("From date" in message for message in seen)
        screen.query_one("#audit-since", Input).value = ""
        screen.query_one("#audit-user", Input).value = "nobody"
        screen.query_one("#audit-user", Input).focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert screen.query_one(DataTable).row_count == 0
        screen.query_one("#audit-user", Input).value = "tester"
        screen.query_one("#audit-user", Input).focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert {row.login for row in screen.rows} == {"tester"}
    with sqlite_store.read() as session:
        views = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "audit_log"))
        # One "view" of the trail per filter applied (the first load and two filters).
        assert len(views.all()) == 3


async def test_retention_screen_retains_marks_and_purges_with_typed_confirmation(sqlite_store, cfg):
    _closed_cases(sqlite_store, 3)  # closed 2019-01-10, -11 and -12
    # 2019-01-10 + 6 years = 2025-01-10: due from the 11th.
    app = JagApp(sqlite_store, cfg, today=lambda: date(2025, 1, 10))
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot)
        await pilot.press("8")
        await _settle(app, pilot)
        assert isinstance(app.screen, RetentionScreen)
        assert app.screen.query_one(DataTable).row_count == 0
    app = JagApp(sqlite_store, cfg, today=lambda: date(2025, 1, 12))
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot)
        await pilot.press("8")
        await _settle(app, pilot)
        screen = app.screen
        assert [row.reference for row in screen.rows] == ["JAG-18-0000", "JAG-18-0001"]
        # Retain the first: reason and a date, ctrl+s.
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"Civil claim", "tab", *"+1y", "ctrl+s")
        await _settle(app, pilot)
        assert [row.reference for row in screen.rows] == ["JAG-18-0001"]
        # Mark the other for deletion, answering yes.
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await _settle(app, pilot)
        assert screen.rows[0].state == "marked for deletion"
        # Purge asks for the word; a wrong word erases nothing.
        await pilot.press("P")
        await pilot.pause()
        await pilot.press(*"yes", "enter")
        await _settle(app, pilot)
        with sqlite_store.read() as session:
            assert session.scalar(select(Case).where(Case.reference == "JAG-18-0001"))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        await pilot.press(*"purge", "enter")
        await _settle(app, pilot)
        assert screen.rows == []
    with sqlite_store.read() as session:
        assert session.scalar(select(Case).where(Case.reference == "JAG-18-0001")) is None
        reviews = session.scalars(select(RetentionReview).order_by(RetentionReview.id)).all()
        assert [(r.case_reference, r.decision, r.retain_until) for r in reviews] == [
            ("JAG-18-0000", "retain", date(2026, 1, 12)), ("JAG-18-0001", "delete", None)]
        erasures = session.scalars(select(AuditEntry).where(AuditEntry.operation == "erasure"))
        assert [e.detail["reference"] for e in erasures] == ["JAG-18-0001"]
