"""The tables of referrals out: a person on a case referred to another service.

Kept beside ``models.py`` (not in it) so the referral work has its own module;
``jagtui.store.db`` and the Alembic environment import it, so the schema is
complete wherever the store is used. Status and service are plain strings the
store checks (services come from ``[referrals]`` in config.toml), like every
other coded value.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from jagtui.store.models import Tracked, _text

REFERRAL_STATUSES = ("made", "accepted", "declined", "closed")


class Referral(Tracked, table=True):
    """A referral out: who, on which case, to which service, why, by whom, and where it stands."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(f"status IN {REFERRAL_STATUSES}", name="ck_referrals_status"),
        Index("ix_referrals_case", "case_id", "referred_on"),
        Index("ix_referrals_status_follow_up", "status", "follow_up_on"),
        Index("ix_referrals_meeting", "meeting_id"),
        Index("ix_referrals_service_on", "service", "referred_on"),
    )

    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE")
    # The person referred; kept (as None) if the person is erased on their own.
    person_id: int | None = Field(default=None, foreign_key="people.id", ondelete="SET NULL")
    service: str = Field(max_length=32)
    referred_on: date
    reason: str = _text()
    made_by: str = Field(max_length=64)  # the login that made it
    made_by_agency: str = Field(default="", max_length=64)
    status: str = Field(default="made", max_length=16)
    # The day the service answered (accepted or declined), or the referral closed.
    answered_on: date | None = None
    outcome: str = _text()
    # When to chase an answer: a referral still "made" after this day is flagged.
    follow_up_on: date | None = None
    # Made in a meeting (the runner's case item): the minutes list it.
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id", ondelete="SET NULL")
    item_id: int | None = Field(default=None, foreign_key="meeting_items.id", ondelete="SET NULL")


class ReferralStep(Tracked, table=True):
    """One step in a referral's history: made, then accepted / declined, then closed."""

    __tablename__ = "referral_steps"
    __table_args__ = (
        CheckConstraint(f"status IN {REFERRAL_STATUSES}", name="ck_referral_steps_status"),
        Index("ix_referral_steps_referral", "referral_id", "step_on"),
    )

    referral_id: int = Field(foreign_key="referrals.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE")  # so the audit names the case
    status: str = Field(max_length=16)
    step_on: date
    note: str = _text()
