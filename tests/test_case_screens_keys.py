"""Issue 11: the list and case screens outside the meeting, driven by keys alone,
on SQLite and PostgreSQL, each defect checked against what the database records."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.screens.case_view import CaseScreen
from jagtui.store import actions, cases, incidents, interventions, meetings, people, users
from jagtui.store.models import Action, AuditEntry, Case, Intervention, Meeting
from pilot_help import settle

TODAY = date(2026, 12, 4)


def make_app(store, cfg) -> JagApp:
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0  # no background polling: the tests decide when things load
    return app


def viewed_cases(store) -> list[int]:
    """The cases opened, in order, as the audit trail records each view."""
    with store.read() as session:
        return list(session.scalars(select(AuditEntry.case_id).where(AuditEntry.operation == "view")
                                    .order_by(AuditEntry.id)))


# -- 4. a search puts the cursor on the top match -------------------------------------

def seed_surnames(store) -> dict[str, int]:
    """Eight victim cases; three of the victims are called Hollis."""
    names = ["Ann Hollis", "Ben Archer", "Cara Hollis", "Dev Moss", "Eve Stone", "Fay Hollis",
             "Gus Reed", "Hal Brook"]
    found = {}
    with store.write() as session:
        for n, name in enumerate(names):
            person = people.add_person(session, name, beat="63")
            case = cases.open_case(session, case_type="victim", title=f"ASB, {name}",
                                   subgroup="JAG", lead_agency="POLICE", beat="63",
                                   opened_on=TODAY - timedelta(days=10 + n))
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
            found[name] = case.id
    return found


async def test_enter_after_a_search_opens_the_top_match_not_the_old_cursor_row(store, cfg):
    ids = seed_surnames(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "down")
        await pilot.press("slash", *"hollis")
        await settle(app, pilot)
        listing = app.screen
        matches = [row.id for row in listing.rows]
        assert sorted(matches) == sorted(ids[n] for n in ("Ann Hollis", "Cara Hollis", "Fay Hollis"))
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.case_id == matches[0]
    assert viewed_cases(store) == [matches[0]]


async def test_each_change_of_the_search_or_filter_starts_on_the_first_row(store, cfg):
    seed_surnames(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases")
        await pilot.press("slash", *"ho")
        await settle(app, pilot)
        await pilot.press("enter", "down", "down")
        assert table.cursor_row == 2
        await pilot.press("slash", "l")  # narrower: still on the top match
        await settle(app, pilot)
        assert table.cursor_row == 0
        await pilot.press("enter", "down", "escape")  # the search cleared: top again
        await settle(app, pilot)
        assert len(app.screen.rows) == 8 and table.cursor_row == 0
        await pilot.press("down", "down", "down")
        # Filter: not assessed (the risk list's last option), which all eight are: still a new filter.
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("tab", "tab", "tab", "enter", "end", "enter", "ctrl+s")
        await settle(app, pilot)
        assert len(app.screen.rows) == 8 and table.cursor_row == 0
        await pilot.press("down", "down", "f5")  # a reload of the same filter keeps the row
        await settle(app, pilot)
        assert table.cursor_row == 2
        await pilot.press("enter")
        await settle(app, pilot)
        opened = app.screen.case_id
    assert viewed_cases(store) == [opened]


# -- 5. Escalation: o and b act on the intervention the lapsed line names ---------------

def seed_lapsed(store, cfg) -> dict[str, int]:
    """A perpetrator whose CPW review lapsed, with a later ABC still running (as in the demo)."""
    steps = [s.key for s in cfg.ladder]
    with store.write() as session:
        person = people.add_person(session, "Callum Example", beat="64")
        case = cases.open_case(session, case_type="perpetrator", title="Callum Example ASB",
                               subgroup="YJAG", lead_agency="POLICE", beat="64",
                               opened_on=TODAY - timedelta(days=300))
        cases.link_party(session, case.id, "perpetrator", person_id=person.id, primary=True)

        def issue(step, days_ago, review_days_ago, notes=""):
            return interventions.record_intervention(
                session, case_id=case.id, step=step, steps=steps, issuing_agency="CBC-ASB",
                issued_on=TODAY - timedelta(days=days_ago),
                review_on=TODAY - timedelta(days=review_days_ago), person_id=person.id,
                notes=notes).id

        ids = {"abc_old": issue("ABC", 230, 50)}
        interventions.record_breach(session, ids["abc_old"], TODAY - timedelta(days=200))
        ids["cpw"] = issue("CPW", 200, 17, "CPW served at home with his mother present")
        ids["abc"] = issue("ABC", 110, -40, "Second ABC signed at the YOS office")
    return ids


def intervention_state(store) -> dict[int, tuple[str, int]]:
    with store.read() as session:
        return {i.id: (i.outcome, len(b)) for i, b in interventions.for_case(
            session, session.scalar(select(Intervention.case_id)))}


async def test_o_records_the_outcome_of_the_lapsed_intervention_the_line_names(store, cfg):
    ids = seed_lapsed(store, cfg)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        note = str(app.screen.query_one("#esc-note").content)
        assert "Lapsed: CPW review was due 17 Nov 2026 — record an outcome (o)" in note
        detail = str(app.screen.query_one("#esc-detail").content)
        assert detail.startswith("CPW issued") and "CPW served at home" in detail
        await pilot.press("o")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "OutcomeForm"
        await pilot.press("ctrl+s")  # complied, the default
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalationScreen"
    assert intervention_state(store) == {
        ids["abc_old"]: ("breached", 1), ids["cpw"]: ("complied", 0), ids["abc"]: ("active", 0)}


async def test_b_records_a_breach_of_the_lapsed_intervention_the_line_names(store, cfg):
    ids = seed_lapsed(store, cfg)
    app = make_app(store, cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "BreachForm"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        if type(app.screen).__name__ == "ConfirmScreen":  # the next step is proposed: not now
            await pilot.press("n")
            await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalationScreen"
    assert intervention_state(store) == {
        ids["abc_old"]: ("breached", 1), ids["cpw"]: ("breached", 1), ids["abc"]: ("active", 0)}


def screen_text(app) -> str:
    """The terminal's text, as the room reads it."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


