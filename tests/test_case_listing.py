"""Case-list filters and sorts, and the case screens' privacy masking: pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from jagtui.case_listing import DEFAULT_SORT, SORTS, CaseFilter, filter_rows, sort_rows, sort_words
from jagtui.screens.case_list import short_date
from jagtui.screens.privacy import party_address, party_name, redact
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
