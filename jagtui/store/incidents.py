"""Incidents: ASB reports, crimes and hate incidents, and who was involved."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, literal, select, union
from sqlmodel import Session

from jagtui.rules.facts import IncidentFact
from jagtui.store.errors import Invalid
from jagtui.store.hooks import check_text
from jagtui.store.models import (
    INCIDENT_ROLES, INCIDENT_SOURCES, CaseParty, Incident, IncidentParty, Location, Person,
)
from jagtui.store.records import edit, fetch, one_of, require

# Roles through which an incident counts towards a case: the people the case is
# about, not witnesses or whoever phoned it in.
SUBJECT_ROLES = ("victim", "perpetrator")


def add_incident(
    session: Session,
    *,
    occurred_on: date,
    category: str,
    source: str,
    source_ref: str,
    categories: Iterable[str],
    location_id: int | None = None,
    beat: str = "",
    hate: bool = False,
    description: str = "",
    people: Iterable[tuple[int, str]] = (),
) -> Incident:
    """Record an incident; ``people`` is (person id, role) pairs."""
    incident = Incident(
        occurred_on=occurred_on,
        category=one_of(category, list(categories), "Category"),
        source=one_of(source, INCIDENT_SOURCES, "Source"),
        source_ref=require(source_ref, "A source reference"),
        location_id=location_id,
        beat=beat,
        hate=hate,
        description=description,
    )
    if location_id is not None and not beat:
        incident.beat = fetch(session, Location, location_id, "location").beat
    check_text(incident)  # before the query below: PostgreSQL cannot even compare a NUL
    if session.scalar(select(Incident.id).where(Incident.source == incident.source,
                                                Incident.source_ref == incident.source_ref)):
        raise Invalid(f"{incident.source} reference {incident.source_ref!r} is already recorded")
    session.add(incident)
    session.flush()
    for person_id, role in people:
        link_person(session, incident.id, person_id, role)
    return incident


def link_person(session: Session, incident_id: int, person_id: int, role: str) -> IncidentParty:
    fetch(session, Person, person_id, "person")
    party = IncidentParty(incident_id=incident_id, person_id=person_id,
                          role=one_of(role, INCIDENT_ROLES, "Role"))
    session.add(party)
    session.flush()
    return party


def update_incident(session: Session, incident_id: int, expected_version: int | None, **changes) -> Incident:
    return edit(session, fetch(session, Incident, incident_id, "incident", lock=True), changes,
                expected_version)


@dataclass(frozen=True)
class CaseIncident:
    """An incident as listed on a case: the fact plus how the case is involved."""

    fact: IncidentFact
    case_id: int
    as_victim: bool
    source: str
    location: str
    description: str


def _case_incident_query(case_ids, since: date | None, until: date | None):
    """Incidents reaching each case through its people (in a subject role) or locations."""
    through_people = (
        select(
            CaseParty.case_id.label("case_id"),
            IncidentParty.incident_id.label("incident_id"),
            (IncidentParty.role == "victim").label("as_victim"),
        )
        .join(IncidentParty, IncidentParty.person_id == CaseParty.person_id)
        .where(CaseParty.case_id.in_(case_ids), IncidentParty.role.in_(SUBJECT_ROLES))
    )
    through_places = (
        select(
            CaseParty.case_id.label("case_id"),
            Incident.id.label("incident_id"),
            literal(True).label("as_victim"),
        )
        .join(Incident, Incident.location_id == CaseParty.location_id)
        .where(CaseParty.case_id.in_(case_ids))
    )
    links = union(through_people, through_places).subquery()
    query = (
        select(
            links.c.case_id, links.c.as_victim, Incident.id, Incident.source_ref,
            Incident.occurred_on, Incident.category, Incident.hate, Incident.source,
            Incident.description, Location.name,
        )
        .join(Incident, Incident.id == links.c.incident_id)
        .outerjoin(Location, Location.id == Incident.location_id)
    )
    conditions = []
    if since is not None:
        conditions.append(Incident.occurred_on >= since)
    if until is not None:
        conditions.append(Incident.occurred_on <= until)
    if conditions:
        query = query.where(and_(*conditions))
    return query.order_by(Incident.occurred_on, Incident.id)


def case_incidents(
    session: Session, case_ids, *, since: date | None = None, until: date | None = None
) -> dict[int, list[CaseIncident]]:
    """Incidents per case in one query; ``case_ids`` is a list or a subquery of ids."""
    found: dict[int, dict[int, CaseIncident]] = defaultdict(dict)
    for row in session.execute(_case_incident_query(case_ids, since, until)):
        case_id, as_victim, iid, ref, on, category, hate, source, description, place = row
        seen = found[case_id].get(iid)
        # An incident reached twice (as victim and perpetrator) counts once, as victim.
        if seen is None or (as_victim and not seen.as_victim):
            found[case_id][iid] = CaseIncident(
                IncidentFact(iid, ref, on, category, bool(hate)), case_id, bool(as_victim),
                source, place or "", description,
            )
    return {case_id: list(by_id.values()) for case_id, by_id in found.items()}


def people_of_incident(session: Session, incident_id: int) -> list[tuple[Person, str]]:
    rows = session.execute(
        select(Person, IncidentParty.role)
        .join(IncidentParty, IncidentParty.person_id == Person.id)
        .where(IncidentParty.incident_id == incident_id)
        .order_by(Person.name)
    )
    return [(person, role) for person, role in rows]
