"""A referral out from making to outcome, with keys alone, on SQLite and PostgreSQL.

A member refers the victim's son from the case view (R on him), with hostile text in
the reason; it waits past its follow-up date, so it is on Flags and brings the case to
the next meeting's agenda ("referral unanswered"); in the meeting the chair refers the
victim to the County criminal-exploitation team from the case item (R); the referrals
are moved on from the case view (o, Enter); the minutes list the one made at the
meeting, the redacted minutes without a name; the plan measure counts it. The
database (and the exported files) are checked after each step.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.export.minutes import export_minutes
from jagtui.export.plan_progress import export_plan
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.case_view import CaseScreen, open_case
from jagtui.screens.flags import FlagsScreen
from jagtui.screens.forms.referral import ReferralForm, ReferralUpdateForm
from jagtui.screens.referrals import CaseReferralsScreen
from jagtui.store import agenda, cases, meeting_run, people, users
from jagtui.store.meeting_run import Attendee
from jagtui.store.measures import quarterly_measures
from jagtui.store.models import AuditEntry
from jagtui.store.referral_tables import Referral

from scenario_chair import Checks
from scenario_meeting import MeetingChair

TODAY = date(2026, 11, 22)
VICTIM, SON = "Dana Whitlock", "Kyle Whitlock"
ESC, RLO = "\x1b", "\u202e"
REASON = (f"Missing school, seen with {SON}'s older contacts {ESC}[31m[bold]county lines[/]"
          f"{ESC}[0m {RLO}evil\u202c; Zoë O'Brien-Łukasz reported it")
MEETING_REASON = f"{VICTIM} says her flat is used to store drugs {ESC}]0;title\x07 by others"


def rows(store):
    with store.read() as session:
        return session.execute(select(
            Referral.id, Referral.person_id, Referral.service, Referral.status, Referral.reason,
            Referral.made_by, Referral.referred_on, Referral.follow_up_on, Referral.meeting_id,
            Referral.item_id, Referral.outcome).order_by(Referral.id)).all()


def seed(store):
    with store.write() as session:
        users.add_user(session, "chair1", "Insp. Rhea Chair", agency="POLICE", role="chair")
        dana = people.add_person(session, VICTIM, address="4 Ash Row", beat="62")
        kyle = people.add_person(session, SON, address="4 Ash Row", beat="62",
                                 date_of_birth=date(2011, 3, 1))
        case = cases.open_case(session, case_type="victim", title="ASB at Ash Row",
                               subgroup="JAG", lead_agency="POLICE", beat="62", rag="amber",
                               opened_on=TODAY - timedelta(days=90))
        cases.link_party(session, case.id, "victim", person_id=dana.id, primary=True)
        cases.link_party(session, case.id, "household member", person_id=kyle.id)
        return case.id, dana.id, kyle.id


async def test_a_referral_from_making_to_outcome(scenario_store, scfg, size, out_dir):
    store, cfg = scenario_store, scfg
    case_id, dana_id, kyle_id = seed(store)
    app = JagApp(store, cfg, role="chair", today=lambda: TODAY)
    app.change_poll_seconds = 0
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = MeetingChair(app, pilot)
        await chair.settle()
        open_case(app, case_id)
        await chair.wait_screen(CaseScreen)
        await chair.wait_for(lambda: app.screen.file is not None, "the case file")

        # 1. The case view: the son in focus, R, the form.
        await chair.press("down", "R")
        form = await chair.wait_screen(ReferralForm, "the referral form")
        await chair.press(*"You")  # the service, by its first letters
        await chair.focus("reason")
        await chair.paste(REASON)
        await chair.fill("referred_on", (TODAY - timedelta(days=20)).isoformat())
        await chair.fill("follow_up_on", (TODAY - timedelta(days=6)).isoformat())
        await chair.save(ReferralForm)
        await chair.wait_screen(CaseScreen)
        (first,) = rows(store)
        with checks("the case view's referral is stored as made, for the son, reason in order"):
            assert (first.person_id, first.service, first.status, first.made_by) == (
                kyle_id, "YOUTH", "made", "chair1")
            assert first.referred_on == TODAY - timedelta(days=20)
            assert first.follow_up_on == TODAY - timedelta(days=6)
            assert ESC not in first.reason and RLO not in first.reason
            assert first.reason.index("Missing") < first.reason.index("county lines") \
                < first.reason.index("Łukasz")
            assert form is not None

        # 2. Flags: awaiting an answer past its follow-up date.
        await chair.press("2")
        flags = await chair.wait_screen(FlagsScreen, "Flags")
        await chair.wait_for(lambda: any(line.code == "referral_overdue" for line in flags.rows),
                             "the referral on Flags")
        line = next(line for line in flags.rows if line.code == "referral_overdue")
        with checks("Flags: the son, his case, the service; not the reason"):
            assert (line.subject, line.case_id, line.person_id) == (SON, case_id, kyle_id)
            assert "Youth offending" in line.reason and "county" not in line.reason
            assert "RF" in chair.all_text()

        # 3. The meeting's agenda brings the case up for review, saying why.
        with store.write() as session:
            meeting = meeting_run.start_meeting(session, cfg, subgroup="JAG", held_on=TODAY,
                                                chair=Attendee("Insp. Rhea Chair", "Police"))
            meeting_run.acknowledge(session, meeting.id)
            meeting_id = meeting.id
        with store.read() as session:
            item = next(i for i in agenda.items(session, meeting_id) if i.case_id == case_id)
            item_id = item.id
        with checks("the agenda: the case item says a referral is unanswered"):
            assert item.title.startswith("Case review, referral unanswered (Youth offending / "
                                         "youth justice prevention): "), item.title

        # 4. In the meeting: R on the case item, the victim referred to the CCE team.
        await chair.open_meetings()
        await chair.press("o")
        chair.runner = await chair.wait_screen(AgendaRunnerScreen)
        await chair.item_loaded()
        await chair.go_to_case(case_id)
        await chair.press("R")
        await chair.wait_screen(ReferralForm, "the referral form in the meeting")
        await chair.press(*"Cou")
        await chair.focus("reason")
        await chair.paste(MEETING_REASON)
        await chair.save(ReferralForm)
        await chair.wait_screen(AgendaRunnerScreen)
        second = rows(store)[1]
        with checks("the meeting's referral: the victim, CCE, this meeting and item"):
            assert (second.person_id, second.service, second.status) == (dana_id, "CCE", "made")
            assert (second.meeting_id, second.item_id) == (meeting_id, item_id)
            assert second.follow_up_on == TODAY + timedelta(days=14)

        # 5. From the case view: o, the son's referral declined then closed with an outcome.
        await chair.press("escape", "y")
        await chair.settle()
        open_case(app, case_id)
        await chair.wait_screen(CaseScreen)
        await chair.wait_for(lambda: app.screen.file is not None, "the case file")
        await chair.press("o")
        listing = await chair.wait_screen(CaseReferralsScreen, "the case's referrals")
        await chair.wait_for(lambda: len(listing.rows) == 2, "both referrals listed")
        await chair.press("down")  # newest first: the son's is second
        await chair.press("enter")
        await chair.wait_screen(ReferralUpdateForm)
        await chair.press(*"Decl")
        await chair.save(ReferralUpdateForm)
        await chair.wait_screen(CaseReferralsScreen)
        with checks("declined, with its history step"):
            assert rows(store)[0].status == "declined"
        await chair.wait_for(lambda: listing.rows and listing.rows[1].status == "declined",
                             "the list reloaded")
        await chair.press("enter")
        await chair.wait_screen(ReferralUpdateForm)
        await chair.press(*"Clo")
        await chair.fill("outcome", "YOS prevention declined: below threshold; school support")
        await chair.save(ReferralUpdateForm)
        await chair.wait_screen(CaseReferralsScreen)
        with checks("closed with its outcome; off Flags"):
            assert (rows(store)[0].status, rows(store)[0].outcome) == (
                "closed", "YOS prevention declined: below threshold; school support")
        await chair.press("escape")

    checks.verify()
    with store.read() as session:
        audited = session.scalars(select(AuditEntry.operation).where(
            AuditEntry.table_name == "referrals").order_by(AuditEntry.id)).all()
        measured = quarterly_measures(session, cfg, TODAY)
    assert audited == ["create", "create", "update", "update"]

    # 6. The minutes, full and redacted: the referral made at the meeting.
    full = export_minutes(store, cfg, meeting_id, formats=("md",))[0].read_text(encoding="utf-8")
    assert "REFERRALS MADE AT THIS MEETING" in full
    line = next(row for row in full.splitlines() if "County criminal-exploitation team" in row)
    assert VICTIM in line and "store drugs" in line and ESC not in full and "\x07" not in full
    assert "Youth offending" not in full  # made in the case view, not at this meeting
    redacted = export_minutes(store, cfg, meeting_id, formats=("md", "docx"), redacted=True)
    text = redacted[0].read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if "County criminal-exploitation team" in row)
    assert "store drugs" in line
    for name in ("Dana", "Whitlock", "Kyle", "Ash Row"):
        assert name not in text, name
    from docx import Document

    doc = Document(str(redacted[1]))
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "County criminal-exploitation team" in cells and "Whitlock" not in cells

    # 7. The plan measure: one referral to the County CE Team this quarter.
    assert measured.get("referrals_cce", (2026, 3)) == 1
    plan = export_plan(store, cfg, quarter="2026/27 Q3", formats=("md",), today=TODAY)
    measures = plan[0].read_text(encoding="utf-8")
    assert "Referrals to the County CE Team" in measures
    assert out_dir in plan[0].parents
