"""A higher step issued closes the lower one it replaces; b breaches what the ladder's note
is about, or asks which when several run; the prompt names what the database records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from textual.widgets import Select

from jagtui.app import JagApp
from jagtui.store import cases, interventions, people
from jagtui.store.models import Breach
from pilot_help import settle

TODAY = date(2026, 12, 5)


def seed(store, cfg, *, cpw_review=date(2026, 11, 18)):
    """A perpetrator with a complied ABC and a CPW (issued 18 May 2026) whose review lapsed."""
    steps = [s.key for s in cfg.ladder]
    with store.write() as session:
        person = people.add_person(session, "Kes Trel", date_of_birth=date(1990, 5, 5), beat="62")
        case = cases.open_case(session, case_type="perpetrator", title="Kestrel Park ASB",
                               subgroup="ASB", lead_agency="POLICE", opened_on=date(2026, 1, 5),
                               beat="62")
        cases.link_party(session, case.id, "perpetrator", person_id=person.id, primary=True)
        abc = interventions.record_intervention(
            session, case_id=case.id, step="ABC", steps=steps, issuing_agency="POLICE",
            issued_on=date(2026, 1, 20), review_on=date(2026, 7, 20), person_id=person.id)
        interventions.record_breach(session, abc.id, date(2026, 5, 1))
        cpw = interventions.record_intervention(
            session, case_id=case.id, step="CPW", steps=steps, issuing_agency="POLICE",
            issued_on=date(2026, 5, 18), review_on=cpw_review, person_id=person.id)
    return case.id, cpw.id


def outcomes(store, case_id):
    with store.read() as session:
        return [(i.step, i.outcome) for i, _b in interventions.for_case(session, case_id)]


def breached_ids(store):
    with store.read() as session:
        return list(session.scalars(select(Breach.intervention_id).order_by(Breach.id)))


async def test_a_cpn_closes_its_cpw_and_b_then_breaches_the_cpn(store, cfg):
    case_id, cpw_id = seed(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert "LAPSED" in app.screen.rows[0].plain["alert"]
        await pilot.press("i")
        await settle(app, pilot)
        form = app.screen
        assert type(form).__name__ == "InterventionForm"
        assert form.query_one("#step", Select).value == "CPN"
        # The CPN proposed over a CPW with no breach recorded: the form says so.
        assert str(form.query_one("#step-msg").render()) == (
            "Closes the active Community Protection Warning (marked expired); no breach of it "
            "is recorded: if it was breached, record that first")
        await pilot.press("enter", "tab", "tab", "tab", *"+3m", "tab", *"served in person", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalationScreen", app.screen
        # The CPW is replaced: no longer active, so neither lapsed nor breachable.
        assert outcomes(store, case_id) == [("ABC", "breached"), ("CPW", "expired"),
                                            ("CPN", "active")]
        assert app.screen.rows[0].plain["alert"] != "LAPSED"
        await pilot.press("b")
        await settle(app, pilot)
        form = app.screen
        assert type(form).__name__ == "BreachForm"
        context = str(form.query_one("#form-context").render())
        assert "Community Protection Notice, issued 5 Dec 2026" in context
        assert not form.query("#target")  # only the CPN runs: nothing to ask
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        confirm = app.screen
        assert type(confirm).__name__ == "ConfirmScreen"
        assert confirm.question.startswith(
            "Breach of Community Protection Notice on 5 Dec 2026: propose Civil Injunction")
        await pilot.press("n")
        await settle(app, pilot)
    with store.read() as session:
        cpn_id = [i.id for i, _b in interventions.for_case(session, case_id)][-1]
    assert breached_ids(store)[-1] == cpn_id != cpw_id
    assert outcomes(store, case_id) == [("ABC", "breached"), ("CPW", "expired"),
                                        ("CPN", "breached")]


async def test_b_breaches_what_the_note_is_about_not_the_lapsed_row_in_focus(store, cfg):
    """History as loaded (the CPW left active under a CPN): the cursor rests on the lapsed
    CPW for o, but b breaches the CPN the note is about, and the prompt follows it."""
    case_id, cpw_id = seed(store, cfg)
    with store.write() as session:
        cpn_id = interventions.record_intervention(
            session, case_id=case_id, step="CPN", steps=[s.key for s in cfg.ladder],
            issuing_agency="POLICE", issued_on=date(2026, 12, 1), review_on=date(2027, 3, 5),
            person_id=interventions.for_case(session, case_id)[0][0].person_id).id
    app = JagApp(store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        assert "o acts on this one, b on the CPN" in str(
            app.screen.query_one("#esc-detail").render())
        await pilot.press("b")
        await settle(app, pilot)
        form = app.screen
        assert type(form).__name__ == "BreachForm"
        assert "Community Protection Notice, issued 1 Dec 2026" in str(
            form.query_one("#form-context").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        confirm = app.screen
        assert type(confirm).__name__ == "ConfirmScreen"
        assert confirm.question.startswith(
            "Breach of Community Protection Notice on 5 Dec 2026: propose Civil Injunction")
        await pilot.press("n")
        await settle(app, pilot)
    assert breached_ids(store)[-1] == cpn_id
    assert outcomes(store, case_id)[1:] == [("CPW", "active"), ("CPN", "breached")]


async def test_b_asks_which_when_several_are_in_force(store, cfg):
    """Two CPNs to two people on one case: b asks which, starting on the latest, and the
    dialog, the database and the prompt all name the one chosen."""
    steps = [s.key for s in cfg.ladder]
    with store.write() as session:
        one = people.add_person(session, "Ann One", date_of_birth=date(1990, 1, 1), beat="62")
        two = people.add_person(session, "Bob Two", date_of_birth=date(1991, 1, 1), beat="62")
        case = cases.open_case(session, case_type="perpetrator", title="Two of them",
                               subgroup="ASB", lead_agency="POLICE", opened_on=date(2026, 1, 5))
        cases.link_party(session, case.id, "perpetrator", person_id=one.id, primary=True)
        cases.link_party(session, case.id, "perpetrator", person_id=two.id)
        first = interventions.record_intervention(
            session, case_id=case.id, step="CPN", steps=steps, issuing_agency="POLICE",
            issued_on=date(2026, 10, 1), review_on=date(2027, 1, 1), person_id=one.id).id
        second = interventions.record_intervention(
            session, case_id=case.id, step="CPN", steps=steps, issuing_agency="POLICE",
            issued_on=date(2026, 11, 1), review_on=date(2027, 2, 1), person_id=two.id).id
    app = JagApp(store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        form = app.screen
        assert form.query_one("#target", Select).value == second
        form.query_one("#target", Select).value = first
        await settle(app, pilot)
        assert "Community Protection Notice, issued 1 Oct 2026" in str(
            form.query_one("#form-context").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # The breach is not of the latest CPN, which the note is about: said, not proposed.
        assert type(app.screen).__name__ == "EscalationScreen"
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Breach of Community Protection Notice recorded on 5 Dec 2026.")
                   for m in said), said
    assert breached_ids(store) == [first]


def test_supersede_closes_only_lower_active_steps_of_the_same_recipient(store, cfg):
    steps = [s.key for s in cfg.ladder]
    with store.write() as session:
        one = people.add_person(session, "Ann One", date_of_birth=date(1990, 1, 1), beat="62")
        two = people.add_person(session, "Bob Two", date_of_birth=date(1991, 1, 1), beat="62")
        case = cases.open_case(session, case_type="perpetrator", title="Two of them",
                               subgroup="ASB", lead_agency="POLICE", opened_on=date(2026, 1, 5))
        cases.link_party(session, case.id, "perpetrator", person_id=one.id, primary=True)
        cases.link_party(session, case.id, "perpetrator", person_id=two.id)

        def give(step, on, person):
            return interventions.record_intervention(
                session, case_id=case.id, step=step, steps=steps, issuing_agency="POLICE",
                issued_on=on, person_id=person)
        breached = give("ABC", date(2026, 2, 1), one.id)
        interventions.record_breach(session, breached.id, date(2026, 3, 1))
        give("CPW", date(2026, 4, 1), one.id)
        give("CPW", date(2026, 4, 1), two.id)       # another person's: stays active
        give("CPN", date(2026, 12, 1), one.id)      # issued later than the CPN: stays
        interventions.issue_intervention(
            session, case_id=case.id, step="CPN", steps=steps, issuing_agency="POLICE",
            issued_on=date(2026, 6, 1), person_id=one.id)
    assert outcomes(store, case.id) == [("ABC", "breached"), ("CPW", "expired"),
                                        ("CPW", "active"), ("CPN", "active"), ("CPN", "active")]
