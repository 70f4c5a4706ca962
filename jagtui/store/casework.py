"""The writes the case screens make, each one a unit the form saves in one transaction.

Forms hand over plain values; these functions check them (messages for users),
call the aggregate modules and return plain values, so the screens stay thin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store import audit
from jagtui.store.cases import close_case, link_party, open_case, update_case
from jagtui.store.errors import Invalid, NotFound
from jagtui.store.incidents import add_incident, link_person, update_incident
from jagtui.store.models import (
    INCIDENT_ROLES, INCIDENT_SOURCES, Case, CaseParty, Incident, IncidentParty, Location, Person,
)
from jagtui.store.people import add_location, add_person, search_locations, search_people
from jagtui.store.records import conflict, fetch, one_of, require

# The role a case's primary subject takes, by case type.
SUBJECT_ROLE = {"victim": "victim", "perpetrator": "perpetrator", "location": "location of concern"}
# Who an incident involves by default, by case type.
INCIDENT_ROLE = {"victim": "victim", "perpetrator": "perpetrator"}


@dataclass(frozen=True)
class Picked:
    """A person or a location chosen in a picker."""

    kind: str  # "person" | "location"
    id: int
    name: str
    detail: str = ""      # address and postcode (person), address (location)
    locality: str = ""
    beat: str = ""
    born: date | None = None

    @property
    def token(self) -> str:
        """A stable text form (``person:12``) for drafts and comparisons."""
        return f"{self.kind}:{self.id}"


def _person(person: Person) -> Picked:
    detail = ", ".join(part for part in (person.address, person.postcode) if part)
    return Picked("person", person.id, person.name, detail, "", person.beat, person.date_of_birth)


def _location(location: Location) -> Picked:
    detail = ", ".join(part for part in (location.address, location.postcode) if part)
    return Picked("location", location.id, location.name, detail, location.locality, location.beat)


def find(session: Session, text: str, kinds: Iterable[str] = ("person", "location"),
         limit: int = 20) -> list[Picked]:
    """People and/or locations matching ``text``, people first, each list by name."""
    kinds = tuple(kinds)
    found: list[Picked] = []
    if "person" in kinds:
        found += [_person(p) for p in search_people(session, text, limit)]
    if "location" in kinds:
        found += [_location(loc) for loc in search_locations(session, text, limit)]
    return found


def new_person(session: Session, name: str, **fields) -> Picked:
    return _person(add_person(session, name, **fields))


def new_location(session: Session, name: str, **fields) -> Picked:
    return _location(add_location(session, name, **fields))


def picked(session: Session, kind: str, record_id: int) -> Picked:
    if kind == "person":
        return _person(fetch(session, Person, record_id, "person"))
    return _location(fetch(session, Location, record_id, "location"))


def picked_from_tokens(session: Session, tokens: Iterable[str]) -> dict[str, Picked]:
    """Token (``person:12``) -> the person or place, for putting a draft back.

    Malformed tokens and records deleted since are left out: a draft is a
    convenience, never a reason to fail.
    """
    found = {}
    for token in tokens:
        kind, _, number = token.partition(":")
        if kind in ("person", "location") and number.isdigit():
            try:
                found[token] = picked(session, kind, int(number))
            except NotFound:
                continue
    return found


def start_case(session: Session, *, subject: Picked | None, case_type: str, **fields):
    """Open a case and link its primary subject (a person, or a place for a location case)."""
    if subject is None:
        raise Invalid("Choose the case's subject: the victim, perpetrator or location")
    wanted = "location" if case_type == "location" else "person"
    if subject.kind != wanted:
        raise Invalid(f"A {case_type} case is about a {wanted}: choose one")
    case = open_case(session, case_type=case_type, **fields)
    link_party(session, case.id, SUBJECT_ROLE[case_type], primary=True,
               **{f"{subject.kind}_id": subject.id})
    return case


def link_to_case(session: Session, case_id: int, subject: Picked, role: str,
                 primary: bool = False) -> CaseParty:
    """Link a person or place; a new primary subject demotes the old one."""
    column = CaseParty.person_id if subject.kind == "person" else CaseParty.location_id
    clash = session.scalar(select(CaseParty.id).where(
        CaseParty.case_id == case_id, column == subject.id, CaseParty.role == role))
    if clash is not None:
        raise Invalid(f"{subject.name} is already linked to this case as {role}")
    if primary:
        for party in session.scalars(select(CaseParty).where(CaseParty.case_id == case_id,
                                                             CaseParty.primary)):
            party.primary = False
    return link_party(session, case_id, role, primary=primary, **{f"{subject.kind}_id": subject.id})


def unlink_from_case(session: Session, link_id: int) -> None:
    session.delete(fetch(session, CaseParty, link_id, "case link"))
    session.flush()


def edit_case(session: Session, case_id: int, expected_version: int | None, today: date,
              **changes):
    """Change a case; closing needs a reason and stamps today, reopening clears both."""
    # Locked and read afresh: the decisions below and the version check see the case as it is.
    case = fetch(session, Case, case_id, "case", lock=True)
    if expected_version is not None and case.version != expected_version:
        # The clash is where what you typed differs from what is there now.
        raise conflict(case, {key: value for key, value in changes.items()
                              if getattr(case, key, None) != value})
    status = changes.pop("status", case.status)
    reason = changes.pop("closure_reason", "")
    if status == "closed" and case.status != "closed":
        if not (reason or "").strip():
            raise Invalid("Give a reason for closing the case")
        if changes:
            update_case(session, case_id, expected_version, **changes)
            expected_version = None  # checked by the first write, inside this transaction
        return close_case(session, case_id, expected_version, today, reason)
    if status == "open" and case.status == "closed":
        changes.update(status="open", closed_on=None, closure_reason="")
    elif status == "closed" and reason.strip():
        changes["closure_reason"] = reason.strip()
    if "title" in changes:
        changes["title"] = require(changes["title"], "A title")
    return update_case(session, case_id, expected_version, **changes)


@dataclass(frozen=True)
class IncidentDraft:
    """An incident as its form edits it."""

    incident: Incident | None
    location: Picked | None
    people: tuple[tuple[Picked, str], ...]


def incident_for_edit(session: Session, incident_id: int) -> IncidentDraft:
    incident = fetch(session, Incident, incident_id, "incident")
    location = (_location(fetch(session, Location, incident.location_id, "location"))
                if incident.location_id else None)
    rows = session.execute(
        select(Person, IncidentParty.role).join(IncidentParty, IncidentParty.person_id == Person.id)
        .where(IncidentParty.incident_id == incident_id).order_by(IncidentParty.id))
    return IncidentDraft(incident, location, tuple((_person(p), role) for p, role in rows))


def save_incident(
    session: Session,
    categories: Iterable[str],
    today: date,
    *,
    incident_id: int | None = None,
    expected_version: int | None = None,
    occurred_on: date,
    category: str,
    source: str,
    source_ref: str,
    location: Picked | None = None,
    hate: bool = False,
    description: str = "",
    people: Iterable[tuple[int, str]] = (),
) -> Incident:
    """Add an incident, or change one and make its people exactly ``people``."""
    if occurred_on > today:
        raise Invalid("An incident cannot be dated in the future")
    people = list(dict.fromkeys(people))
    for _, role in people:
        one_of(role, INCIDENT_ROLES, "Role")
    duplicate = session.scalar(select(Incident.id).where(
        Incident.source == source, Incident.source_ref == source_ref.strip(),
        Incident.id != (incident_id or -1)))
    if duplicate is not None:
        raise Invalid(f"{source} reference {source_ref.strip()} is already recorded")
    location_id = location.id if location else None
    if incident_id is None:
        return add_incident(
            session, occurred_on=occurred_on, category=category, source=source,
            source_ref=source_ref.strip(), categories=categories, location_id=location_id,
            hate=hate, description=description, people=people)
    changes = dict(
        occurred_on=occurred_on, category=one_of(category, list(categories), "Category"),
        source=one_of(source, INCIDENT_SOURCES, "Source"),
        source_ref=require(source_ref, "A source reference"), location_id=location_id,
        hate=hate, description=description,
    )
    current = fetch(session, Incident, incident_id, "incident")
    if location_id != current.location_id:
        changes["beat"] = fetch(session, Location, location_id, "location").beat if location_id else ""
    incident = update_incident(session, incident_id, expected_version, **changes)
    wanted = set(people)
    links = list(session.scalars(select(IncidentParty).where(IncidentParty.incident_id == incident_id)))
    for link in links:
        if (link.person_id, link.role) not in wanted:
            session.delete(link)
    session.flush()
    have = {(link.person_id, link.role) for link in links}
    for person_id, role in people:
        if (person_id, role) not in have:
            link_person(session, incident_id, person_id, role)
    return incident


def record_search(session: Session, text: str, results: int | None = None) -> None:
    """One audit row per search the user finished typing (not per keystroke)."""
    audit.record(session, "search", table_name="cases", text=text.strip(), results=results)

