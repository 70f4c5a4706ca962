"""The runner's quick keys, driven by keys and checked in the database and the minutes,
on SQLite and PostgreSQL: u / c / f on the action log, e (who receives the
intervention, and its notes), and the keystroke count of a full case review.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.export.document import render_markdown
from jagtui.export.minutes import build_minutes
from jagtui.rules.dates import fmt_date
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.store import actions, agenda, cases, interventions, meeting_run, meetings, people
from jagtui.store import meeting_entries as entries
from jagtui.store.errors import Invalid
from jagtui.store.meeting_run import Attendee
from jagtui.store.minutes import minutes_data
from jagtui.store.models import Action, ActionUpdate, Person

from meeting_data import TODAY, frozen_clocks, seed, start_jag  # noqa: F401 (autouse)
from pilot_help import settle




@pytest.fixture
def running(store, cfg):
    """A JAG meeting under way on either database, the statement acknowledged."""
    ids = seed(store, cfg)
    return store, start_jag(store, cfg, (Attendee("Pat Apology", "Probation Service"),)), ids


def _app(store, cfg):
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def press(app, pilot, *keys: str) -> None:
    """Each key as a chair types it, the app settling between (forms open in workers)."""
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot, rounds=1)
    await settle(app, pilot)


async def open_runner(app, pilot, meeting_id: int) -> AgendaRunnerScreen:
    await settle(app, pilot)
    runner = AgendaRunnerScreen(meeting_id)
    app.push_screen(runner)
    await settle(app, pilot)
    return runner


async def to_item(app, pilot, runner, where) -> None:
    """Step with n until the current item is the one ``where`` picks."""
    for _ in range(len(runner.view.items)):
        if where(runner.item):
            return
        await press(app, pilot, "n")
    assert where(runner.item)


async def on_action(app, pilot, runner, action_id: int) -> None:
    await to_item(app, pilot, runner, lambda item: item.kind == "actions")
    row = [r.action.id for r in runner.view.review].index(action_id)
    await press(app, pilot, *["up"] * len(runner.view.review), *["down"] * row)


def minutes_md(store, cfg, meeting_id: int) -> str:
    with store.read() as session:
        data = minutes_data(session, cfg, meeting_id)
    return render_markdown(build_minutes(data, cfg)).decode()


def log_line(markdown: str, text: str) -> str:
    return next(line for line in markdown.splitlines() if text in line)


# --- the action log: u, c, f -----------------------------------------------------------------

async def test_c_completes_the_action_in_the_database_and_the_minutes(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await on_action(app, pilot, runner, ids.open_action)
        await press(app, pilot, "c")
        assert "Complete" in str(app.screen.query_one("#form-title").content)
        await press(app, pilot, "ctrl+s")
        assert app.screen is runner
    with store.read() as session:
        action = session.get(Action, ids.open_action)
        assert action.status == "complete"
        update = session.scalars(select(ActionUpdate).where(
            ActionUpdate.action_id == ids.open_action, ActionUpdate.meeting_id == meeting_id)).one()
        assert (update.status, update.text, update.updated_on) == ("complete", "Complete.", TODAY)
        assert ids.open_action not in [r.action.id for r in actions.action_rows(session)]
        done = meeting_run.summary(session, cfg, meeting_id)
    assert [(r.action, r.status) for r in done.reviewed] == [
        ("Visit the shop owners on Market Street", "complete")]
    line = log_line(minutes_md(store, cfg, meeting_id), "Visit the shop owners")
    assert "Complete." in line and "Open" not in line


async def test_u_records_the_owners_update_and_the_action_stays_open(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await on_action(app, pilot, runner, ids.open_action)
        await press(app, pilot, "u")
        await pilot.press(*"Two shops visited", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is runner
    with store.read() as session:
        assert session.get(Action, ids.open_action).status == "open"
        update = session.scalars(select(ActionUpdate).where(
            ActionUpdate.action_id == ids.open_action, ActionUpdate.meeting_id == meeting_id)).one()
        assert (update.status, update.text) == ("open", "Two shops visited")
    line = log_line(minutes_md(store, cfg, meeting_id), "Visit the shop owners")
    assert "Open" in line and "Two shops visited" in line


async def test_f_carries_the_action_forward_to_the_next_meeting(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        next_on = runner.view.next_on
        await on_action(app, pilot, runner, ids.undated_action)
        await press(app, pilot, "f")
        await pilot.press("tab", *"awaiting the landlord", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is runner
    with store.read() as session:
        action = session.get(Action, ids.undated_action)
        assert (action.status, action.due_on) == ("open", next_on)
        update = session.scalars(select(ActionUpdate).where(
            ActionUpdate.action_id == ids.undated_action, ActionUpdate.meeting_id == meeting_id)).one()
        assert update.text == f"Carried forward to {fmt_date(next_on)}: awaiting the landlord"
    line = log_line(minutes_md(store, cfg, meeting_id), "Share the patrol plan")
    assert f"Carried forward to {fmt_date(next_on)}" in line and fmt_date(next_on) in line


# --- e: who receives the intervention, and its notes -------------------------------------------

@pytest.fixture
def with_perpetrator(running):
    """The high-risk victim case also names the neighbour harassing him, and a witness."""
    store, meeting_id, ids = running
    with store.write() as session:
        eve = people.add_person(session, "Eve Neighbour", address="4 Larkspur Close")
        wit = people.add_person(session, "Wes Witness", address="9 Larkspur Close")
        cases.link_party(session, ids.high_risk, "witness", person_id=wit.id)
        cases.link_party(session, ids.high_risk, "perpetrator", person_id=eve.id)
    return store, meeting_id, ids, eve.id, wit.id


async def test_e_on_a_victim_case_asks_who_receives_it_and_keeps_the_notes(with_perpetrator, cfg):
    store, meeting_id, ids, eve_id, wit_id = with_perpetrator
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda item: item.case_id == ids.high_risk)
        await press(app, pilot, "e")
        form = app.screen
        assert form.focused.id == "recipient"
        offered = [str(form.query_one("#recipient").get_option_at_index(n).prompt)
                   for n in range(form.query_one("#recipient").option_count)]
        assert offered == ["○ Eve Neighbour (perpetrator)", "○ Wes Witness (witness)"]  # never the victim
        await press(app, pilot, "ctrl+s")              # nobody chosen: refused, in words
        assert app.screen is form
        assert "Choose who receives the intervention" in str(form.query_one("#recipient-msg").content)
        with store.read() as session:
            assert interventions.for_case(session, ids.high_risk) == []
        await press(app, pilot, "down", "enter")      # the perpetrator; Enter moves on
        assert form.focused.id == "step"
        await press(app, pilot, "tab")
        assert form.focused.id == "notes"
        await pilot.press(*"Warned in person at the station", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is runner, str(form.query_one("#form-status").content)
    with store.read() as session:
        [(given, _breaches)] = interventions.for_case(session, ids.high_risk)
        [row] = interventions.escalation_cases(session, ids.high_risk)[0].interventions
    assert (given.person_id, given.notes, given.step) == (eve_id, "Warned in person at the station",
                                                          "ADVICE")
    assert (row.notes, row.recipient) == ("Warned in person at the station", "Eve Neighbour")
    minute = log_line(minutes_md(store, cfg, meeting_id), "Intervention recorded")
    assert "Advice / verbal warning to Eve Neighbour" in minute
    assert "Notes: Warned in person at the station" in minute


async def test_e_on_a_perpetrator_case_gives_it_to_the_perpetrator(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda item: item.case_id == ids.due)
        await press(app, pilot, "e")
        assert app.screen.focused.id == "step"         # the perpetrator is chosen already
        await press(app, pilot, "tab")
        await pilot.press(*"Served at home", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is runner
    with store.read() as session:
        cal = session.scalars(select(Person).where(Person.name == "Cal Dueforreview")).one()
        latest = interventions.for_case(session, ids.due)[-1][0]
    assert (latest.person_id, latest.step, latest.notes) == (cal.id, "CPW", "Served at home")
    assert "Community Protection Warning to Cal Dueforreview" in minutes_md(store, cfg, meeting_id)


def test_the_store_refuses_an_intervention_for_the_victim(with_perpetrator, cfg):
    store, meeting_id, ids, eve_id, _wit = with_perpetrator
    with store.read() as session:
        item = next(i for i in agenda.items(session, meeting_id) if i.case_id == ids.high_risk)
        victim = session.scalars(select(Person).where(Person.name == "Bob Highrisk")).one().id
    for person_id, words in ((victim, "other than its victim"), (None, "Choose who receives")):
        with store.write() as session, pytest.raises(Invalid, match=words):
            entries.record_intervention(session, cfg, item.id, step="ABC", issuing_agency="POLICE",
                                        issued_on=TODAY, person_id=person_id)
    with store.read() as session:
        assert interventions.for_case(session, ids.high_risk) == []
        assert [r.person_id for r in interventions.recipients(session, ids.high_risk)] == [
            eve_id, _wit]


# --- the keystroke count of a full case review -------------------------------------------------

class Keys:
    """Presses keys, counting those that are not the words typed."""

    def __init__(self, app, pilot) -> None:
        self.app, self.pilot = app, pilot
        self.sequence: list[str] = []

    async def __call__(self, *keys: str) -> None:
        self.sequence += keys
        await press(self.app, self.pilot, *keys)

    async def type(self, words: str) -> None:
        await self.pilot.press(*words)
        await settle(self.app, self.pilot)

    @property
    def count(self) -> int:
        return len(self.sequence)


def _full_answers(cfg) -> dict[str, int]:
    return {q.key: (1 if q.kind == "yn" else 3) if n % 3 else 0
            for n, q in enumerate(cfg.risk.questions)}


async def test_a_full_case_review_takes_at_most_20_keys_beyond_the_words(with_perpetrator, cfg):
    """Risk review (answers unchanged), an intervention for the perpetrator with notes,
    an action with owner and date, an AGREED decision: counted and checked in the database."""
    from jagtui.store import risk

    store, meeting_id, ids, eve_id, _wit = with_perpetrator
    answers = _full_answers(cfg)
    with store.write() as session:
        risk.record_assessment(session, cfg.risk, case_id=ids.high_risk, assessed_on=TODAY,
                               assessor="PC Test", answers=answers,
                               review_due=TODAY + timedelta(days=9))
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda item: item.case_id == ids.high_risk)
        key = Keys(app, pilot)
        # Risk review: the last answers stand; ctrl+s confirms them.
        await key("s")
        await key("ctrl+s")
        assert app.screen is runner
        # Intervention: choose the perpetrator, on to the notes, save.
        await key("e")
        await key("down", "enter", "tab")
        await key.type("Warned in person")
        await key("ctrl+s")
        assert app.screen is runner
        # Action: what, owner (the one match, with its agency), complete-by, save.
        await key("o")
        await key.type("Visit Bob weekly")
        await key("tab")
        await key.type("Dee Hou")
        form = app.screen
        await key("enter")  # the one match, with its agency; on to the date
        assert form.focused.id == "due" and form.query_one("#owner").value == "Dee Housing"
        await key.type("+2w")
        await key("ctrl+s")
        assert app.screen is runner
        # AGREED.
        await key("a")
        await key.type("That the patrols continue")
        await key("ctrl+s")
        assert app.screen is runner
    assert key.count <= 20, key.sequence
    print(f"\nfull case review: {key.count} keys beyond the words: {' '.join(key.sequence)}")
    with store.read() as session:
        latest = risk.latest(session, ids.high_risk)
        [(given, _b)] = interventions.for_case(session, ids.high_risk)
        [action] = actions.action_rows(session, meeting_id=meeting_id)
        item = next(i for i in agenda.items(session, meeting_id) if i.case_id == ids.high_risk)
        notes = meetings.notes(session, [item.id])[item.id]
    assert (latest.assessed_on, latest.answers) == (TODAY, answers)
    assert (given.person_id, given.notes) == (eve_id, "Warned in person")
    assert (action.action.text, action.action.owner, action.action.due_on, action.action.case_id,
            action.action.item_id) == ("Visit Bob weekly", "Dee Housing", TODAY + timedelta(days=14),
                                       ids.high_risk, item.id)
    assert [(n.kind, n.text) for n in notes][-1] == ("agreed", "That the patrols continue")
    assert any(n.text.startswith("Risk reviewed by") for n in notes)


async def test_each_changed_risk_answer_is_one_key_more(with_perpetrator, cfg):
    from jagtui.store import risk

    store, meeting_id, ids, _eve, _wit = with_perpetrator
    answers = _full_answers(cfg)
    with store.write() as session:
        risk.record_assessment(session, cfg.risk, case_id=ids.high_risk, assessed_on=TODAY,
                               assessor="PC Test", answers=answers,
                               review_due=TODAY + timedelta(days=9))
    first = cfg.risk.questions[0]
    assert first.kind == "yn" and answers[first.key] == 0
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda item: item.case_id == ids.high_risk)
        await press(app, pilot, "s")
        form = app.screen
        assert form.query_one("#answers").answers == answers  # the last assessment's answers
        await press(app, pilot, "y")                 # question 1 changed: one key more
        assert form.query_one("#answers").answers[first.key] == 1
        await press(app, pilot, "ctrl+s")
        assert app.screen is runner
    with store.read() as session:
        latest = risk.latest(session, ids.high_risk)
    assert latest.answers == {**answers, first.key: 1}


# --- layout for the room: 80x24 ------------------------------------------------------------------

def screen_text(app) -> str:
    """The terminal's text as the room reads it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_the_apologies_item_shows_the_apologies_however_many_are_present(running, cfg):
    store, meeting_id, _ids = running
    with store.write() as session:
        for n in range(12):
            meeting_run.add_attendance(session, meeting_id, Attendee(f"Officer Number{n:02d}",
                                                                     "Leicestershire Police"))
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        assert runner.item.kind == "apologies"
        shown = screen_text(app)
    assert "Apologies (1)" in shown and "Pat Apology" in shown


