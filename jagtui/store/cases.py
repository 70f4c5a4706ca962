"""Cases and the people and locations linked to them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.models import (
    CASE_STATUSES, CASE_TYPES, PARTY_ROLES, RAG, Case, CaseParty, Location, Person,
)
from jagtui.store.numbering import case_reference
from jagtui.store.records import edit, fetch, one_of, require


def next_reference(session: Session, opened_on: date) -> str:
    """``JAG-26-0007``: year of opening and a running number within it, never reused."""
    return case_reference(session, opened_on)


def open_case(
    session: Session,
    *,
    case_type: str,
    title: str,
    subgroup: str,
    lead_agency: str,
    opened_on: date,
    reference: str = "",
    **fields,
) -> Case:
    case = Case(
        reference=reference or next_reference(session, opened_on),
        case_type=one_of(case_type, CASE_TYPES, "Case type"),
        title=require(title, "A title"),
        subgroup=require(subgroup, "A subgroup"),
        lead_agency=require(lead_agency, "A lead agency"),
        opened_on=opened_on,
        **fields,
    )
    one_of(case.rag, RAG, "RAG")
    one_of(case.status, CASE_STATUSES, "Status")
    session.add(case)
    session.flush()
    return case


def get_case(session: Session, case_id: int) -> Case:
    return fetch(session, Case, case_id, "case")


def find_case(session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference.strip()))


def update_case(session: Session, case_id: int, expected_version: int | None, **changes) -> Case:
    if "rag" in changes:
        one_of(changes["rag"], RAG, "RAG")
    if "status" in changes:
        one_of(changes["status"], CASE_STATUSES, "Status")
    return edit(session, fetch(session, Case, case_id, "case", lock=True), changes, expected_version)


def close_case(
    session: Session, case_id: int, expected_version: int | None, closed_on: date, reason: str
) -> Case:
    return update_case(
        session, case_id, expected_version,
        status="closed", closed_on=closed_on, closure_reason=require(reason, "A closure reason"),
    )


def link_party(
    session: Session,
    case_id: int,
    role: str,
    *,
    person_id: int | None = None,
    location_id: int | None = None,
    primary: bool = False,
) -> CaseParty:
    """Link an existing person or location (exactly one) to a case."""
    fetch(session, Case, case_id, "case")
    if (person_id is None) == (location_id is None):
        raise ValueError("link_party needs exactly one of person_id and location_id")
    if person_id is not None:
        fetch(session, Person, person_id, "person")
    else:
        fetch(session, Location, location_id, "location")
    party = CaseParty(case_id=case_id, person_id=person_id, location_id=location_id,
                      role=one_of(role, PARTY_ROLES, "Role"), primary=primary)
    session.add(party)
    session.flush()
    return party


def parties(session: Session, case_id: int) -> list[tuple[CaseParty, Person | None, Location | None]]:
    rows = session.execute(
        select(CaseParty, Person, Location)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(CaseParty.case_id == case_id)
        .order_by(CaseParty.primary.desc(), CaseParty.id)
    )
    return [tuple(row) for row in rows]