async def test_escalation_uses_a_projectors_width_and_keeps_it_after_a_resize(store, cfg):
    ids = seed_lapsed(store, cfg)
    app = make_app(store, cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        await pilot.resize_terminal(160, 48)
        await settle(app, pilot)
        await pilot.pause(0.2)
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "Callum Example" in line)
        assert row.split() == ["JAG-26-0001", "Callum", "Example", "LAPSED", "CPW", "CPN",
                               "17", "Nov", "2026", "1", "ABC", "16", "Aug", "2026", "(CBC-ASB)",
                               "POLICE", "64", "perpetrator"]
        # The notes recorded with each intervention, the highlighted one's in full.
        assert "Second ABC signed at the YOS office" in text
        assert "Notes: CPW served at home with his mother present" in text
    assert intervention_state(store)[ids["cpw"]] == ("active", 0)  # looking changes nothing


# -- 11. Flags: a case closed today is named as closed, not "no case yet" -----------------

async def test_flags_name_a_case_closed_today_as_closed(store, cfg):
    categories = [c.key for c in cfg.categories]
    with store.write() as session:
        ruth = people.add_person(session, "Ruth Example", beat="63")
        case = cases.open_case(session, case_type="victim", title="Ruth Example, Mill Lane",
                               subgroup="JAG", lead_agency="POLICE", beat="63",
                               opened_on=TODAY - timedelta(days=60))
        cases.link_party(session, case.id, "victim", person_id=ruth.id, primary=True)
        for n in range(3):
            incidents.add_incident(session, occurred_on=TODAY - timedelta(days=5 + 10 * n),
                                   category="ASB-PERSONAL", source="police",
                                   source_ref=f"STORM-{n}", categories=categories,
                                   people=[(ruth.id, "victim")])
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # The chair closes the case from the case view: e, Tab to Status, closed, the reason.
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press(*["tab"] * 7, "enter", "down", "enter", "tab", *"Moved away", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("escape", "2")
        await settle(app, pilot)
        flags = app.screen
        assert type(flags).__name__ == "FlagsScreen"
        table = flags.query_one("#flags")
        shown = [str(table.get_cell(key, "case")) for key in table.rows]
        assert shown and set(shown) == {f"{case.reference} closed"}
        detail = str(flags.query_one("#flags-detail").content)
        assert f"Case {case.reference} was closed on 4 Dec 2026; no open case" in detail
        assert "no case" not in str(flags.query_one("#flags-kinds").content)
        await pilot.press("enter")  # opens the closed case, rather than offering a new one
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == case.id
    with store.read() as session:
        assert [(c.id, c.status, c.closed_on) for c in session.scalars(select(Case))] == [
            (case.id, "closed", TODAY)]
    assert viewed_cases(store) == [case.id, case.id]


# -- 12. An action added outside a meeting, and the owner field ---------------------------

def seed_directory(store) -> None:
    """Today's meeting, finished, with 31 items; three people who can own actions."""
    with store.write() as session:
        users.add_user(session, "p.lendon", "Priya Lendon", "CBC-ASB")
        users.add_user(session, "p.shah", "Priya Shah", "POLICE")
        users.add_user(session, "m.teale", "Marcus Teale", "YOS")
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        for n in range(31):
            meetings.add_item(session, meeting.id, "other", f"Item {n + 1}")


def saved_actions(store) -> list[tuple]:
    with store.read() as session:
        return [(a.ref, a.text, a.owner, a.owner_agency, a.due_on, a.meeting_id, a.item_id)
                for a in session.scalars(select(Action).order_by(Action.id))]


async def add_action(app, pilot, *keys) -> None:
    await pilot.press("4")
    await settle(app, pilot)
    await pilot.press("a")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "ActionForm"
    await pilot.press(*keys)
    await settle(app, pilot)


async def test_an_action_added_outside_a_meeting_has_no_item_ref(store, cfg):
    seed_directory(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await add_action(app, pilot, *"Check the CCTV", "tab", *"Dana Free", "enter")
        form = app.screen
        assert form.query_one("#ref").value == ""  # not "041226 Item 31"
        assert form.focused.id == "agency"  # a name of their own: the agency is asked next
        due = form.query_one("#due").date  # the next meeting's date, as the form offers it
        await pilot.press("tab", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ActionsScreen"
    assert saved_actions(store) == [("Outside meeting 041226", "Check the CCTV", "Dana Free", "",
                                     due, None, None)]


async def test_enter_takes_the_owner_the_typed_text_matches_with_their_agency(store, cfg):
    seed_directory(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        # Enter straight after typing, before the suggestions have arrived.
        await add_action(app, pilot, *"Visit the shop", "tab", *"teale", "enter")
        form = app.screen
        assert form.query_one("#owner").value == "Marcus Teale"
        assert form.query_one("#agency").value == "YOS"
        assert form.focused.id == "due"
        assert not form.query_one("#owner-choices").display
        await pilot.press(*"+2w", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ActionsScreen"
    assert saved_actions(store) == [("Outside meeting 041226", "Visit the shop", "Marcus Teale",
                                     "YOS", date(2026, 12, 18), None, None)]


async def test_an_attendee_of_a_meeting_is_an_owner_with_their_agency(store, cfg):
    seed_directory(store)
    with store.write() as session:
        meeting = session.scalar(select(Meeting.id))
        meetings.add_attendee(session, meeting, "Dee Housing",
                              "Charnwood Borough Council Landlord Services")
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await add_action(app, pilot, *"Repair the door", "tab", *"dee h", "enter", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ActionsScreen"
    assert [row[2:4] for row in saved_actions(store)] == [("Dee Housing", "CBC-HOUSING")]


async def test_with_several_matches_enter_keeps_the_text_and_the_list_takes_a_choice(store, cfg):
    seed_directory(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await add_action(app, pilot, *"Letter", "tab", *"priya")
        form = app.screen
        assert form.query_one("#owner-choices").option_count == 2
        await pilot.press("enter")  # two Priyas: what is typed is kept
        await settle(app, pilot)
        assert (form.query_one("#owner").value, form.focused.id) == ("priya", "agency")
        await pilot.press("shift+tab", "end", "space")  # back, and one more letter: the list again
        await pilot.press("backspace")
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")  # into the list: the second Priya
        await settle(app, pilot)
        assert (form.query_one("#owner").value, form.query_one("#agency").value) == (
            "Priya Shah", "POLICE")
        assert form.focused.id == "due"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert [row[2:4] for row in saved_actions(store)] == [("Priya Shah", "POLICE")]


# -- The case view at 80x24: every flag in the header; the notes of each intervention -----

async def test_the_case_view_shows_every_flag_and_the_intervention_notes_at_80x24(store, cfg):
    from jagtui.demo import build_demo

    build_demo(store, cfg, TODAY)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"JAG-26-0024", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        header = "\n".join(screen_text(app).splitlines()[1:7])
        for words in ("Community Trigger", "Repeat victim", "Hate", "Vulnerable victim",
                      "Review overdue"):
            assert words in header, (words, header)
        opened = app.screen.case_id
        await pilot.press("escape", "slash", "ctrl+u", *"JAG-26-0003", "enter", "enter")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Acceptable Behaviour Contract issued 12 Aug 2026 by Youth Offending" in text
        assert "Notes: ABC signed with a parent/carer and a YOS worker present" in text
        assert "ADVICE → LETTER → ABC → CPW → CPN → INJUNCTION" in text  # one line, not three
        second = app.screen.case_id
    with store.read() as session:
        refs = dict(session.execute(select(Case.id, Case.reference)).all())
    assert [refs[case_id] for case_id in viewed_cases(store)] == ["JAG-26-0024", "JAG-26-0003"]
    assert [opened, second] == viewed_cases(store)


async def test_actions_search_then_enter_opens_the_top_matchs_case(store, cfg):
    ids = seed_surnames(store)
    with store.write() as session:
        for n, name in enumerate(["Ben Archer", "Ann Hollis", "Dev Moss", "Cara Hollis", "Eve Stone"]):
            actions.add_action(session, ref="011126 Item 4", text=f"Visit {name}", owner="PC Lee",
                               due_on=TODAY + timedelta(days=n + 1), case_id=ids[name])
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "down", "slash", *"hollis")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
    assert viewed_cases(store) == [ids["Ann Hollis"]]  # due first: the top of the list
