"""Postcodes kept one way however they are typed, in the rule and through the store."""

from __future__ import annotations

import pytest

from jagtui.rules.postcodes import tidy_postcode
from jagtui.store.people import (add_location, add_person, get_location, get_person,
                                 update_person)


@pytest.mark.parametrize("typed, kept", [
    ("le11  3ab", "LE11 3AB"), ("LE113AB", "LE11 3AB"), (" le11 3ab ", "LE11 3AB"),
    ("ec1a1bb", "EC1A 1BB"), ("B1 1AA", "B1 1AA"), ("le11", "LE11"), ("", ""),
    ("n/a", "N/A"), ("LE11\t3AB", "LE11 3AB"), ("LE11 3AB extra", "LE11 3AB EXTRA"),
])
def test_tidy_postcode(typed, kept):
    assert tidy_postcode(typed) == kept


def test_people_and_places_keep_the_tidy_form(store):
    with store.write() as session:
        person = add_person(session, "Siobhán O'Brien", postcode="le11  3ab")
        place = add_location(session, "Larkspur Close play area", postcode="le113ab")
        ids = person.id, place.id
    with store.write() as session:
        update_person(session, ids[0], None, postcode="ec1a1bb")
    with store.read() as session:
        assert get_person(session, ids[0]).postcode == "EC1A 1BB"
        assert get_location(session, ids[1]).postcode == "LE11 3AB"
