"""The escalation screen, driven by keys only."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import DataTable, Select, Static

from jagtui.app import JagApp
from jagtui.config import LadderStep
from jagtui.rules.ladder import LadderState
from jagtui.screens.escalation import ladder_line
from jagtui.store import cases, interventions, people
from pilot_help import settle

TODAY = date(2026, 11, 22)


def seed(store, cfg, *, with_letter=True, name="Young Example"):
    with store.write() as session:
        person = people.add_person(session, name, date_of_birth=date(2011, 5, 5), beat="62")
        case = cases.open_case(session, case_type="perpetrator", title=f"{name} ASB",
                               subgroup="YJAG", lead_agency="YOS", opened_on=TODAY - timedelta(90),
                               beat="62")
        cases.link_party(session, case.id, "perpetrator", person_id=person.id, primary=True)
        if with_letter:
            interventions.record_intervention(
                session, case_id=case.id, step="LETTER", steps=[s.key for s in cfg.ladder],
                issuing_agency="POLICE", issued_on=TODAY - timedelta(60),
                review_on=TODAY + timedelta(30), person_id=person.id)
    return case.id


def history(store, case_id):
    with store.read() as session:
        return [(i.step, i.outcome, i.review_on, [b.breached_on for b in bs])
                for i, bs in interventions.for_case(session, case_id)]


async def open_screen(app, pilot):
    await pilot.press("3")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "EscalationScreen"


def text_of(app, selector):
    return str(app.screen.query_one(selector, Static).content)


async def test_a_breach_proposes_the_next_step_and_records_it(sqlite_store, cfg):
    case_id = seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        assert "Warning letter active until 22 Dec 2026" in text_of(app, "#esc-note")
        await pilot.press("b")
        await pilot.pause()
        assert type(app.screen).__name__ == "BreachForm"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        confirm = app.screen
        assert type(confirm).__name__ == "ConfirmScreen"
        assert confirm.question.startswith(
            "Breach of Warning letter on 22 Nov 2026: propose Acceptable Behaviour Contract")
        assert "Record Acceptable Behaviour Contract now?" in confirm.question
        await pilot.press("y")
        await settle(app, pilot)  # the form opens once the recipients are read
        form = app.screen
        assert type(form).__name__ == "InterventionForm"
        assert form.query_one("#step", Select).value == "ABC"
        assert form.query_one("#agency", Select).value == "YOS"  # the case's lead agency
        assert form.query_one("#review").value == "2027-05-22"  # ABC: reviewed after 6 months
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalationScreen"
        assert "Acceptable Behaviour Contract active until 22 May 2027" in text_of(app, "#esc-note")
        assert "[ABC]" not in text_of(app, "#esc-ladder")
    assert history(sqlite_store, case_id) == [
        ("LETTER", "breached", TODAY + timedelta(30), [TODAY]),
        ("ABC", "active", date(2027, 5, 22), []),
    ]


async def test_record_an_intervention_the_review_date_follows_the_step(sqlite_store, cfg):
    case_id = seed(sqlite_store, cfg, with_letter=False)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        assert "No interventions yet: start with Advice / verbal warning" in text_of(app, "#esc-note")
        await pilot.press("b")
        await pilot.pause()
        assert any("No active intervention to breach" in n.message for n in app._notifications)
        await pilot.press("i")
        await settle(app, pilot)
        form = app.screen
        assert form.query_one("#step", Select).value == "ADVICE"
        assert form.query_one("#review").value == "2026-12-22"
        # Choose the next step down the list: the review date follows it.
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert form.query_one("#step", Select).value == "LETTER"
        assert form.query_one("#review").value == "2027-02-22"
        # An unreadable issue date is refused in words and kept as typed.
        await pilot.press("tab", "tab")
        assert form.focused.id == "issued"
        await pilot.press(*"31/02/2026", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#issued").value == "31/02/2026"
        assert "Could not read '31/02/2026' as a date" in str(form.query_one("#issued-msg").render())
        await pilot.press("home", "ctrl+k", *"-1w", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalationScreen"
    # The issue date moved but the review date had been set by the step: it followed.
    assert history(sqlite_store, case_id) == [("LETTER", "active", date(2027, 2, 15), [])]


async def test_record_an_outcome(sqlite_store, cfg):
    case_id = seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert type(app.screen).__name__ == "OutcomeForm"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Warning letter complied: no escalation needed" in text_of(app, "#esc-note")
        table = app.screen.query_one("#esc-history", DataTable)
        assert str(table.get_cell_at((0, 4))) == "complied"
        await pilot.press("b")
        await pilot.pause()
        assert any("No active intervention to breach" in n.message for n in app._notifications)
    assert history(sqlite_store, case_id)[0][1] == "complied"


async def test_enter_opens_the_case_and_a_viewer_cannot_record(sqlite_store, cfg):
    case_id = seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, role="viewer", today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        for key in "ibo":
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == "EscalationScreen"
        assert any("Your role (viewer) cannot" in n.message for n in app._notifications)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CaseScreen" and app.screen.case_id == case_id


async def test_lapsed_and_expiring_reviews_and_privacy(sqlite_store, cfg):
    seed(sqlite_store, cfg, name="Zed Current")
    with sqlite_store.write() as session:
        lapsed_case = cases.open_case(session, case_type="perpetrator", title="Alan Lapsed",
                                      subgroup="JAG", lead_agency="POLICE", opened_on=TODAY)
        person = people.add_person(session, "Alan Lapsed")
        cases.link_party(session, lapsed_case.id, "perpetrator", person_id=person.id, primary=True)
        interventions.record_intervention(
            session, case_id=lapsed_case.id, step="CPW", steps=[s.key for s in cfg.ladder],
            issuing_agency="POLICE", issued_on=TODAY - timedelta(200), review_on=TODAY - timedelta(3))
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        table = app.screen.query_one("#esc-cases", DataTable)
        subjects = [str(table.get_cell(key, "subject")) for key in table.rows]
        alerts = [str(table.get_cell(key, "alert")) for key in table.rows]
        assert subjects == ["Alan Lapsed", "Zed Current"]  # lapsed first
        assert alerts == ["LAPSED", "DUE SOON"]
        assert text_of(app, "#esc-status").startswith("2 cases · 1 lapsed review · 1 review due")
        assert "Lapsed: CPW review was due 19 Nov 2026" in text_of(app, "#esc-note")
        await pilot.press("down")
        await pilot.pause()
        assert "Review due: LETTER on 22 Dec 2026 (in 30 days)" in text_of(app, "#esc-note")
        await pilot.press("ctrl+t")
        await pilot.pause()
        table = app.screen.query_one("#esc-cases", DataTable)
        assert [str(table.get_cell(key, "subject")) for key in table.rows] == ["A.L.", "Z.C."]
        assert table.cursor_row == 1  # the highlight stays on the same case


def test_the_ladder_line_marks_the_current_and_proposed_steps(cfg):
    state = LadderState(cfg.ladder[2], 2, cfg.ladder[3], "")
    line = ladder_line(cfg, state)
    assert line.plain == "Ladder: ADVICE › LETTER ›  ABC  › CPW › CPN › INJUNCTION"
    styles = {line.plain[span.start:span.end]: span.style for span in line.spans}
    assert styles[" ABC "] == "reverse bold" and styles["CPW"] == "bold underline"
    assert isinstance(cfg.ladder[0], LadderStep)


def test_a_step_no_longer_on_the_ladder_is_explained_not_fatal(cfg):
    from jagtui.screens.escalation import standing
    from jagtui.store.interventions import EscalationCase, InterventionRow

    row = InterventionRow(1, 1, "OLD-STEP", "POLICE", TODAY - timedelta(10), TODAY + timedelta(5),
                          "active", "", None, ())
    case = EscalationCase(1, "JAG-26-0001", "T", "perpetrator", "open", "POLICE", "Young Example",
                          True, "", "62", None, (row,))
    found = standing(case, cfg, TODAY)
    assert found.state.current is None and "Unknown intervention step 'OLD-STEP'" in found.state.note
    assert found.expiring == (row,) and str(found.alert) == "DUE SOON"


async def test_forms_mask_the_subject_when_privacy_turns_on(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        context = app.screen.query_one("#form-context", Static)
        assert str(context.content).startswith("JAG-26-0001: Young Example · Warning letter")
        # A modal screen does not see the app's ctrl+t (Textual stops app bindings at a
        # modal), so privacy is switched the way the app would do it.
        app.action_privacy()
        await pilot.pause()
        assert str(context.content).startswith("JAG-26-0001: Y.E. · Warning letter")


def seed_victim_case(store, cfg):
    """A victim case on the board (it has an intervention), its victim the primary party."""
    with store.write() as session:
        victim = people.add_person(session, "Vera Victim", date_of_birth=date(1950, 1, 1))
        perp = people.add_person(session, "Pete Perp", date_of_birth=date(1990, 1, 1))
        case = cases.open_case(session, case_type="victim", title="Vera Victim harassed",
                               subgroup="ASB", lead_agency="POLICE", opened_on=TODAY - timedelta(90))
        cases.link_party(session, case.id, "victim", person_id=victim.id, primary=True)
        cases.link_party(session, case.id, "perpetrator", person_id=perp.id)
        interventions.record_intervention(
            session, case_id=case.id, step="ADVICE", steps=[s.key for s in cfg.ladder],
            issuing_agency="POLICE", issued_on=TODAY - timedelta(60), person_id=perp.id)
    return case.id, victim.id, perp.id


async def test_i_on_a_victim_case_asks_who_receives_it_never_the_victim(store, cfg):
    case_id, victim_id, perp_id = seed_victim_case(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        form = app.screen
        assert type(form).__name__ == "InterventionForm"
        assert form.focused.id == "recipient"  # who receives it is the first question
        picker = form.query_one("#recipient")
        assert [str(picker.get_option_at_index(n).prompt) for n in range(picker.option_count)] == [
            "○ Pete Perp (perpetrator)"]  # never the victim
        await pilot.press("ctrl+s")  # nobody chosen: refused, in words
        await settle(app, pilot)
        assert app.screen is form
        assert "Choose who receives the intervention" in str(form.query_one("#recipient-msg").content)
        await pilot.press("down", "enter", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalationScreen"
    with store.read() as session:
        given = [i.person_id for i, _breaches in interventions.for_case(session, case_id)]
    assert given == [perp_id, perp_id] and victim_id not in given


async def test_privacy_on_masks_the_notes_at_once_and_then_with_the_cases_names(store, cfg):
    """The names that mask notes are read only in privacy mode: turned on, the notes
    never show a name, first held back, then masked."""
    case_id, _victim_id, perp_id = seed_victim_case(store, cfg)
    with store.write() as session:
        interventions.record_intervention(
            session, case_id=case_id, step="LETTER", steps=[s.key for s in cfg.ladder],
            issuing_agency="POLICE", issued_on=TODAY - timedelta(10), person_id=perp_id,
            notes="Pete Perp warned at home")
    app = JagApp(store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot)
        assert app.screen.names is None  # not read: nothing is masked
        assert "Pete Perp warned at home" in text_of(app, "#esc-detail")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Pete" not in text_of(app, "#esc-detail")
        await settle(app, pilot)
        assert app.screen.names is not None
        detail = text_of(app, "#esc-detail")
        assert "Pete" not in detail and "warned at home" in detail
        history = app.screen.query_one("#esc-history", DataTable)
        notes = [str(history.get_cell_at((row, 6))) for row in range(history.row_count)]
        assert not any("Pete" in note for note in notes)
