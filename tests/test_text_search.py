"""Searches ignore case for every letter, not only ASCII, on both databases."""

from __future__ import annotations

import pytest

from jagtui.store import actions, people
from jagtui.store.imports import locations_sharing, people_sharing


@pytest.fixture
def named(store):
    with store.write() as session:
        people.add_person(session, "ZOË ÅSTRÖM", address="1 Église Row")
        people.add_person(session, "Łukasz Nowak", postcode="LE11 1AA")
        people.add_person(session, "Ann 50%_off")
        people.add_location(session, "Café Nero", locality="Loughborough")
        actions.add_action(session, ref="221126 Item 1", text="Visit Zoë", owner="PC Šárka Dvořák")
    return store


@pytest.mark.parametrize("typed, found", [
    ("zoë", ["ZOË ÅSTRÖM"]), ("ÅSTRÖM", ["ZOË ÅSTRÖM"]), ("åström", ["ZOË ÅSTRÖM"]),
    ("łukasz", ["Łukasz Nowak"]), ("ŁUKASZ", ["Łukasz Nowak"]), ("église", ["ZOË ÅSTRÖM"]),
    ("nowak", ["Łukasz Nowak"]), ("le11", ["Łukasz Nowak"]),
    ("50%_", ["Ann 50%_off"]), ("%", ["Ann 50%_off"]), ("0_o", []),
])
def test_people_are_found_whatever_the_case_of_any_letter(named, typed, found):
    with named.read() as session:
        assert [p.name for p in people.search_people(session, typed)] == found


def test_places_actions_and_owners_too(named):
    with named.read() as session:
        assert [p.name for p in people.search_locations(session, "CAFÉ")] == ["Café Nero"]
        assert [row.action.text for row in actions.action_rows(session, search="ZOË")] == ["Visit Zoë"]
        assert [name for name, _ in actions.owner_names(session, "šárka")] == ["PC Šárka Dvořák"]


def test_import_matching_folds_accented_addresses_as_python_does(named):
    with named.read() as session:
        assert [p.name for p in people_sharing(session, addresses=["1 église row"])] == ["ZOË ÅSTRÖM"]
        assert [p.name for p in locations_sharing(session, names=["café nero"])] == ["Café Nero"]
