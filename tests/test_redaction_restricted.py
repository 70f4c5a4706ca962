"""The restricted role, driven by keys (issue 13): search finds references and localities,
never names or addresses, and free text mentioning a person in any form is shown masked
(the same redaction engine as the redacted documents). SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from textual.widgets import DataTable, Input

from jagtui.app import JagApp
from jagtui.screens.case_list import CaseListScreen
from jagtui.store import actions, cases, people
from jagtui.store.case_search import case_search_texts
from jagtui.store.users import add_user
from pilot_help import settle as _settle

TODAY = date(2026, 11, 22)


@pytest.fixture
def seeded(store):
    with store.write() as session:
        add_user(session, store.login, "Restricted User", "UNI", "restricted")
        victim = people.add_person(session, "Patrick Quillfield", date_of_birth=date(1988, 3, 17),
                                   address="17 Larkspur Close, Shelthorpe", postcode="LE11 3AB",
                                   beat="63", phone="07700 900123")
        other = people.add_person(session, "Orla Vellacott", address="4 Kestrel Road, Anstey",
                                  beat="58")
        case = cases.open_case(session, case_type="victim", title="Noise at Larkspur Close",
                               subgroup="JAG", lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, case.id, "victim", person_id=victim.id, primary=True)
        spot = people.add_location(session, "Kestrel Park", address="off Kestrel Road",
                                   locality="Anstey", beat="58")
        second = cases.open_case(session, case_type="location", title="Drinking in the park",
                                 subgroup="JAG", lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, second.id, "location of concern", location_id=spot.id,
                         primary=True)
        actions.add_action(session, ref="221126 Item 1", case_id=case.id, owner="PC Dana Whitlow",
                           text="Visit Mr Quillfield (Patrick) at No.17 Larkspur Cl; "
                                "ring 07700-900-123; Vellacott's son too")
        return case.reference, second.reference, case.id, second.id, other.id


def _app(store, cfg):
    app = JagApp(store, cfg, role="restricted", user_name="Restricted User", today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


def test_restricted_searchable_text_holds_references_and_localities_only(store, cfg, seeded):
    ref, second_ref, case_id, second_id, _other = seeded
    localities = [place for beat in cfg.beats for place in beat.localities]
    with store.read() as session:
        texts = case_search_texts(session, [case_id, second_id], names=False,
                                  localities=localities)
        full = case_search_texts(session, [case_id, second_id])
    assert "quillfield" in full[case_id]  # roles that see names still find names
    for text in texts.values():
        for leak in ("quillfield", "patrick", "larkspur", "kestrel", "noise", "drinking"):
            assert leak not in text
    assert texts[case_id] == f"{ref.casefold()}\x00shelthorpe"
    assert texts[second_id] == f"{second_ref.casefold()}\x00anstey"


async def _search(app, pilot, text: str) -> list[str]:
    box = app.screen.query_one("#search", Input)
    box.value = ""
    await pilot.press("escape")
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.press("enter")
    await _settle(app, pilot)
    return [row.reference for row in app.screen.rows]


async def test_restricted_search_never_finds_a_name_or_address(store, cfg, seeded):
    ref, second_ref, *_ = seeded
    app = _app(store, cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen) and app.private
        assert "reference or locality" in app.screen.query_one("#search", Input).placeholder
        assert await _search(app, pilot, "quillfield") == []
        assert await _search(app, pilot, "Patrick") == []
        assert await _search(app, pilot, "larkspur") == []
        assert await _search(app, pilot, "kestrel") == []
        assert await _search(app, pilot, ref.lower()) == [ref]
        assert await _search(app, pilot, "shelthorpe") == [ref]
        assert await _search(app, pilot, "Anstey") == [second_ref]


def _visible_text(app) -> str:
    svg = app.export_screenshot()
    text = html.unescape(re.sub(r"<[^>]+>", "\n", svg)).replace("\xa0", " ")
    cells = [str(cell) for table in app.screen.query(DataTable)
             for row in range(table.row_count) for cell in table.get_row_at(row)]
    return text + "\n".join(cells)


async def test_restricted_sees_free_text_masked_in_any_written_form(store, cfg, seeded):
    """'Visit Mr X (Patrick)': not the exact full name, masked all the same."""
    app = _app(store, cfg)
    async with app.run_test(size=(200, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("4")  # the action log
        await _settle(app, pilot)
        row = app.screen.rows[0]
        masked = app.screen.masked(row, row.action.text)
        shown = _visible_text(app)
    # "Vellacott" alone, and she is on no case of the action: hidden, not her initials.
    assert masked == ("Visit P.Q. (P.Q.) at Shelthorpe; ring [phone number removed]; "
                      "[name]'s son too")
    for leak in ("Quillfield", "Patrick", "Vellacott", "900", "Larkspur", "No.17"):
        assert leak not in masked and leak not in shown, leak
    assert "Visit P.Q. (P.Q.)" in shown
