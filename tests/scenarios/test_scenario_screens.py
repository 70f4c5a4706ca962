"""The screens around the meeting, by their main keys, each write checked in the database:
the case list and case view, flags, escalation, actions, plan, meetings, import, the
palette and help. At 80x24 and 160x48, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from jagtui.app import JagApp
from jagtui.rules.dates import fmt_date
from jagtui.screens.actions import ActionsScreen
from jagtui.screens.case_list import CaseListScreen
from jagtui.screens.case_view import CaseScreen
from jagtui.screens.escalation import EscalationScreen
from jagtui.screens.flags import FlagsScreen
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.plan import PlanScreen
from jagtui.store import actions, cases, interventions, meeting_run, plan, risk
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import AuditEntry, Intervention, Meeting

from scenario_chair import Chair, Checks, plain
from scenario_data import TODAY, seed_screens

CHAIR = "Insp. Rhea Chairwoman"


def _app(store, cfg) -> JagApp:
    app = JagApp(store, cfg, role="admin", user_name=CHAIR, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def _home(chair: Chair) -> CaseListScreen:
    screen = await chair.wait_screen(CaseListScreen)
    await chair.wait_for(lambda: screen.rows, "the case list")
    return screen


async def test_cases_search_opens_the_top_match_then_the_case_views_keys(scenario_store, scfg, size):
    store, cfg = scenario_store, scfg
    data = seed_screens(store, cfg)
    planned_on = TODAY + timedelta(days=17)
    with store.write() as session:  # the JAG's next meeting is on the calendar
        from jagtui.store import meetings

        meetings.create_meeting(session, held_on=planned_on, subgroup="JAG")
    app = _app(store, cfg)
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        cases_screen = await _home(chair)
        # Down x4, /, a surname several cases share, Enter, Enter: the top match opens.
        await chair.press("down", "down", "down", "down", "slash")
        await chair.type(data.shared_surname)
        await chair.wait_for(lambda: cases_screen.shown_search == data.shared_surname, "the search")
        assert {row.id for row in cases_screen.rows} == set(data.shared_cases)
        top = cases_screen.rows[0].id
        with checks("defect 4: a new search puts the cursor on the first match"):
            table = cases_screen.query_one(DataTable)
            assert table.cursor_row == 0, f"cursor on row {table.cursor_row}"
        await chair.press("enter", "enter")
        view = await chair.wait_screen(CaseScreen, "the case view")
        with checks("defect 4: Enter opens the top match"):
            assert view.case_id == top, f"opened case {view.case_id}, the top match is {top}"
        await chair.wait_for(lambda: view.file is not None, "the case file")
        with store.read() as session:
            opened = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.case_id == view.case_id, AuditEntry.operation == "view"))
        with checks("opening a case is audited"):
            assert opened, "no audit row for the case opened"

        # The tab keys each bring their tab up.
        from textual.widgets import TabbedContent

        tabs = view.query_one(TabbedContent)
        for key in ("i", "k", "h", "v", "t", "y", "p"):
            before = tabs.active
            await chair.press(key)
            await chair.wait_for(lambda: tabs.active != before, f"the tab for {key}")
        await chair.press("right_square_bracket")
        await chair.wait_for(lambda: tabs.active != "people", "the next tab (])")

        # c: edit the case; RAG to red.
        case_id = view.case_id
        await chair.press("c")
        await chair.wait_for(lambda: chair.app.screen is not view, "the case form")
        await chair.choose("rag", "RED")
        await chair.save()
        with store.read() as session:
            assert cases.get_case(session, case_id).rag == "red"

        # r: a risk assessment, one key per answer; the next meeting's date as the review.
        await chair.press("r")
        await chair.wait_for(lambda: chair.app.screen is not view, "the risk form")
        form = chair.app.screen
        await chair.press(*["y" if q.kind == "yn" else "5" for q in cfg.risk.questions])
        await chair.fill("review_due", "next meeting")
        typed_next = form.query_one("#review_due").date
        await chair.save()
        with store.read() as session:
            latest = risk.latest(session, case_id)
            from jagtui.store.agenda import proposed_next_meeting

            jag_next = proposed_next_meeting(session, cfg, "JAG", TODAY)
        assert latest.assessed_on == TODAY and latest.level == "high"
        with checks("defect 14: 'next meeting' in the case view is the JAG's next meeting"):
            assert latest.review_due == typed_next == jag_next == planned_on, (
                f"review due {latest.review_due}, the meeting proposes {jag_next}, "
                f"the JAG's planned meeting is {planned_on}")
    checks.verify()


async def test_flags_name_the_closed_case_and_enter_opens_it(scenario_store, scfg, size):
    store, cfg = scenario_store, scfg
    data = seed_screens(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await _home(chair)
        await chair.press("2")
        flags = await chair.wait_screen(FlagsScreen)
        await chair.wait_for(lambda: flags.rows, "the flags")
        table = flags.query_one(DataTable)
        # Every row as text: the person closed today is not "no case yet" (defect 11).
        lines = [" ".join(plain(c) if not isinstance(c, str) else c for c in table.get_row_at(n))
                 for n in range(table.row_count)]
        theirs = [line for line in lines if data.closed_today_person in line]
        for line in theirs:
            assert "no case yet" not in line, f"defect 11: {line!r}"
        # Enter on the first flagged row opens that case.
        await chair.focus(table.id or "flags")
        await chair.press("enter")
        view = await chair.wait_screen(CaseScreen)
        assert view.case_id is not None


async def test_escalation_keys_act_on_the_intervention_the_line_names(scenario_store, scfg, size):
    store, cfg = scenario_store, scfg
    data = seed_screens(store, cfg)
    app = _app(store, cfg)
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await _home(chair)
        await chair.press("3")
        esc = await chair.wait_screen(EscalationScreen)
        await chair.wait_for(lambda: esc.rows, "the escalation list")
        table = esc.query_one("#esc-cases", DataTable)
        await chair.focus("esc-cases")
        await chair.to_row(table, str(data.lapsed_case), "the lapsed case")
        note = chair.text_of("#esc-note")
        assert "Lapsed: CPW review was due" in note and "(o)" in note, note
        if size[0] >= 160:
            with checks("160x48 layout: the escalation list shows whole references and alerts"):
                cut = []
                for key in ("ref", "alert", "step"):
                    column = table.columns[key]
                    room = column.get_render_width(table) - 2 * table.cell_padding
                    for n in range(table.row_count):
                        shown = plain(table.get_cell_at(Coordinate(n, list(table.columns).index(key))))
                        if len(shown) > room or shown.endswith("…"):
                            cut.append(shown)
                assert not cut, cut

        # b: a breach of the CPW the line names (defect 5), then n to the proposal.
        await chair.press("b")
        await chair.wait_for(lambda: chair.focused_id == "breached", "the breach form")
        await chair.fill("notes", "Seen at the parade again")
        await chair.save()
        if isinstance(app.screen, ConfirmScreen):
            await chair.press("n")
        with store.read() as session:
            rows = {i.id: (i, b) for i, b in interventions.for_case(session, data.lapsed_case)}
        assert [b.notes for b in rows[data.cpw_id][1]] == ["Seen at the parade again"], (
            "defect 5: b recorded the breach on another intervention than the lapsed CPW")
        assert [b.notes for b in rows[data.abc_id][1]] == ["Broke the ABC"]

        # o: the outcome of the CPW, the step the case is at (defect 5), not the older ABC.
        await chair.to_row(table, str(data.lapsed_case), "the lapsed case")
        await chair.press("o")
        await chair.wait_for(lambda: chair.focused_id == "outcome", "the outcome form")
        await chair.choose_here(app.focused, "Expired")
        await chair.save()
        with store.read() as session:
            cpw = session.get(Intervention, data.cpw_id)
            abc = session.get(Intervention, data.abc_id)
        assert (cpw.outcome, abc.outcome) == ("expired", "breached"), (
            f"defect 5: o set CPW {cpw.outcome}, ABC {abc.outcome}")

        # i: the step the ladder proposes next, for the case's perpetrator.
        await chair.to_row(table, str(data.lapsed_case), "the lapsed case")
        await chair.press("i")
        await chair.wait_for(lambda: chair.focused_id == "step", "the intervention form")
        await chair.fill("notes", "Served by the ASB team")
        await chair.save()
        with store.read() as session:
            newest = max((i for i, _ in interventions.for_case(session, data.lapsed_case)),
                         key=lambda i: i.id)
        assert newest.id not in (data.abc_id, data.cpw_id)
        assert newest.issued_on == TODAY and newest.notes == "Served by the ASB team"
        assert newest.person_id is not None
        # The notes typed are shown: on Escalation, and in the case's Interventions tab (defect 3).
        await chair.to_row(table, str(data.lapsed_case), "the lapsed case")
        await chair.settle(2)
        with checks("defect 3: Escalation shows the intervention's notes"):
            assert "Served by the ASB team" in chair.all_text()
        await chair.press("enter")
        view = await chair.wait_screen(CaseScreen)
        await chair.wait_for(lambda: view.file is not None, "the case file")
        await chair.press("v")
        await chair.settle(2)
        with checks("defect 3: the case's Interventions tab shows the intervention's notes"):
            assert "Served by the ASB team" in chair.all_text()
    checks.verify()


async def test_actions_screen_add_update_complete_reassign(scenario_store, scfg, size):
    store, cfg = scenario_store, scfg
    data = seed_screens(store, cfg)
    ids = data.jag.ids
    app = _app(store, cfg)
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await _home(chair)
        await chair.press("4")
        screen = await chair.wait_screen(ActionsScreen)
        await chair.wait_for(lambda: screen.rows, "the action log")

        # a, then ctrl+s at once: refused, the cursor on the first field to fix (defect 9).
        await chair.press("a")
        await chair.wait_for(lambda: chair.app.screen is not screen, "the action form")
        form = chair.app.screen
        with checks("defect 12: an action added outside a meeting is not given the finished "
                    "meeting's last item as its ref"):
            ref = form.query_one("#ref", Input).value
            assert ref != "111026 Item 1", ref
        await chair.press("ctrl+s")
        with checks("defect 9: after a refused save the cursor is on the first field in error"):
            assert chair.app.screen is form
            wrong = form.problems()
            first_wrong = next(w.id for w in form.inputs() if w.id in wrong)
            assert chair.focused_id == first_wrong, (
                f"cursor in #{chair.focused_id}, the first field to fix is #{first_wrong}")
        # Left empty: "Outside meeting <today>" (a typed ref must name a real meeting's item).
        await chair.fill("ref", "")
        await chair.fill("text", "Check the CCTV request")
        await chair.fill("owner", "PC Hale")
        await chair.fill("due", "+10d")
        await chair.save()
        with store.read() as session:
            added = [r.action for r in actions.action_rows(session, search="Check the CCTV request")]
        assert [(a.text, a.owner, a.due_on, a.status) for a in added] == [
            ("Check the CCTV request", "PC Hale", TODAY + timedelta(days=10), "open")]
        assert added[0].ref == f"Outside meeting {TODAY:%d%m%y}", added[0].ref
        with checks("defect 12: the action added outside a meeting belongs to no meeting item"):
            assert (added[0].meeting_id, added[0].item_id) == (None, None), (
                added[0].ref, added[0].meeting_id, added[0].item_id)

        table = screen.query_one("#actions", DataTable)
        await chair.focus("actions")
        # u: an update; it stays open.
        await chair.wait_for(lambda: str(ids.open_action) in [r.key.value for r in table.ordered_rows],
                             "the open action listed")
        await chair.to_row(table, str(ids.open_action))
        await chair.press("u")
        await chair.wait_for(lambda: chair.focused_id == "update", "the update form")
        await chair.type("Met two owners")
        await chair.save()
        with store.read() as session:
            row = actions.action_rows(session, status=None, action_ids=[ids.open_action])[0]
        assert (row.action.status, row.latest_update.text) == ("open", "Met two owners")
        # c: complete it.
        await chair.to_row(table, str(ids.open_action))
        await chair.press("c")
        await chair.wait_for(lambda: chair.focused_id == "update", "the complete form")
        await chair.type("All visited")
        await chair.save()
        with store.read() as session:
            row = actions.action_rows(session, status=None, action_ids=[ids.open_action])[0]
        assert (row.action.status, row.latest_update.text) == ("complete", "All visited")
        # r: reassign another action.
        await chair.wait_for(lambda: str(data.jag.third_action) in [r.key.value for r in table.ordered_rows],
                             "the third action listed")
        await chair.to_row(table, str(data.jag.third_action))
        await chair.press("r")
        await chair.wait_for(lambda: chair.focused_id == "owner", "the reassign form")
        await chair.press("end", "ctrl+u")
        await chair.type("Dee Housing")
        await chair.save()
        with store.read() as session:
            row = actions.action_rows(session, status=None, action_ids=[data.jag.third_action])[0]
        assert row.action.owner == "Dee Housing"
    checks.verify()


async def test_plan_update_keeps_text_typed_on_the_status(scenario_store, scfg, size):
    store, cfg = scenario_store, scfg
    seed_screens(store, cfg)
    app = _app(store, cfg)
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await _home(chair)
        await chair.press("6")
        screen = await chair.wait_screen(PlanScreen)
        from textual.widgets import Tree

        tree = screen.query_one("#plan", Tree)
        await chair.wait_for(lambda: tree.root.children, "the plan")
        for _ in range(10):
            if tree.cursor_node is not None and tree.cursor_node.data is not None:
                break
            await chair.press("down")
        await chair.press("u")
        await chair.wait_for(lambda: chair.focused_id == "progress", "the progress form")
        await chair.type("Two diversion projects funded")
        # Tab to Status and type the status's name: it is chosen, the progress kept (defect 9).
        await chair.focus("status")
        await chair.type("at risk")
        form = chair.app.screen
        with checks("defect 9: typing on the Status choice picks it and loses nothing"):
            assert form.query_one("#progress", Input).value == "Two diversion projects funded"
            from textual.widgets import Select

            assert form.query_one("#status", Select).value == "at risk", (
                form.query_one("#status", Select).value)
        await chair.save()
        with store.read() as session:
            line = next(line for line in plan.plan_lines(session) if line.updates)
        assert line.updates[-1].text == "Two diversion projects funded"
        with checks("defect 9: the status typed is the one saved"):
            assert line.updates[-1].status == "at risk", line.updates[-1].status
    checks.verify()


async def test_meetings_o_resumes_the_meeting_in_progress_where_it_was_left(scenario_store, scfg, size):
    from jagtui.screens.agenda_runner import AgendaRunnerScreen, LeaveMeeting
    from jagtui.screens.meeting import MeetingsScreen

    store, cfg = scenario_store, scfg
    seed_screens(store, cfg)
    with store.write() as session:
        running = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee(CHAIR, "Leicestershire Police"))
        meeting_run.acknowledge(session, running.id)
        planned = session.scalars(select(Meeting).where(Meeting.status == "planned")).all()
        if not planned:
            from jagtui.store import meetings

            meetings.create_meeting(session, held_on=TODAY + timedelta(days=42), subgroup="JAG")
    app = _app(store, cfg)
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await _home(chair)
        await chair.press("5")
        screen = await chair.wait_screen(MeetingsScreen)
        await chair.wait_for(lambda: screen.rows, "the meetings")
        assert "In progress" in chair.text_of("#meetings-hint")
        table = screen.query_one(DataTable)
        await chair.to_row(table, str(running.id), "the meeting in progress")
        await chair.press("o")
        runner = await chair.wait_screen(AgendaRunnerScreen)
        await chair.wait_for(lambda: runner.item is not None, "the agenda")
        await chair.press("n", "n", "n", "n")
        await chair.wait_for(lambda: runner.index == 4, "item 5")
        await chair.settle(3)
        await chair.press("escape")
        await chair.wait_screen(LeaveMeeting)
        await chair.press("escape")  # Esc means "no, stay" in every confirm dialog
        await chair.settle(2)
        with checks("defect 13: Esc in the leave-meeting dialog means stay"):
            assert app.screen is runner, type(app.screen).__name__
        if app.screen is runner:
            await chair.press("escape")
            await chair.wait_screen(LeaveMeeting)
        if isinstance(app.screen, LeaveMeeting):
            await chair.press("y")
        await chair.wait_screen(MeetingsScreen)
        # The cursor on the planned meeting's row; o still resumes the meeting in progress.
        planned_row = next(n for n, m in enumerate(screen.rows) if m.status == "planned")
        await chair.to_row(table, str(screen.rows[planned_row].id), "the planned meeting")
        await chair.press("o")
        await chair.settle(3)
        with checks("defect 6: o resumes the meeting in progress, at the item where it was left"):
            assert isinstance(app.screen, AgendaRunnerScreen), type(app.screen).__name__
            assert app.screen.meeting_id == running.id
            await chair.wait_for(lambda: app.screen.item is not None, "the agenda", timeout=10)
            assert app.screen.index == 4, f"resumed at item {app.screen.index + 1}, left at 5"
    checks.verify()


async def test_n_on_a_day_whose_meeting_is_held_asks_first(scenario_store, scfg, size):
    from jagtui.screens.forms.meeting_start import StartMeetingForm
    from jagtui.screens.meeting import MeetingsScreen

    store, cfg = scenario_store, scfg
    seed_screens(store, cfg)
    with store.write() as session:
        held = meeting_run.start_meeting(session, cfg, subgroup="JAG", held_on=TODAY,
                                         chair=Attendee(CHAIR, "Leicestershire Police"))
        meeting_run.acknowledge(session, held.id)
        meeting_run.end_meeting(session, cfg, held.id, TODAY + timedelta(days=42))
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await _home(chair)
        await chair.press("5")
        screen = await chair.wait_screen(MeetingsScreen)
        await chair.wait_for(lambda: screen.rows, "the meetings")
        await chair.press("n")
        await chair.settle(3)
        if isinstance(app.screen, StartMeetingForm):  # asked here, or when starting it
            form = app.screen
            await chair.type("Dee Hou")
            await chair.wait_for(lambda: form.found and form.found[0].name == "Dee Housing",
                                 "the directory")
            await chair.press("enter", "ctrl+s")
            await chair.settle(3)
        asked = app.screen
        assert isinstance(asked, ConfirmScreen), (
            f"defect 7: no question before a second JAG meeting on {fmt_date(TODAY)}; "
            f"on {type(asked).__name__}; notices {chair.notices()}")
        question = plain(asked.question)
        assert fmt_date(TODAY) in question or "22 November" in question, question
        await chair.press("escape")  # Esc means no
        await chair.settle(3)
    with store.read() as session:
        today_meetings = session.scalars(select(Meeting).where(Meeting.held_on == TODAY)).all()
    assert [m.id for m in today_meetings] == [held.id], "defect 7: a second meeting made"


async def test_import_screen_number_keys_navigate_and_esc_leaves_the_box(scenario_store, scfg, size):
    from jagtui.screens.import_screen import ImportScreen

    store, cfg = scenario_store, scfg
    seed_screens(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await _home(chair)
        await chair.press("7")
        screen = await chair.wait_screen(ImportScreen)
        assert chair.focused_id != "import-path", "defect 8: focus lands in the path box"
        await chair.press("p")
        assert chair.focused_id == "import-path"
        await chair.type("/tmp/x1")
        assert screen.query_one("#import-path", Input).value == "/tmp/x1"
        await chair.press("escape")
        assert chair.focused_id != "import-path", "defect 8: Esc does not leave the path box"
        await chair.press("1")
        await chair.wait_screen(CaseListScreen, "defect 8: 1 navigates to the cases once out of the box")


async def test_palette_finds_the_meeting_and_help_lists_the_screens_keys_first(scenario_store, scfg, size):
    from textual.command import CommandPalette

    from jagtui.screens.help import HelpScreen

    store, cfg = scenario_store, scfg
    seed_screens(store, cfg)
    app = _app(store, cfg)
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        cases_screen = await _home(chair)
        for words in ("meeting", "export", "new case", "start meeting"):
            await chair.press("ctrl+p")
            palette = await chair.wait_screen(CommandPalette)
            await chair.type(words)
            await chair.settle(4)
            from textual.command import CommandList

            found = palette.query_one(CommandList)
            prompts = [plain(found.get_option_at_index(n).prompt) for n in range(found.option_count)]
            with checks(f"defect 13: the palette finds {words!r}"):
                assert prompts and not any("No matches" in p for p in prompts), prompts
            await chair.press("escape")
            await chair.wait_for(lambda: app.screen is cases_screen, "the palette closed")
        await chair.press("question_mark")
        help_screen = await chair.wait_screen(HelpScreen)
        from rich.console import Console

        console = Console(width=160, record=True, file=io.StringIO())
        console.print(help_screen.query_one("#help-body Static", Static).content)
        listed = console.export_text()
        with checks("defect 13: ? lists the screen's own keys before generic ones"):
            own = listed.casefold().find("new case")
            generic = [listed.find(w) for w in ("Scroll Left", "Copy") if w in listed]
            assert own >= 0 and all(own < g for g in generic), (own, generic)
    checks.verify()


async def test_n_opens_a_new_case_for_a_person_found_by_name(scenario_store, scfg, size):
    from jagtui.screens.forms.party_picker import PartyPicker

    store, cfg = scenario_store, scfg
    data = seed_screens(store, cfg)
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        cases_screen = await _home(chair)
        await chair.press("n")
        await chair.wait_for(lambda: app.screen is not cases_screen, "the new case form")
        form = app.screen
        await chair.focus("subject")
        await chair.press("enter")
        picker = await chair.wait_screen(PartyPicker, "the person picker")
        await chair.type("Vic Thistle")
        await chair.wait_for(lambda: picker.query_one("#picker-list").option_count >= 1
                             and "Vic Thistlewood" in plain(
                                 picker.query_one("#picker-list").get_option_at_index(0).prompt),
                             "Vic Thistlewood found")
        await chair.press("down", "enter")
        await chair.wait_for(lambda: app.screen is form, "back on the form")
        await chair.fill("title", "Scooters on the footpath")
        await chair.choose("rag", "RED")
        await chair.save()
        view = await chair.wait_screen(CaseScreen, "the new case opened")
    with store.read() as session:
        case = cases.get_case(session, view.case_id)
        parties = cases.parties(session, case.id)
    assert (case.title, case.status, case.rag, case.opened_on) == (
        "Scooters on the footpath", "open", "red", TODAY)
    assert [(p.role, person.name) for p, person, _ in parties if person] == [
        ("victim", "Vic Thistlewood")]
    assert case.id not in data.shared_cases


async def test_the_case_view_header_shows_every_flag(scenario_store, scfg, size):
    """At 80x24 too: every flag of the case is on screen in the header (CT, RV, ... or words)."""
    from textual.geometry import Region

    from jagtui.display import FLAG_BADGES
    from jagtui.store import incidents
    from jagtui.store.caselist import case_rows

    import case_data

    store, cfg = scenario_store, scfg
    seeded = case_data.seed(store, cfg)
    with store.write() as session:  # two more, one of them hate: CT, RV and H as well as OD
        for n, (days, hate) in enumerate(((3, True), (20, False))):
            incidents.add_incident(
                session, occurred_on=TODAY - timedelta(days=days), category="HARASSMENT",
                source="police", source_ref=f"STORM-01{n}", hate=hate,
                categories=[c.key for c in cfg.categories],
                description="Shouting again", people=[(seeded.victim_id, "victim")])
    with store.read() as session:
        (row,) = case_rows(session, cfg, TODAY, status=None, case_ids=[seeded.case_id])
    assert len(row.flags) >= 3 and "community_trigger" in {f.code for f in row.flags}, row.flags
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        cases_screen = await _home(chair)
        await chair.press("slash")
        await chair.type(row.reference)
        await chair.wait_for(lambda: [r.id for r in cases_screen.rows] == [seeded.case_id], "the case")
        await chair.press("enter", "enter")
        view = await chair.wait_screen(CaseScreen)
        await chair.wait_for(lambda: view.file is not None, "the case file")
        await chair.settle(2)
        header = view.query_one("#case-header", Static)
        shown = "\n".join("".join(seg.text for seg in strip)
                          for strip in header.render_lines(Region(0, 0, *header.size)))
    import re

    words = {"community_trigger": "Community Trigger", "repeat_victim": "Repeat victim",
             "repeat_location": "Repeat location", "vulnerable": "Vulnerable", "hate": "Hate",
             "youth": "Youth", "review_overdue": "Review overdue"}
    missing = [flag.code for flag in row.flags
               if not re.search(rf"\b{FLAG_BADGES[flag.code][0]}\b", shown)
               and not re.search(rf"\b{words[flag.code]}\b", shown, re.IGNORECASE)]
    assert not missing, f"80x24 layout: the case header leaves out {missing}:\n{shown}"
