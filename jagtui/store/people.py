"""People and locations: the subjects that cases and incidents link."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.rules.postcodes import tidy_postcode
from jagtui.store.models import Location, Person
from jagtui.store.records import edit, fetch, require
from jagtui.store.text_search import contains


def _tidied(fields: dict) -> dict:
    # One spelling of a postcode, however it was typed or imported.
    if "postcode" in fields:
        fields["postcode"] = tidy_postcode(fields["postcode"])
    return fields


def add_person(session: Session, name: str, *, date_of_birth: date | None = None, **fields) -> Person:
    person = Person(name=require(name, "A name"), date_of_birth=date_of_birth, **_tidied(fields))
    session.add(person)
    session.flush()
    return person


def add_location(session: Session, name: str, **fields) -> Location:
    location = Location(name=require(name, "A location name"), **_tidied(fields))
    session.add(location)
    session.flush()
    return location


def get_person(session: Session, person_id: int) -> Person:
    return fetch(session, Person, person_id, "person")


def get_location(session: Session, location_id: int) -> Location:
    return fetch(session, Location, location_id, "location")


def update_person(session: Session, person_id: int, expected_version: int | None, **changes) -> Person:
    return edit(session, fetch(session, Person, person_id, "person", lock=True), _tidied(changes),
                expected_version)


def update_location(
    session: Session, location_id: int, expected_version: int | None, **changes
) -> Location:
    location = fetch(session, Location, location_id, "location", lock=True)
    return edit(session, location, _tidied(changes), expected_version)


def search_people(session: Session, text: str, limit: int = 20) -> list[Person]:
    """People whose name, address or postcode contains ``text`` (case-insensitive)."""
    query = (
        select(Person)
        .where(contains(text, Person.name, Person.address, Person.postcode))
        .order_by(Person.name)
        .limit(limit)
    )
    return list(session.scalars(query))


def search_locations(session: Session, text: str, limit: int = 20) -> list[Location]:
    query = (
        select(Location)
        .where(contains(text, Location.name, Location.address, Location.locality))
        .order_by(Location.name)
        .limit(limit)
    )
    return list(session.scalars(query))