async def test_the_notes_pane_keeps_the_newest_point_in_view(running, cfg):
    store, meeting_id, ids = running
    with store.write() as session:
        item = next(i for i in agenda.items(session, meeting_id) if i.case_id == ids.red)
        for n in range(1, 9):
            meeting_run.record_note(session, item.id, f"Point number {n} about the park")
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda i: i.case_id == ids.red)
        await press(app, pilot, "i", *"Point number 9 typed now", "ctrl+s")
        await settle(app, pilot)
        shown = screen_text(app)
    assert "Point number 9 typed now" in shown and "Point number 8" in shown
    assert "Point number 1 " not in shown  # the oldest scrolled away, not the newest


async def test_the_action_log_shows_owner_due_date_and_status_at_80_columns(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda i: i.kind == "actions")
        rows = [line for line in screen_text(app).splitlines() if "Visit the" in line]
        await press(app, pilot, "c", "ctrl+s")
        done = [line for line in screen_text(app).splitlines() if "Visit the" in line]
    assert "D Housing" in rows[0] and "19 Nov" in rows[0] and "late" in rows[0]  # overdue
    assert "✓done" in done[0]


async def test_a_case_keeps_ladder_interventions_and_actions_in_view_refs_as_a_count(running, cfg):
    from jagtui.store import incidents

    store, meeting_id, ids = running
    categories = [c.key for c in cfg.categories]
    asb = next(c.key for c in cfg.categories if c.asb)
    with store.write() as session:
        bob = session.scalars(select(Person).where(Person.name == "Bob Highrisk")).one().id
        for n in range(4):
            incidents.add_incident(session, occurred_on=TODAY - timedelta(days=10 + 7 * n),
                                   category=asb, source="police", source_ref=f"STORM-77{n}",
                                   categories=categories, people=[(bob, "victim")])
        actions.add_action(session, ref="111026 Item 1", text="Speak to the parents",
                           owner="PC Hale", case_id=ids.due, due_on=TODAY + timedelta(days=7))
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await to_item(app, pilot, runner, lambda i: i.case_id == ids.high_risk)
        summary = str(runner.query_one("#item-info").content)
        await press(app, pilot, "v")
        expanded = str(runner.query_one("#item-info").content)
        await to_item(app, pilot, runner, lambda i: i.case_id == ids.due)
        shown = screen_text(app)
    for words in ("Ladder:", "Interventions (1)", "Acceptable Behaviour Contract", "Open actions: 1",
                  "Speak to the"):
        assert words in shown, words
    assert "STORM-770" not in summary and "[4 refs]" in summary
    assert "STORM-770" in expanded and "STORM-773" in expanded


