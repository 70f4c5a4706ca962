"""Victim risk assessments: the scored questionnaire, its history and review date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.config import Risk
from jagtui.rules import risk as rules
from jagtui.store.errors import Invalid
from jagtui.store.models import Case, CaseParty, RiskAssessment
from jagtui.store.records import fetch, require


def record_assessment(
    session: Session,
    risk_cfg: Risk,
    *,
    case_id: int,
    assessed_on: date,
    assessor: str,
    answers: dict[str, int],
    review_due: date,
    person_id: int | None = None,
    override_level: str | None = None,
    override_reason: str = "",
) -> RiskAssessment:
    """Score the answers with the rules and keep the result; the rules refuse bad overrides
    and an assessment of the case's perpetrator (the questionnaire is the victim's)."""
    case = fetch(session, Case, case_id, "case")
    problem = rules.whom_problem(case.case_type, roles_on_case(session, case_id), person_id)
    if problem:
        raise Invalid(problem)
    result = rules.assess(risk_cfg, answers, override_level, override_reason)
    assessment = RiskAssessment(
        case_id=case_id, person_id=person_id, assessed_on=assessed_on,
        assessor=require(assessor, "An assessor"), answers=dict(answers), score=result.score,
        level=result.level, computed_level=result.computed_level,
        override_reason=override_reason if result.overridden else "", review_due=review_due,
    )
    session.add(assessment)
    session.flush()
    return assessment


def roles_on_case(session: Session, case_id: int) -> dict[int, set[str]]:
    """Each person linked to the case, with their roles on it."""
    roles: dict[int, set[str]] = {}
    for person_id, role in session.execute(
            select(CaseParty.person_id, CaseParty.role)
            .where(CaseParty.case_id == case_id, CaseParty.person_id.is_not(None))):
        roles.setdefault(person_id, set()).add(role)
    return roles


def history(session: Session, case_id: int) -> list[RiskAssessment]:
    """Newest first."""
    return list(session.scalars(
        select(RiskAssessment).where(RiskAssessment.case_id == case_id)
        .order_by(RiskAssessment.assessed_on.desc(), RiskAssessment.id.desc())
    ))


def latest(session: Session, case_id: int) -> RiskAssessment | None:
    found = history(session, case_id)
    return found[0] if found else None
