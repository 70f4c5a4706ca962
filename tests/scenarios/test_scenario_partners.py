"""Partners before and in the meeting, keys only, on SQLite and PostgreSQL (80x24).

A partner logs in (their own login, a registered user of their agency), opens My work
(w), updates one of their actions and completes it, and writes their agency's update
for the planned meeting. The chair then runs that meeting: under the action log the
partner's updates are shown with who wrote them and when, and one key accepts them
into the minutes; the agency update item shows the report and one key minutes it; +
adds an ad-hoc item after the current one and ] moves it; the meeting ends and the
minutes are exported. The database and the minutes are read back after each step.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from textual.widgets import DataTable

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.forms.action import ActionUpdateForm
from jagtui.screens.forms.partner_report import PartnerReportForm
from jagtui.screens.my_work import MyWorkScreen
from jagtui.screens.runner_partners import AddItemForm
from jagtui.store import actions, agenda, meeting_run, meetings, users
from jagtui.store.db import create_store
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import Action, ActionUpdate, Meeting
from jagtui.store.partner_tables import AcceptedUpdate, PartnerReport

from scenario_chair import minutes_markdown, plain
from scenario_data import TODAY, seed
from scenario_meeting import MeetingChair

DEE = "Dee Housing"
CHAIR = "Insp. Rhea Chairwoman"
ESC, RLO = "\x1b", "\u202e"
HOSTILE = f"Zoë O'Brien-Łukasz [bold]x[/] {ESC}[31mred{ESC}[0m {RLO}evil"


def _partner_app(store, cfg) -> JagApp:
    app = JagApp(store, cfg, role="member", user_name=DEE, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


def _chair_app(store, cfg) -> JagApp:
    app = JagApp(store, cfg, role="chair", user_name=CHAIR, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def test_partner_updates_then_the_chair_accepts_them(scenario_store, db_url, scfg, out_dir):
    store, cfg = scenario_store, scfg
    jag = seed(store, cfg)
    action_id = jag.ids.open_action  # Dee Housing's, overdue
    with store.write() as session:
        users.add_user(session, "dee1", DEE, agency="CBC-HOUSING", role="member")
        planned = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        meeting_id = planned.id
        hostile_id = actions.add_action(  # the agency's, with hostile text in it
            session, ref="Outside meeting 201126", text=HOSTILE, owner="Zoë O'Brien-Łukasz",
            owner_agency="CBC-HOUSING", due_on=TODAY + timedelta(days=30)).id
    housing = cfg.agency_name("CBC-HOUSING")

    # --- The partner, before the meeting: My work, an update, a completion, a report.
    partner_store = create_store(db_url, "dee1")
    try:
        app = _partner_app(partner_store, cfg)
        async with app.run_test(size=(80, 24)) as pilot:
            partner = MeetingChair(app, pilot)
            await partner.press("w")
            screen = await partner.wait_screen(MyWorkScreen)
            await partner.wait_for(lambda: screen.work is not None, "My work to load")
            table = screen.query_one("#my-work", DataTable)
            text = partner.all_text()
            assert DEE in text and "OVERDUE" in text and "Visit the shop owners" in text
            assert f"action:{hostile_id}" in [row.key.value for row in table.ordered_rows]
            assert ESC not in text and RLO not in text  # hostile text shown, never obeyed
            await partner.press("question_mark")  # ? lists the screen's keys
            await partner.wait_for(lambda: "HelpScreen" in type(app.screen).__name__, "help")
            assert "Add an update to the highlighted action" in partner.all_text()
            await partner.press("escape")
            await partner.wait_screen(MyWorkScreen)
            await partner.to_row(table, f"action:{hostile_id}")
            detail = partner.text_of("#my-work-detail")
            assert "Zoë O'Brien-Łukasz [bold]x[/]" in detail and "evil" in detail
            assert ESC not in partner.all_text() and RLO not in partner.all_text()
            await partner.to_row(table, f"action:{action_id}")

            await partner.press("u")
            await partner.wait_screen(ActionUpdateForm)
            await partner.paste(HOSTILE)
            await partner.save()
            with store.read() as session:
                written = session.scalars(select(ActionUpdate).where(
                    ActionUpdate.action_id == action_id)).all()[-1]
                assert written.created_by == "dee1" and written.meeting_id is None
                assert "Zoë O'Brien-Łukasz [bold]x[/]" in written.text and ESC not in written.text
                assert session.get(Action, action_id).status == "open"

            await partner.wait_for(lambda: screen.work is not None and table.row_count, "reload")
            await partner.to_row(table, f"action:{action_id}")
            await partner.press("c")
            await partner.wait_screen(ActionUpdateForm)
            await partner.type("All six shops visited")
            await partner.save()
            with store.read() as session:
                assert session.get(Action, action_id).status == "complete"

            await partner.press("r")
            form = await partner.wait_screen(PartnerReportForm)
            await partner.type("Two tenancy warnings served")
            await partner.fill("risks", "Cuckooing on Ash Row")
            await partner.fill("gaps", "A second tenancy officer")
            await partner.save()
            assert form is not app.screen
        with store.read() as session:
            report = session.scalars(select(PartnerReport)).one()
            assert (report.meeting_id, report.kind, report.source, report.author) == (
                meeting_id, "agency", "CBC-HOUSING", DEE)
            assert report.summary == "Two tenancy warnings served"
            assert report.risks == "Cuckooing on Ash Row" and report.accepted_at is None
    finally:
        partner_store.dispose()

    # --- The chair runs the meeting: the updates under the action log, one key each.
    with store.write() as session:
        meeting_run.start_meeting(session, cfg, subgroup="JAG", held_on=TODAY,
                                  chair=Attendee(CHAIR, "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting_id)
    app = _chair_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        chair = MeetingChair(app, pilot)
        await chair.open_meetings()
        await chair.press("o")
        chair.runner = await chair.wait_screen(AgendaRunnerScreen)
        runner = chair.runner
        await chair.item_loaded()
        await chair.go_to_kind("actions")
        await chair.review_row(action_id)
        shown = plain(runner.query_one("#item-info").content)
        assert "Partners' updates since the last meeting" in shown
        assert f"{DEE} ({housing}" in shown and "All six shops visited" in shown
        assert ESC not in shown and "[bold]x[/]" in shown

        await chair.press("p")  # the first waiting update on this action
        await chair.wait_for(lambda: _accepted(store) == 1, "one update accepted")
        await chair.press("p")  # and the second (the completion)
        await chair.wait_for(lambda: _accepted(store) == 2, "both updates accepted")
        await chair.wait_for(lambda: "✓" in plain(runner.query_one("#item-info").content),
                             "the accepted updates marked")
        await chair.press("p")  # nothing left: said, nothing written twice
        assert any("No partner's update waiting" in n for n in chair.notices())
        assert _accepted(store) == 2
        minutes = minutes_markdown(store, cfg, meeting_id)
        assert f"Update from {housing} ({DEE}, " in minutes
        assert "All six shops visited" in minutes and ESC not in minutes and RLO not in minutes

        # --- The agency update item: the report, accepted with one key.
        await chair.go_to_kind("agency updates")
        assert "Two tenancy warnings served" in plain(runner.query_one("#item-info").content)
        await chair.press("P")
        await chair.wait_for(lambda: _report_accepted(store), "the report accepted")
        minutes = minutes_markdown(store, cfg, meeting_id)
        assert f"Update from {housing} ({DEE}, " in minutes
        assert "Risks and issues: Cuckooing on Ash Row" in minutes

        # --- + adds an ad-hoc item after the current one; ] moves it down.
        before = runner.index
        await chair.press("plus")
        await chair.wait_screen(AddItemForm)
        await chair.type("Summer fair patrols")
        await chair.press("enter")
        await chair.wait_for(lambda: any(i.title == "Summer fair patrols" for i in runner.view.items),
                             "the new item")
        with store.read() as session:
            items = agenda.items(session, meeting_id)
        added = next(i for i in items if i.title == "Summer fair patrols")
        assert added.kind == "other" and added.number == items[before].number + 1
        await chair.next_item()
        assert runner.item.id == added.id
        await chair.move_item("right_square_bracket")
        with store.read() as session:
            moved = next(i for i in agenda.items(session, meeting_id) if i.id == added.id)
        assert moved.number == added.number + 1
        await chair.note("Extra patrols agreed for the fair", agreed=True)

        # --- End and export: the minutes keep who said what, and the new item.
        end = await chair.end_meeting()
        await chair.finalise(end)
        paths = await chair.export(end, "m", "minutes")
        markdown = next(p for p in paths if str(p).endswith(".md")).read_text()
        assert f"Update from {housing} ({DEE}, " in markdown
        assert "SUMMER FAIR PATROLS" in markdown.upper()  # item titles are headings
        assert "Extra patrols agreed for the fair" in markdown
    with store.read() as session:
        assert session.get(Meeting, meeting_id).status == "final"


def _accepted(store) -> int:
    with store.read() as session:
        return len(session.scalars(select(AcceptedUpdate)).all())


def _report_accepted(store) -> bool:
    with store.read() as session:
        return session.scalars(select(PartnerReport)).one().accepted_at is not None
