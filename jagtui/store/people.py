"""People and locations: the subjects that cases and incidents link."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel import Session

from jagtui.store.models import Location, Person
from jagtui.store.records import edit, fetch, require


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere (``%`` and ``_`` escaped).

    NUL is left out: no stored text can hold one (see ``hooks.check_text``), the
    terminal shows nothing for it, and PostgreSQL refuses it even in a search.
    """
    text = text.replace("\x00", "")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def add_person(session: Session, name: str, *, date_of_birth: date | None = None, **fields) -> Person:
    person = Person(name=require(name, "A name"), date_of_birth=date_of_birth, **fields)
    session.add(person)
    session.flush()
    return person


def add_location(session: Session, name: str, **fields) -> Location:
    location = Location(name=require(name, "A location name"), **fields)
    session.add(location)
    session.flush()
    return location


def get_person(session: Session, person_id: int) -> Person:
    return fetch(session, Person, person_id, "person")


def get_location(session: Session, location_id: int) -> Location:
    return fetch(session, Location, location_id, "location")


def update_person(session: Session, person_id: int, expected_version: int | None, **changes) -> Person:
    return edit(session, fetch(session, Person, person_id, "person", lock=True), changes, expected_version)


def update_location(
    session: Session, location_id: int, expected_version: int | None, **changes
) -> Location:
    location = fetch(session, Location, location_id, "location", lock=True)
    return edit(session, location, changes, expected_version)


def search_people(session: Session, text: str, limit: int = 20) -> list[Person]:
    """People whose name, address or postcode contains ``text`` (case-insensitive)."""
    pattern = like_pattern(text.strip().lower())
    query = (
        select(Person)
        .where(
            or_(
                func.lower(Person.name).like(pattern, escape="\\"),
                func.lower(Person.address).like(pattern, escape="\\"),
                func.lower(Person.postcode).like(pattern, escape="\\"),
            )
        )
        .order_by(Person.name)
        .limit(limit)
    )
    return list(session.scalars(query))


def search_locations(session: Session, text: str, limit: int = 20) -> list[Location]:
    pattern = like_pattern(text.strip().lower())
    query = (
        select(Location)
        .where(
            or_(
                func.lower(Location.name).like(pattern, escape="\\"),
                func.lower(Location.address).like(pattern, escape="\\"),
                func.lower(Location.locality).like(pattern, escape="\\"),
            )
        )
        .order_by(Location.name)
        .limit(limit)
    )
    return list(session.scalars(query))
