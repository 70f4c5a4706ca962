"""ASB case review screens by keys, on SQLite and PostgreSQL: reached from the case view
(T), the register's filter, help and the palette, privacy mode, a refused date, and a
clash with another user's save shown and resolved (kept mine: audited as an overwrite)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from textual.widgets import Input

from jagtui.app import JagApp
from jagtui.screens.case_review_view import CaseReviewScreen
from jagtui.screens.case_reviews import CaseReviewsScreen
from jagtui.screens.case_view import CaseScreen, open_case
from jagtui.screens.forms.case_review import ApplicationForm, RecommendationForm, StepForm
from jagtui.screens.forms.clash import ClashScreen
from jagtui.screens.help import HelpScreen
from jagtui.store import case_reviews, casework, users
from jagtui.store.case_review_tables import CaseReview
from jagtui.store.models import AuditEntry

from clash_help import clash_rows, make_pair, settle

TODAY = date(2026, 12, 16)


@pytest.fixture
def pair(store):
    yield from make_pair(store)


def _case(store):
    with store.write() as session:
        users.add_user(session, "alice", "Alice Coordinator", agency="CBC-ASB", role="chair")
        dana = casework.new_person(session, "Dana Whitlock")
        case = casework.start_case(session, subject=dana, case_type="victim", title="Dana Whitlock",
                                   subgroup="JAG", lead_agency="POLICE", opened_on=date(2026, 9, 1))
        return case.id, dana.id, case.reference


def _app(store, cfg):
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def test_from_the_case_view_a_new_application_then_its_record(store, cfg):
    case_id, dana_id, reference = _case(store)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        open_case(app, case_id)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("T")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ApplicationForm)
        assert form.query_one("#victim").picked.id == dana_id
        assert form.query_one("#case_reference", Input).value == reference
        await pilot.press(*"2026-12-10", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReviewScreen)
        with store.read() as session:
            review = session.scalars(select(CaseReview)).one()
        assert (review.case_id, review.person_id, review.received_on) == (case_id, dana_id, date(2026, 12, 10))
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("T")             # now the case's application opens
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReviewScreen) and app.screen.review_id == review.id


async def test_register_filter_help_palette_privacy_and_a_refused_date(store, cfg):
    _, dana_id, _ = _case(store)
    with store.write() as session:
        case_reviews.add_application(session, cfg, received_on=date(2026, 11, 2), person_id=dana_id,
                                     applicant_name="Cllr Ann Patel", applicant_relation="councillor")
        done = case_reviews.add_application(session, cfg, received_on=date(2026, 12, 14),
                                            applicant_name="A neighbour")
        case_reviews.update_application(session, cfg, done.id, done.version, {
            "threshold": "not met", "decided_on": date(2026, 12, 15), "told_decision_on": date(2026, 12, 15)})
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("0")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CaseReviewsScreen) and len(screen.rows) == 2
        assert "1 with a step overdue" in screen.query_one("#reviews-summary").content.plain
        await pilot.press("f")               # overdue only
        assert [r.reference for r in screen.visible_rows] == ["ASBR-26-001"]
        detail = screen.query_one("#reviews-detail").content.plain
        assert "Cllr Ann Patel, councillor, on behalf of Dana Whitlock" in detail
        assert "Threshold decision: OVERDUE, was due 16 Nov 2026" in detail
        await pilot.press("ctrl+t")          # privacy: initials
        await settle(app, pilot)
        detail = screen.query_one("#reviews-detail").content.plain
        assert "Dana" not in detail and "Patel" not in detail and "C.P., councillor, on behalf of D.W." in detail
        await pilot.press("ctrl+t", "f", "f")  # back to all
        await settle(app, pilot)
        assert len(screen.visible_rows) == 2
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        commands = [c.title for c in app.get_system_commands(screen)]
        assert "Go to Case reviews (0)" in commands and "New application (n)" in commands
        # A decision before the application was received: refused in words, nothing saved.
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReviewScreen)
        await pilot.press("d")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StepForm)
        await pilot.press("M")
        form.query_one("#decided_on", Input).focus()
        await pilot.press(*"2026-10-01", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "cannot be before the application was received" in form.query_one("#form-status").content.plain
        with store.read() as session:
            assert session.get(CaseReview, 1).threshold == ""


async def test_a_clash_on_the_decision_shows_both_and_keep_mine_is_audited(pair, cfg):
    alice, bob = pair
    _, dana_id, _ = _case(alice)
    with alice.write() as session:
        made = case_reviews.add_application(session, cfg, received_on=date(2026, 12, 1), person_id=dana_id)
        rid, seen = made.id, made.version
    app = _app(alice, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        from jagtui.screens.case_review_view import open_review

        open_review(app, rid)
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StepForm)
        with bob.write() as session:  # Bob decides first, somewhere else
            case_reviews.update_application(session, cfg, rid, seen, {
                "threshold": "not met", "decided_on": date(2026, 12, 2), "decision_reason": "[bold]2 only[/]"})
        await pilot.press("M")
        form.query_one("#decided_on", Input).focus()
        await pilot.press(*"2026-12-03", "ctrl+s")
        await settle(app, pilot)
        panel = app.screen
        assert isinstance(panel, ClashScreen)
        rows = clash_rows(panel)
        assert ("Threshold", "Met", "Not met") in rows and ("Decided on", "3 Dec 2026", "2 Dec 2026") in rows
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReviewScreen)
    with alice.read() as session:
        review = session.get(CaseReview, rid)
        assert (review.threshold, review.decided_on, review.version) == ("met", date(2026, 12, 3), 3)
        over = session.scalars(select(AuditEntry).where(AuditEntry.operation == "overwrite")).one()
        assert (over.login, over.table_name, over.detail["over"], over.detail["how"]) == (
            "alice", "case_reviews", "bob", "kept mine")


async def test_palette_task_opens_a_new_application_from_anywhere(store, cfg):
    _case(store)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        task = next(c for c in app.get_system_commands(app.screen)
                    if c.title == "New ASB case review application")
        await task.callback()
        await settle(app, pilot)
        assert isinstance(app.screen, ApplicationForm)
        assert app.current_mode == "reviews"


async def test_o_on_the_record_opens_its_case_from_the_register(store, cfg):
    case_id, dana_id, reference = _case(store)
    with store.write() as session:
        case_reviews.add_application(session, cfg, received_on=date(2026, 12, 10), person_id=dana_id,
                                     case_reference=reference)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("0")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReviewScreen)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == case_id


async def test_the_register_fits_80x24_with_the_steps_in_view(store, cfg):
    _, dana_id, _ = _case(store)
    with store.write() as session:
        for n in range(30):
            case_reviews.add_application(session, cfg, received_on=date(2026, 11, 2), person_id=dana_id)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("0")
        await settle(app, pilot)
        detail = app.screen.query_one("#reviews-detail")
        assert detail.region.height >= 3 and detail.region.bottom <= 23  # above the footer
        assert "OVERDUE" in detail.content.plain


async def test_a_decision_dated_next_week_is_refused_by_the_form(store, cfg):
    """'Decided on +1w' would save a decision (and then a review) not yet made."""
    _, dana_id, _ = _case(store)
    with store.write() as session:
        rid = case_reviews.add_application(session, cfg, received_on=date(2026, 12, 14),
                                           person_id=dana_id).id
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from jagtui.screens.case_review_view import open_review

        open_review(app, rid)
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StepForm)
        await pilot.press("M")
        form.query_one("#decided_on", Input).focus()
        await pilot.press(*"+1w", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#form-status").content.plain == "Not saved: Cannot be in the future"
        with store.read() as session:
            assert (session.get(CaseReview, rid).threshold, session.get(CaseReview, rid).decided_on) == ("", None)
        form.query_one("#decided_on", Input).value = ""
        await pilot.press(*"today", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReviewScreen)
        with store.read() as session:
            assert session.get(CaseReview, rid).decided_on == TODAY


async def test_a_recommendation_complete_by_the_next_meeting_the_meetings_list_shows(store, cfg):
    """'next meeting' in Complete by is the main group's planned meeting, as in the Actions form."""
    from jagtui.store import meetings
    from jagtui.store.models import Action

    _, dana_id, _ = _case(store)
    planned = date(2027, 1, 7)  # not the 6-weekly cadence's guess (27 Jan)
    with store.write() as session:
        meetings.create_meeting(session, held_on=planned, subgroup=cfg.subgroups[0].key)
        made = case_reviews.add_application(session, cfg, received_on=date(2026, 12, 1), person_id=dana_id)
        case_reviews.update_application(session, cfg, made.id, made.version, {
            "threshold": "met", "decided_on": date(2026, 12, 3), "review_on": date(2026, 12, 10)})
        rid = made.id
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from jagtui.screens.case_review_view import open_review

        open_review(app, rid)
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, RecommendationForm)
        form.query_one("#text", Input).focus()
        await pilot.press(*"Patrols")
        form.query_one("#owner", Input).focus()
        await pilot.press(*"PC Hill")
        form.query_one("#due_on", Input).focus()
        await pilot.press(*"next meeting", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReviewScreen), form.query_one("#form-status").content.plain
    with store.read() as session:
        action = session.scalars(select(Action)).one()
        assert (action.ref, action.text, action.owner, action.due_on) == (
            "ASBR-26-001 R1", "Patrols", "PC Hill", planned)


