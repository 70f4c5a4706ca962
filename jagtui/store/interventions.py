"""Interventions on the ASB escalation ladder, and their breaches."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.models import Breach, Case, Intervention
from jagtui.store.records import edit, fetch, one_of, require

OUTCOMES = ("active", "complied", "breached", "expired")


def record_intervention(
    session: Session,
    *,
    case_id: int,
    step: str,
    steps: list[str],
    issuing_agency: str,
    issued_on: date,
    review_on: date | None = None,
    person_id: int | None = None,
    notes: str = "",
) -> Intervention:
    fetch(session, Case, case_id, "case")
    intervention = Intervention(
        case_id=case_id, person_id=person_id, step=one_of(step, steps, "Ladder step"),
        issuing_agency=require(issuing_agency, "An issuing agency"), issued_on=issued_on,
        review_on=review_on, notes=notes,
    )
    session.add(intervention)
    session.flush()
    return intervention


def record_breach(session: Session, intervention_id: int, breached_on: date, notes: str = "") -> Breach:
    """A breach marks the intervention breached; the ladder then proposes the next step."""
    intervention = fetch(session, Intervention, intervention_id, "intervention", lock=True)
    breach = Breach(intervention_id=intervention_id, breached_on=breached_on, notes=notes)
    session.add(breach)
    intervention.outcome = "breached"
    session.flush()
    return breach


def set_outcome(session: Session, intervention_id: int, expected_version: int | None,
                outcome: str) -> Intervention:
    intervention = fetch(session, Intervention, intervention_id, "intervention", lock=True)
    return edit(session, intervention, {"outcome": one_of(outcome, OUTCOMES, "Outcome")},
                expected_version)


def for_case(session: Session, case_id: int) -> list[tuple[Intervention, list[Breach]]]:
    """Oldest first, each with its breaches."""
    interventions = list(session.scalars(
        select(Intervention).where(Intervention.case_id == case_id)
        .order_by(Intervention.issued_on, Intervention.id)
    ))
    breaches: dict[int, list[Breach]] = {i.id: [] for i in interventions}
    if interventions:
        for breach in session.scalars(
            select(Breach).where(Breach.intervention_id.in_(list(breaches)))
            .order_by(Breach.breached_on)
        ):
            breaches[breach.intervention_id].append(breach)
    return [(i, breaches[i.id]) for i in interventions]
