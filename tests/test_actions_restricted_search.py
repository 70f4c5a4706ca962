"""The Actions screen's search for a role without names (issue 13): typing a surname,
a first name, a street or a phone number must not narrow the list to that person's
actions. It finds references, owners' agencies and what the screen shows of the
action's text (the redacted text). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from jagtui.app import JagApp
from jagtui.screens.actions import ActionsScreen
from jagtui.store import actions, cases, people
from jagtui.store.users import add_user
from pilot_help import settle as _settle

TODAY = date(2026, 11, 22)


@pytest.fixture
def seeded(store):
    with store.write() as session:
        victim = people.add_person(session, "Patrick Quillfield", date_of_birth=date(1988, 3, 17),
                                   address="17 Larkspur Close, Shelthorpe", postcode="LE11 3AB",
                                   beat="63", phone="07700 900123")
        people.add_person(session, "Orla Vellacott", address="4 Kestrel Road, Anstey", beat="58")
        case = cases.open_case(session, case_type="victim", title="Noise at Larkspur Close",
                               subgroup="JAG", lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, case.id, "victim", person_id=victim.id, primary=True)
        actions.add_action(session, ref="221126 Item 1", case_id=case.id, owner="PC Dana Whitlow",
                           owner_agency="POLICE",
                           text="Visit Mr Quillfield (Patrick) at No.17 Larkspur Cl; "
                                "ring 07700-900-123; Vellacott's son too")
        actions.add_action(session, ref="221126 Item 2", owner="Dee Housing",
                           owner_agency="CBC-HOUSING", text="Share the patrol plan")
        return case.reference


async def _search(app, pilot, text: str) -> list[str]:
    box = app.screen.query_one("#actions-search", Input)
    if box.value:
        await pilot.press("escape")
        await _settle(app, pilot)
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.press("enter")
    await _settle(app, pilot)
    return [row.action.ref for row in app.screen.rows]


RESTRICTED = ("quillfield", "Patrick", "vellacott", "900-123", "17 lark", "whitlow", "ring", "police")


@pytest.mark.parametrize("role", ["restricted", "member"])
async def test_action_search_finds_no_one_by_name_for_a_role_without_names(store, cfg, seeded,
                                                                           role):
    reference = seeded
    with store.write() as session:
        add_user(session, store.login, "Some User", "UNI", role)
    app = JagApp(store, cfg, role=role, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot)
        await pilot.press("4")
        await _settle(app, pilot)
        assert isinstance(app.screen, ActionsScreen)
        assert len(app.screen.rows) == 2
        typed = (*RESTRICTED, reference.lower()) if role == "restricted" else ("quillfield",
                                                                              "whitlow")
        found = {text: await _search(app, pilot, text) for text in typed}
        placeholder = app.screen.query_one("#actions-search", Input).placeholder
    if role == "member":  # roles that see names still find them
        assert found == {"quillfield": ["221126 Item 1"], "whitlow": ["221126 Item 1"]}
        return
    # The surname, a first name, another person held, the phone and the address in other
    # spellings, and the owner (shown as initials): nothing found.
    for text in ("quillfield", "Patrick", "vellacott", "900-123", "17 lark", "whitlow"):
        assert found[text] == [], text
    # What it is shown: the action's own words, the case reference, the owner's agency.
    assert found["ring"] == ["221126 Item 1"]
    assert found[reference.lower()] == ["221126 Item 1"]
    assert found["police"] == ["221126 Item 1"]
    assert "owner" not in placeholder
