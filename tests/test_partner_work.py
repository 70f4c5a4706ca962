"""My work and the meeting's acceptance of partners' updates and reports, in the store,
on SQLite and PostgreSQL: what is listed, what the runner offers, what is minuted once,
and two chairs (or a partner and a chair) at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jagtui.store import actions, agenda, meeting_run, partner_reports, partner_work, users
from jagtui.store.db import create_store
from jagtui.store.errors import Conflict, Invalid
from jagtui.store.meeting_view import meeting_view
from jagtui.store.minutes import minutes_data
from jagtui.store.models import Action, ActionUpdate, AuditEntry
from jagtui.store.partner_tables import AcceptedUpdate, PartnerReport

from meeting_data import TODAY, seed

DEE = "Dee Housing"


@pytest.fixture
def jag(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        users.add_user(session, "dee1", DEE, agency="CBC-HOUSING", role="member")
    return ids


def _start(store, cfg):
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=meeting_run.Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting.id)
        return meeting.id


def test_my_work_lists_the_partners_actions_and_cases_with_overdue_marked(store, cfg, jag):
    with store.read() as session:
        work = partner_work.my_work(session, cfg, "dee1", TODAY)
    assert work.partner.name == DEE
    by_id = {(line.kind, line.id): line for line in work.lines}
    mine = by_id[("action", jag.open_action)]
    assert mine.mine and mine.overdue  # due three days ago
    assert ("action", jag.undated_action) not in by_id  # the chair's, not Dee's
    with store.read() as session, pytest.raises(Invalid, match="not a registered user"):
        partner_work.my_work(session, cfg, "nobody", TODAY)


def test_a_partners_update_is_offered_under_the_action_log_and_minuted_once(store, db_url, cfg, jag):
    with store.write() as session:  # the store's own login is no user: never offered
        actions.add_update(session, jag.open_action, TODAY - timedelta(days=3), "From an import")
    partner = create_store(db_url, "dee1")
    try:
        with partner.write() as session:
            actions.add_update(session, jag.open_action, TODAY - timedelta(days=2),
                               "Visited four of six shops", expected_version=1)
        with partner.write() as session:  # and completed it before the meeting
            row = actions.action_rows(session, action_ids=[jag.open_action])[0]
            actions.add_update(session, jag.open_action, TODAY - timedelta(days=1),
                               "All six visited", status="complete",
                               expected_version=row.action.version)
    finally:
        partner.dispose()
    meeting_id = _start(store, cfg)
    with store.read() as session:
        view = meeting_view(session, cfg, TODAY, meeting_id)
        offered = partner_work.partner_updates(session, cfg, meeting_id)
    # The completed action is still reviewed: the meeting sees what the partner wrote.
    assert jag.open_action in [row.action.id for row in view.review]
    texts = [u.text for u in offered[jag.open_action]]
    assert texts == ["Visited four of six shops", "All six visited"]
    first = offered[jag.open_action][0]
    assert first.name == DEE and first.agency == cfg.agency_name("CBC-HOUSING")
    with store.write() as session:
        partner_work.accept_updates(session, cfg, meeting_id, [u.id for u in offered[jag.open_action]])
    with store.read() as session:
        again = partner_work.partner_updates(session, cfg, meeting_id)
        assert all(u.accepted for u in again[jag.open_action])
        data = minutes_data(session, cfg, meeting_id)
        assert session.get(Action, jag.open_action).status == "complete"
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "accepted_updates")) == 2
    line = next(line for line in data.action_log if line.id == jag.open_action)
    assert line.status == "complete"
    assert line.update_text.startswith(f"Update from {cfg.agency_name('CBC-HOUSING')} ({DEE}, ")
    assert "All six visited" in line.update_text
    with store.write() as session, pytest.raises(Invalid, match="already in the minutes"):
        partner_work.accept_updates(session, cfg, meeting_id, [first.id])


def test_two_chairs_accepting_the_same_update_at_once_minute_it_once(store, db_url, cfg, jag):
    dee = create_store(db_url, "dee1")
    try:
        with dee.write() as session:
            update_id = actions.add_update(session, jag.open_action, TODAY - timedelta(days=2),
                                           "Halfway").id
    finally:
        dee.dispose()
    meeting_id = _start(store, cfg)
    other = create_store(db_url, "chair2")
    outcome: dict[str, object] = {}
    started = threading.Event()

    def second() -> None:
        started.set()
        try:
            with other.write() as session:
                partner_work.accept_updates(session, cfg, meeting_id, [update_id])
            outcome["second"] = "accepted"
        except Invalid as error:
            outcome["second"] = str(error)

    try:
        with store.write() as session:  # the first chair's accept holds its transaction...
            partner_work.accept_updates(session, cfg, meeting_id, [update_id])
            worker = threading.Thread(target=second)
            worker.start()
            started.wait(5)
            worker.join(0.5)  # ...while the second waits on it
        worker.join(30)
    finally:
        other.dispose()
    assert "already in the minutes" in str(outcome["second"])
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(AcceptedUpdate)) == 1
        minuted = session.scalars(select(ActionUpdate).where(
            ActionUpdate.meeting_id == meeting_id)).all()
        assert len(minuted) == 1 and minuted[0].text.endswith("Halfway")


def test_an_update_written_while_the_chair_accepts_waits_for_the_next_key(store, db_url, cfg, jag):
    meeting_id = _start(store, cfg)
    partner = create_store(db_url, "dee1")
    try:
        with partner.write() as session:
            actions.add_update(session, jag.open_action, TODAY, "First")
        with store.read() as session:
            seen = [u.id for u in
                    partner_work.partner_updates(session, cfg, meeting_id)[jag.open_action]]
        with partner.write() as session:  # written after the chair's screen read the list
            actions.add_update(session, jag.open_action, TODAY, "Second", expected_version=1)
    finally:
        partner.dispose()
    with store.write() as session:  # accept all: what the chair saw, not what came since
        partner_work.accept_updates(session, cfg, meeting_id, seen)
    with store.read() as session:
        offered = partner_work.partner_updates(session, cfg, meeting_id)[jag.open_action]
    assert [(u.text, u.accepted) for u in offered] == [("First", True), ("Second", False)]


def test_agency_report_written_before_and_accepted_into_the_minutes(store, db_url, cfg, jag):
    with store.write() as session:
        from jagtui.store import meetings
        planned = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        planned_id = planned.id
    partner = create_store(db_url, "dee1")
    try:
        with partner.write() as session:
            report = partner_reports.save_report(
                session, meeting_id=planned_id, kind="agency", source="CBC-HOUSING", author=DEE,
                expected_version=None, title="Housing", summary="Two tenancy warnings",
                risks="\x1b[31mred\x1b[0m [bold]x[/] \u202eevil")
            version = report.version
        with partner.write() as session, pytest.raises(Conflict):
            partner_reports.save_report(  # a second writer who had not seen the first
                session, meeting_id=planned_id, kind="agency", source="CBC-HOUSING",
                author="Zoë O'Brien-Łukasz", expected_version=None, summary="Mine")
        with partner.write() as session:
            partner_reports.save_report(
                session, meeting_id=planned_id, kind="agency", source="CBC-HOUSING", author=DEE,
                expected_version=version, title="Housing", summary="Three tenancy warnings",
                risks="\x1b[31mred\x1b[0m [bold]x[/] \u202eevil")
    finally:
        partner.dispose()
    meeting_id = _start(store, cfg)
    assert meeting_id == planned_id
    with store.read() as session:
        item = next(i for i in agenda.items(session, meeting_id) if i.kind == "agency updates")
        row = partner_reports.reports(session, cfg, meeting_id)[0]
    with store.write() as session:
        partner_reports.accept_report(session, cfg, item.id, row.id, row.version)
    with store.write() as session, pytest.raises(Invalid, match="already in the minutes"):
        partner_reports.accept_report(session, cfg, item.id, row.id, None)
    with store.read() as session:
        data = minutes_data(session, cfg, meeting_id)
        assert session.scalar(select(PartnerReport.accepted_item_id)) == item.id
    notes = next(i for i in data.items if i.kind == "agency updates").notes
    assert len(notes) == 1
    assert notes[0].text.startswith(f"Update from {cfg.agency_name('CBC-HOUSING')} ({DEE}, ")
    assert "Summary: Three tenancy warnings" in notes[0].text


def test_two_chairs_accepting_one_report_at_once_minute_it_once(store, db_url, cfg, jag):
    from jagtui.export.minutes import build_minutes
    from jagtui.export.document import render_markdown

    with store.write() as session:
        from jagtui.store import meetings
        planned_id = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG").id
        partner_reports.save_report(
            session, meeting_id=planned_id, kind="subgroup", source="YJAG",
            author="Zoë O'Brien-Łukasz", expected_version=None,
            summary="\x1b]0;title\x07 youth work [bold]x[/] \u202eevil")
    meeting_id = _start(store, cfg)
    with store.read() as session:
        item = next(i for i in agenda.items(session, meeting_id) if i.kind == "subgroup updates")
        row = partner_reports.reports(session, cfg, meeting_id)[0]
    other = create_store(db_url, "chair2")
    outcome: dict[str, str] = {}

    def second() -> None:
        try:
            with other.write() as session:
                partner_reports.accept_report(session, cfg, item.id, row.id, row.version)
            outcome["second"] = "accepted"
        except (Invalid, Conflict) as error:
            outcome["second"] = str(error)

    try:
        with store.write() as session:
            partner_reports.accept_report(session, cfg, item.id, row.id, row.version)
            worker = threading.Thread(target=second)
            worker.start()
            worker.join(0.5)
        worker.join(30)
    finally:
        other.dispose()
    assert outcome["second"] != "accepted"
    with store.read() as session:
        data = minutes_data(session, cfg, meeting_id)
    notes = next(i for i in data.items if i.kind == "subgroup updates").notes
    assert len(notes) == 1 and notes[0].text.startswith("Summary from ")
    text = render_markdown(build_minutes(data, cfg)).decode("utf-8")
    assert "Zoë O'Brien-Łukasz" in text and "\\[bold\\]x" in text  # Markdown-escaped, literal
    assert not any(ch in text for ch in ("\x1b", "\x07", "\u202e"))


def test_my_work_lists_referrals_case_review_steps_and_cases_led(store, cfg, jag):
    from jagtui.store import cases, referrals
    from jagtui.store import case_reviews

    with store.write() as session:
        person_id = cases.parties(session, jag.referral)[0][1].id
        made = referrals.make_referral(
            session, cfg, TODAY, case_id=jag.referral, person_id=person_id, service="MARAC",
            referred_on=TODAY - timedelta(days=20), reason="Repeat victim",
            made_by="dee1", made_by_agency="CBC-HOUSING", follow_up_on=TODAY - timedelta(days=1))
        review = case_reviews.add_application(
            session, cfg, received_on=TODAY - timedelta(days=3), person_id=person_id,
            lead_agency="CBC-HOUSING")
        led = cases.open_case(session, case_type="location", title="Bins set alight", subgroup="JAG",
                              lead_agency="CBC-HOUSING", opened_on=TODAY, beat="62")
        made_id, review_id, led_id = made.id, review.id, led.id
    with store.read() as session:
        work = partner_work.my_work(session, cfg, "dee1", TODAY)
    by = {(line.kind, line.id): line for line in work.lines}
    referral = by[("referral", made_id)]
    assert referral.mine and referral.overdue  # the follow-up date has passed
    assert "Repeat victim" not in referral.what  # the reason stays in the case
    step = by[("review", review_id)]
    assert step.what == "Threshold decision" and step.due is not None and not step.mine
    assert by[("case", led_id)].what == "Bins set alight" and not by[("case", led_id)].mine
    assert [line.kind for line in work.lines] == sorted(
        (line.kind for line in work.lines), key=["action", "referral", "review", "case"].index)
