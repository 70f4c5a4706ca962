"""Case-list filters, sorts and search, the case screens' privacy masking, and the case
list's table rendering as DataTable does."""

from __future__ import annotations

from datetime import date

import pytest
from rich.text import Text

from jagtui.screens.case_list import short_date
from jagtui.screens.privacy import party_address, party_name, redact
from jagtui.store import cases, people
from jagtui.store.case_listing import (DEFAULT_SORT, SORTS, CaseFilter, filter_rows, search_rows,
                                       sort_rows, sort_words)
from jagtui.store.case_search import case_search_texts
from jagtui.store.caselist import case_rows
from jagtui.store.casefile import Party

from case_data import TODAY, seed


@pytest.fixture
def rows(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    with sqlite_store.read() as session:
        return case_rows(session, cfg, TODAY, status=None)


def test_filters_in_sql_and_on_computed_facts(rows):
    assert CaseFilter().sql() == dict(status="open", subgroup=None, beat=None, lead_agency=None)
    assert CaseFilter(status="all", beat="63").sql()["status"] is None
    assert [r.subject for r in filter_rows(rows, CaseFilter(risk="standard"))] == ["Ann Example"]
    assert sorted(r.subject for r in filter_rows(rows, CaseFilter(risk="none"))) == [
        "Bob Sample", "Cat Specimen"]
    assert [r.subject for r in filter_rows(rows, CaseFilter(flag="youth"))] == ["Bob Sample"]
    assert not CaseFilter().active and CaseFilter(flag="youth").active
    assert CaseFilter(status="closed", subgroup="JAG", flag="community_trigger").describe() == (
        "closed cases · JAG · Community Trigger threshold met")


def test_every_column_sorts_and_the_default_is_risk_first(rows):
    for column in SORTS:
        assert len(sort_rows(rows, column)) == len(rows)
    assert sort_rows(rows)[0].subject == "Ann Example"
    assert [r.reference for r in sort_rows(rows, "ref")] == sorted(r.reference for r in rows)
    assert [r.reference for r in sort_rows(rows, "ref", reverse=True)] == sorted(
        (r.reference for r in rows), reverse=True)
    assert [r.rag for r in sort_rows(rows, "rag")] == ["red", "amber", "green"]
    assert sort_rows(rows, "no such column") == sort_rows(rows, DEFAULT_SORT)
    assert sort_words(DEFAULT_SORT, False) == "sorted highest risk first"
    assert sort_words("harm", True) == "sorted by harm index (reversed)"


def test_short_dates_fit_the_narrow_table():
    assert short_date(date(2026, 12, 3), TODAY) == "3 Dec"
    assert short_date(date(2027, 1, 9), TODAY) == "9 Jan 27"
    assert short_date(None, TODAY) == ""


ANN = Party(1, "victim", True, 7, None, "Ann Example", "12 Larkspur Close, Shelthorpe", "LE11 2AB",
            "Shelthorpe", "63", None, "")
PARK = Party(2, "location of concern", False, None, 3, "Larkspur Close play area", "Larkspur Close",
             "", "", "63", None, "")


def test_people_become_initials_and_places_localities():
    assert party_name(ANN, False) == "Ann Example"
    assert party_name(ANN, True) == "A.E."
    assert party_name(PARK, True) == "Beat 63"
    assert party_address(ANN, False) == "12 Larkspur Close, Shelthorpe, LE11 2AB"
    assert party_address(ANN, True) == "Shelthorpe"


def test_free_text_is_redacted_only_in_privacy_mode():
    text = "Shouting outside 12 Larkspur Close (LE11 2AB) at ann example near Larkspur Close play area"
    assert redact(text, [ANN, PARK], False) == text
    assert redact(text, [ANN, PARK], True) == (
        "Shouting outside Shelthorpe (Shelthorpe) at A.E. near Beat 63")


# -- search in memory ------------------------------------------------------------

def _searchable(store, cfg):
    """Cases whose reference, title, party names and places use more than ASCII."""
    with store.write() as session:
        first = cases.open_case(session, case_type="victim", title="Noise, Hall Road", subgroup="JAG",
                                lead_agency="POLICE", opened_on=TODAY)
        lukasz = people.add_person(session, "ŁUKASZ ÖZTÜRK")
        cases.link_party(session, first.id, "victim", person_id=lukasz.id, primary=True)
        second = cases.open_case(session, case_type="location", title="Großer Platz 50%_off",
                                 subgroup="JAG", lead_agency="POLICE", opened_on=TODAY)
        square = people.add_location(session, "Market Square", locality="Loughborough")
        cases.link_party(session, second.id, "location of concern", location_id=square.id,
                         primary=True)
        third = cases.open_case(session, case_type="victim", title="Quiet", subgroup="JAG",
                                lead_agency="POLICE", opened_on=TODAY)
        ann = people.add_person(session, "Ann Example")
        bob = people.add_person(session, "Bob Sample")
        cases.link_party(session, third.id, "victim", person_id=ann.id, primary=True)
        cases.link_party(session, third.id, "perpetrator", person_id=bob.id)
    with store.read() as session:
        rows = case_rows(session, cfg, TODAY)
        return rows, case_search_texts(session, [row.id for row in rows])


def test_a_search_finds_references_titles_names_and_places_in_any_alphabet(store, cfg):
    rows, texts = _searchable(store, cfg)

    def found(search):
        return sorted(row.title for row in search_rows(rows, texts, search))

    assert found("łukasz") == found("öztürk") == found("ÖZTÜRK") == ["Noise, Hall Road"]
    assert found("ö") == ["Noise, Hall Road"]  # SQLite's lower() would not fold Ö
    assert found("GROSSER") == found("großer") == ["Großer Platz 50%_off"]
    assert found("market sq") == found("LOUGHBOROUGH") == ["Großer Platz 50%_off"]
    assert found("bob") == found("  ann example ") == ["Quiet"]
    assert found(rows[0].reference.lower()) == [rows[0].title]
    assert found("50%_") == ["Großer Platz 50%_off"]  # literal, not a LIKE pattern
    assert found("%") == ["Großer Platz 50%_off"] and found("_") == ["Großer Platz 50%_off"]
    assert found("example bob") == []  # a match never runs from one party into the next
    assert found("") == found("   ") == found("\x00") == sorted(row.title for row in rows)
    assert found("nobody here") == []


def test_search_rows_keep_the_order_given(store, cfg):
    rows, texts = _searchable(store, cfg)
    backwards = rows[::-1]
    assert search_rows(backwards, texts, "o") == [row for row in backwards if "o" in texts[row.id]]
    assert search_rows(backwards, texts, "") is backwards


# -- the lazy table renders what DataTable renders -----------------------------------

TRICKY = ["Zoë Ünal-Łęcka", "王小明 wide", "", "tab\there", "line\nbreak", "[b]markup[/b]",
          "\u202eevil", " spaced  "]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
@pytest.mark.parametrize("private", [False, True], ids=["names", "privacy"])
async def test_the_lazy_table_renders_exactly_as_datatable(sqlite_store, cfg, size, private):
    from rich.segment import Segment
    from textual.geometry import Region
    from textual.widgets import DataTable

    from jagtui.app import JagApp
    from jagtui.screens.lazy_table import LazyTable

    seed(sqlite_store, cfg)
    with sqlite_store.write() as session:
        for n, name in enumerate(TRICKY):
            case = cases.open_case(session, case_type="victim", title=f"Tricky {n}", subgroup="JAG",
                                   lead_agency="POLICE", opened_on=TODAY, beat=name[:16])
            person = people.add_person(session, name.replace("\n", " ").replace("\t", " ") or "x")
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
        for n in range(40):  # enough to scroll at either size
            cases.open_case(session, case_type="location", title=f"Place {n}", subgroup="JAG",
                            lead_agency="POLICE", opened_on=TODAY)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0

    def rendered(table) -> list[list[Segment]]:
        table._clear_caches()
        table._styles_cache.clear()
        strips = table.render_lines(Region(0, 0, *table.size))
        return [[segment for segment in strip if segment.text] for strip in strips]

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.private = private
        await pilot.pause()
        table = app.screen.query_one(LazyTable)
        # One-line cells of every kind, and the cells the fast path leaves to DataTable.
        table.add_row(*[Text(value, style="bold") for value in TRICKY[:6]], "plain [i]str[/i]",
                      None, 3.5, Text("right", justify="right"), Text("x" * 300), "", key="extra")
        await pilot.pause()
        for cursor_row, focused, scroll in ((0, True, None), (2, True, None), (3, False, None),
                                             (30, True, (9, 5))):
            table.move_cursor(row=cursor_row)
            if not focused:
                app.screen.query_one("#search").focus()
            if scroll:
                table.scroll_to(*scroll, animate=False)
            await pilot.pause()
            fast = rendered(table)
            table.__class__ = DataTable
            try:
                slow = rendered(table)
            finally:
                table.__class__ = LazyTable
            assert fast == slow


def test_cells_are_measured_as_datatable_measures_them():
    from rich.console import Console
    from textual.render import measure
    from textual.widgets._data_table import default_cell_formatter

    from jagtui.screens.lazy_table import _cell_width

    console = Console(width=160)
    for value in [*TRICKY, Text("a\nlonger line"), Text("\u2028x"), "[b]x[/b]", 2.5, 7, None]:
        if value is None:
            continue
        cell = Text(value) if isinstance(value, str) else value
        for candidate in (cell, value):
            expected = measure(console, default_cell_formatter(candidate, wrap=False, height=1), 1)
            assert _cell_width(candidate, console) == expected, repr(candidate)