async def test_an_amendment_to_final_minutes_is_saved_from_its_form(running, cfg):
    from jagtui.screens.forms.meeting_forms import AmendmentForm
    from jagtui.store.models import Meeting

    store, meeting_id, _ids = running
    with store.write() as session:
        meeting_run.end_meeting(session, cfg, meeting_id)
    with store.read() as session:
        meeting = session.get(Meeting, meeting_id)
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(AmendmentForm(meeting))
        await settle(app, pilot)
        await pilot.press(*"Item 5: the owner is PC Hale", "ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, AmendmentForm)
    with store.read() as session:
        assert [a.text for a in meeting_run.amendments(session, meeting_id)] == [
            "Item 5: the owner is PC Hale"]


@pytest.mark.parametrize("key, typed", [("u", "Two shops visited"), ("f", "")])
async def test_an_action_completed_by_someone_else_meanwhile_is_a_clash_not_reopened(
        running, cfg, key, typed):
    """The chair's u (update) or f (carry forward) on an action a partner completed from
    their own desk while the form was open: shown as a clash, the action stays complete."""
    from jagtui.screens.forms.clash import ClashScreen

    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        runner = await open_runner(app, pilot, meeting_id)
        await on_action(app, pilot, runner, ids.open_action)
        await press(app, pilot, key)
        with store.write() as session:  # the partner, between the chair's keys
            actions.add_update(session, ids.open_action, TODAY, "Done at the desk", status="complete")
        if typed:
            await pilot.press(*typed)
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, ClashScreen)
    with store.read() as session:
        assert session.get(Action, ids.open_action).status == "complete"
        assert session.scalars(select(ActionUpdate).where(
            ActionUpdate.action_id == ids.open_action,
            ActionUpdate.meeting_id == meeting_id)).all() == []
