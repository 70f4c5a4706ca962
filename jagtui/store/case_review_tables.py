"""The tables of ASB case reviews (the Community Trigger).

An application is one row from receipt to outcome: who applied and for whom, the
decision on the threshold, the review meeting and its findings, the dates the
applicant was told, and the escalation route. Its recommendations are ordinary
actions (the action log), linked here so the yearly figures can count reviews
that led to recommendations. Imported by ``migrations/env.py`` so the schema
checks see these tables.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from jagtui.store.models import Tracked, _text

THRESHOLDS = ("", "met", "not met")


class CaseReview(Tracked, table=True):
    __tablename__ = "case_reviews"
    __table_args__ = (
        CheckConstraint("threshold IN ('', 'met', 'not met')", name="ck_case_reviews_threshold"),
        Index("ix_case_reviews_received", "received_on"),
        Index("ix_case_reviews_person", "person_id"),
    )

    reference: str = Field(max_length=32, unique=True)
    received_on: date
    # The victim the application is about (a person record), if known.
    person_id: int | None = Field(default=None, foreign_key="people.id", ondelete="SET NULL")
    # Someone applying on the victim's behalf ("" = the victim applied).
    applicant_name: str = Field(default="", max_length=200)
    applicant_relation: str = Field(default="", max_length=100)
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")
    summary: str = _text()
    threshold: str = Field(default="", max_length=8)
    decided_on: date | None = None
    decision_reason: str = _text()
    lead_agency: str = Field(default="", max_length=64)
    told_decision_on: date | None = None
    review_on: date | None = None
    findings: str = _text()
    told_outcome_on: date | None = None
    escalation_requested_on: date | None = None
    escalation_outcome: str = _text()
    escalation_decided_on: date | None = None


class CaseReviewAction(Tracked, table=True):
    """A recommendation of a review: the action that carries it out."""

    __tablename__ = "case_review_actions"
    __table_args__ = (
        UniqueConstraint("review_id", "action_id", name="uq_case_review_actions"),
        Index("ix_case_review_actions_action", "action_id"),
    )

    review_id: int = Field(foreign_key="case_reviews.id", ondelete="CASCADE")
    action_id: int = Field(foreign_key="actions.id", ondelete="CASCADE")
