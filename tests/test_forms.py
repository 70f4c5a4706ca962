"""The case forms, driven with keys: validation in words, nothing typed lost, one key per answer."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Input, Static

from jagtui.screens.case_view import CaseScreen
from jagtui.screens.forms.base import ConfirmScreen, FormScreen
from jagtui.screens.forms.case_form import CaseForm
from jagtui.screens.forms.incident_form import IncidentForm
from jagtui.screens.forms.link_party import LinkPartyForm
from jagtui.screens.forms.new_party import NewLocationForm, NewPersonForm
from jagtui.screens.forms.party_picker import PartyPicker
from jagtui.screens.forms.risk_form import RiskForm
from jagtui.screens.widgets import DateField
from jagtui.store import people
from jagtui.store.casefile import case_file
from jagtui.store.cases import get_case

from case_data import TODAY, seed
from test_case_view import column, header, make_app, open_first_case, plain, settle


def message(form, field_id: str) -> str:
    return plain(form.query_one(f"#{field_id}-msg", Static))


async def open_incident_form(app, pilot) -> IncidentForm:
    await open_first_case(app, pilot)
    await pilot.press("i", "a")
    await settle(app, pilot)
    assert isinstance(app.screen, IncidentForm)
    return app.screen


async def test_a_bad_date_is_explained_and_kept(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_incident_form(app, pilot)
        await pilot.press("tab", "ctrl+u", *"31/02/2026")
        await pilot.pause()
        assert form.query_one("#occurred_on", DateField).value == "31/02/2026"
        assert "Could not read '31/02/2026' as a date" in message(form, "occurred_on")
        assert form.query_one("#occurred_on-msg").has_class("error")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # not saved, still open, text kept
        assert form.query_one("#occurred_on", DateField).value == "31/02/2026"
        assert "Not saved" in plain(form.query_one("#form-status", Static))
        assert form.focused.id == "category"  # the first field that needs attention
        # Relative dates are read and echoed in words.
        await pilot.press("tab", "ctrl+u", *"-3d")
        await pilot.pause()
        assert message(form, "occurred_on") == "= 19 Nov 2026"
        await pilot.press("ctrl+u", *"+2d")
        await pilot.pause()
        assert message(form, "occurred_on") == "An incident cannot be dated in the future"


async def test_escape_asks_before_discarding_typing(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_incident_form(app, pilot)
        await pilot.press("tab", "tab", "tab", *"REF-1")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and form.query_one("#source_ref", Input).value == "REF-1"
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        # An untouched form closes at once.
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


async def test_a_store_refusal_is_a_notification_and_the_form_stays(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_incident_form(app, pilot)
        await pilot.press("enter", "down", "enter", "tab", "tab", "tab", *"STORM-0001", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#source_ref", Input).value == "STORM-0001"
        notes = [n.message for n in app._notifications]
        assert any("police reference STORM-0001 is already recorded" in note for note in notes)
        assert "already recorded" in plain(form.query_one("#form-status", Static))


async def test_editing_an_incident_keeps_its_values(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("i", "e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, IncidentForm) and form.incident_id is not None
        assert form.query_one("#source_ref", Input).value == "STORM-0001"
        assert form.query_one("#category").value == "ASB-PERSONAL"
        assert not form.dirty
        form.query_one("#description", Input).focus()
        await pilot.press("ctrl+u", *"Eggs thrown at the window", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert "Eggs thrown at the window" in plain(app.screen.query_one("#incident-detail", Static))
    with sqlite_store.read() as session:
        file = case_file(session, cfg, TODAY, ids.case_id)
    assert file.incidents[0].item.description == "Eggs thrown at the window"
    assert len(file.incidents[0].people) == 2


async def test_the_questionnaire_takes_one_key_per_answer(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, RiskForm)
        answers = form.query_one("#answers")
        assert answers.highlighted == 0
        await pilot.press("y")
        await pilot.pause()
        assert answers.highlighted == 1 and answers.answers["ongoing"] == 1
        await pilot.press("y")  # question 2 is a number: refused, the cursor stays
        await pilot.pause()
        assert answers.highlighted == 1 and answers.answers["frequency"] is None
        assert any("answered with a number from 0 to 9" in n.message for n in app._notifications)
        await pilot.press("4")
        await pilot.pause()
        assert "Score 7 of 40" in plain(form.query_one("#risk-score", Static))
        await pilot.press("up", "backspace")
        await pilot.pause()
        assert answers.answers["frequency"] is None
        await pilot.press("5", *"yyy")  # 3 + 5 + 3 + 4 + 3 = 18: medium
        await pilot.pause()
        score = plain(form.query_one("#risk-score", Static))
        assert "Score 18" in score and "MEDIUM" in score
        # Medium is reviewed in 28 days: the review date follows the level.
        assert form.query_one("#review_due", DateField).date == TODAY + timedelta(days=28)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "Answer every question (9 left: 6, 7, 8, 9, 10…)" in message(form, "answers")


async def test_judgement_may_only_raise_the_level_and_needs_a_reason(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        form = app.screen
        await pilot.press(*"n0nnnnnnnnnnnn")
        await pilot.pause()
        assert form.focused.id == "override_level"  # the last answer moves on
        # Raise to high: the form asks for a reason; the review date follows (14 days).
        await pilot.press("enter", "end", "enter")
        await pilot.pause()
        assert form.query_one("#override_level").value == "high"
        assert form.query_one("#review_due", DateField).date == TODAY + timedelta(days=14)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert message(form, "override_reason") == "Give a reason for raising the level to high"
        form.query_one("#override_reason", Input).focus()
        await pilot.press(*"Fears reprisals", "tab", "ctrl+u", *"next meeting")
        await pilot.pause()
        assert message(form, "review_due").startswith("= ")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert "Risk HIGH" in header(app)
    with sqlite_store.read() as session:
        file = case_file(session, cfg, TODAY, ids.case_id)
    latest = file.latest_risk
    assert (latest.level, latest.computed_level, latest.override_reason) == (
        "high", "standard", "Fears reprisals")
    assert latest.review_due == file.next_meeting


async def test_the_picker_searches_as_you_type_and_creates(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("p", "a")
        await settle(app, pilot)
        assert isinstance(app.screen, PartyPicker)  # the link form opens straight into search
        picker = app.screen
        await pilot.press(*"larkspur")
        await settle(app, pilot)
        assert [p.name for p in picker.found] == ["Ann Example", "Larkspur Close play area"]
        await pilot.press("ctrl+u", *"Dee Newcomer", "ctrl+n", "p")
        await settle(app, pilot)
        assert isinstance(app.screen, NewPersonForm)
        new = app.screen
        assert new.query_one("#name", Input).value == "Dee Newcomer"
        await pilot.press("tab", *"1/2/1960", "tab", *"4 Elm Way, Quorn", "ctrl+s")
        await settle(app, pilot)
        link = app.screen
        assert isinstance(link, LinkPartyForm)
        assert link.query_one("#subject").picked.name == "Dee Newcomer"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        table = app.screen.query_one("#people-table", DataTable)
        names = [str(table.get_cell_at((row, 1))) for row in range(table.row_count)]
        assert "Dee Newcomer" in names
    with sqlite_store.read() as session:
        dee = people.search_people(session, "Newcomer")[0]
        roles = [p.role for p in case_file(session, cfg, TODAY, ids.case_id).parties
                 if p.person_id == dee.id]
    assert dee.date_of_birth.year == 1960 and roles == ["victim"]


async def test_a_new_location_from_the_incident_form(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_incident_form(app, pilot)
        form.query_one("#location").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*"Quorn Co-op", "ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, NewLocationForm)
        await pilot.press("tab", "tab", "tab", *"Quorn")  # locality: fills in the beat
        await pilot.pause()
        assert app.screen.query_one("#beat").value == "56"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert form.query_one("#location").picked.name == "Quorn Co-op"


async def test_closing_a_case_needs_a_reason(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CaseForm) and form.case is not None
        form.query_one("#status").focus()
        await pilot.press("enter", "end", "enter", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert message(form, "closure_reason") == "Give a reason for closing the case"
        form.query_one("#closure_reason", Input).focus()
        await pilot.press(*"No incidents since the ABC", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert "CLOSED 22 Nov 2026" in header(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Ann Example" not in column(app, "subject")
    with sqlite_store.read() as session:
        case = get_case(session, ids.case_id)
    assert (case.status, case.closure_reason) == ("closed", "No incidents since the ABC")


async def test_every_form_has_a_draft_key_and_ids(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_case(app, pilot)
        file = screen.file
        forms = [CaseForm(), CaseForm(file.case), IncidentForm(file), IncidentForm(file, file.incidents[0].id),
                 RiskForm(file), NewPersonForm(), NewLocationForm()]
        keys = set()
        for form in forms:
            await app.push_screen(form)
            await settle(app, pilot)
            assert isinstance(form, FormScreen) and form.draft_key
            keys.add(form.draft_key)
            assert all(widget.id for widget in form.query("Input, Select, Checkbox"))
            app.pop_screen()
            await settle(app, pilot)
        assert len(keys) == len(forms)
        assert "incident:new:case:" + str(file.case.id) in keys


async def test_typed_markup_is_shown_as_typed(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    with sqlite_store.write() as session:
        odd = people.add_person(session, "[bold]Mal[/] \x1b[31mformed")
        from jagtui.store.cases import link_party

        link_party(session, ids.case_id, "witness", person_id=odd.id)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_case(app, pilot)
        table = screen.query_one("#people-table", DataTable)
        names = [str(table.get_cell_at((row, 1))) for row in range(table.row_count)]
        assert "[bold]Mal[/] \\x1b[31mformed" in names
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"mal")
        await settle(app, pilot)
        option = app.screen.query_one("#picker-list").get_option_at_index(0)
        assert "[bold]Mal[/] \\x1b[31mformed" in option.prompt.plain


async def test_a_draft_puts_back_the_chosen_place_and_people(sqlite_store, cfg):
    from sqlalchemy import select

    from jagtui.screens.forms.fields import InvolvedList, PickField
    from jagtui.store import drafts
    from jagtui.store.models import Location, Person

    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        case_id = (await open_first_case(app, pilot)).case_id
        with sqlite_store.write() as session:
            place = session.scalars(select(Location).order_by(Location.id)).first()
            one, two = session.scalars(select(Person).order_by(Person.id).limit(2)).all()
            drafts.save(session, f"incident:new:case:{case_id}", {
                "source_ref": "STORM 123",
                "location": f"location:{place.id}",
                # a person since deleted and a role no longer offered are left out
                "people": f"person:{one.id}=witness;person:{two.id}=perpetrator;"
                          f"person:99999=victim;person:{one.id}=bystander",
            })
        await pilot.press("i", "a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, IncidentForm)
        assert form.query_one("#source_ref", Input).value == "STORM 123"
        assert form.query_one("#location", PickField).picked.id == place.id
        assert [(p.id, role) for p, role in form.query_one("#people", InvolvedList).people] == [
            (one.id, "witness"), (two.id, "perpetrator")]


async def test_a_fast_burst_of_down_in_the_picker_is_not_lost(store, cfg):
    """↓↓↓↓ typed fast in the search box reach the fourth match (the first ↓ enters the
    list): the ↓ that came before the focus had moved were dropped, and Enter then
    picked the first match, silently."""
    seed(store, cfg)
    with store.write() as session:
        for first in ("Anil", "Bea", "Cal", "Dev", "Eli", "Fay"):
            people.add_person(session, f"{first} Ambleford")
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("p", "a")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, PartyPicker)
        await pilot.press(*"ambleford")
        await settle(app, pilot)
        names = [p.name for p in picker.found]
        assert len(names) == 6
        for _ in range(4):  # as a terminal delivers a burst: all before the focus moves
            picker.action_to_results()
        await settle(app, pilot)
        results = picker.query_one("#picker-list")
        assert results.has_focus and results.highlighted == 3
        await pilot.press("down", "up", "enter")  # one at a time, as before
        await settle(app, pilot)
        link = app.screen
        assert isinstance(link, LinkPartyForm)
        assert link.query_one("#subject").picked.name == names[3]