async def test_the_application_form_refuses_a_case_the_victim_is_not_on(store, cfg):
    """c, then Patrick's case typed on Anil's application: refused in words, nothing saved."""
    _, _, patrick_case = _case(store)  # Dana Whitlock's case
    with store.write() as session:
        anil = casework.new_person(session, "Anil Ambleford")
        rid = case_reviews.add_application(session, cfg, received_on=date(2026, 12, 14), person_id=anil.id).id
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from jagtui.screens.case_review_view import open_review

        open_review(app, rid)
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ApplicationForm) and form.query_one("#victim").picked.id == anil.id
        form.query_one("#case_reference", Input).focus()
        await pilot.press(*patrick_case, "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert (f"Anil Ambleford is not on {patrick_case}: link them to the case first, or leave the "
                "case blank") in form.query_one("#form-status").content.plain
        with store.read() as session:
            assert session.get(CaseReview, rid).case_id is None


def screen_text(app) -> str:
    """The terminal's text, as the user reads it."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


async def test_at_80x24_the_register_shows_next_step_due_and_overdue(store, cfg):
    """Every column in view, even after the register was empty (f: none overdue yet)."""
    _, dana_id, _ = _case(store)
    with store.write() as session:
        case_reviews.add_application(session, cfg, received_on=date(2026, 12, 14),
                                     person_id=dana_id, applicant_name="Cllr Ann Patel-Ambleford")
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("0")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("f")               # overdue only: none yet
        await settle(app, pilot)
        assert "No applications here: n records a new one" in screen_text(app)
        with store.write() as session:       # one overdue arrives
            case_reviews.add_application(session, cfg, received_on=date(2026, 11, 2), person_id=dana_id)
        await pilot.press("f5")
        await settle(app, pilot)
        for _ in range(2):                   # overdue only, then open: both rows
            text = screen_text(app)
            lines = [line for line in text.splitlines() if "ASBR-26-" in line]
            assert lines, text
            header = next((line for line in text.splitlines() if "Received" in line), text)
            for label in ("Ref", "Received", "Victim", "Status", "Next step", "Due"):
                assert label in header, header
            late = next(line for line in lines if "ASBR-26-002" in line)
            assert "2 Nov 2026" in late and "OVERDUE" in late and "16 Nov 2026" in late, late
            assert all(len(line.rstrip()) <= 80 for line in lines)
            await pilot.press("f")
            await settle(app, pilot)
        assert len(screen.visible_rows) == 2
        on_time = next(line for line in screen_text(app).splitlines() if "ASBR-26-001" in line)
        assert "14 Dec 2026" in on_time and "30 Dec 2026" in on_time and "OVERDUE" not in on_time, on_time


def test_applicant_in_privacy_mode():
    from jagtui.screens.case_review_view import shown_applicant
    from jagtui.store.case_reviews import ReviewRow

    def row(victim, representative="", relation=""):
        return ReviewRow(1, 1, "ASBR-26-001", date(2026, 12, 1), victim, "", None, "", "awaiting decision",
                         None, (), 0, representative, relation)

    assert shown_applicant(row("Dana Whitlock"), True) == "D.W. (the victim)"
    assert shown_applicant(row("", "Ann Patel", "daughter"), True) == "A.P., daughter, on behalf of the victim"
    assert shown_applicant(row("Dana Whitlock", "Ann Patel"), True) == "A.P., on behalf of D.W."
