"""The schema: every table jagtui keeps, in one place.

Coded values (case type, status, RAG, outcome, roles) are plain strings checked
by the store, not database enums, so a partnership can change its lists without
a migration. Every table but the audit log carries who created and last changed
a row and when, and a ``version`` counter used for optimistic locking.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


CASE_TYPES = ("victim", "perpetrator", "location")
CASE_STATUSES = ("open", "closed")
RAG = ("red", "amber", "green")
PARTY_ROLES = (
    "victim", "perpetrator", "household member", "parent/carer", "witness",
    "complainant", "location of concern",
)
INCIDENT_ROLES = ("victim", "perpetrator", "witness", "reporter")
INCIDENT_SOURCES = ("police", "council", "housing", "sentinel", "other")
MEETING_STATUSES = ("planned", "in progress", "final")
ITEM_KINDS = ("apologies", "minutes", "actions", "referral", "high risk", "review",
              "closure", "case", "aob", "next meeting", "other",
              # Partners' written reports, read and accepted at the meeting.
              "agency updates", "subgroup updates")
NOTE_KINDS = ("point", "agreed")
ATTENDANCE_KINDS = ("present", "apology", "minutes")
PLAN_STATUSES = ("not started", "on track", "at risk", "off track", "complete")
ROLES = ("admin", "chair", "member", "viewer", "restricted")


def _text(nullable: bool = False) -> Any:
    return Field(default="" if not nullable else None, sa_type=Text, nullable=nullable)


class Tracked(SQLModel):
    """Columns every record carries: identity, who and when, and a version."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by: str = Field(default="", max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_by: str = Field(default="", max_length=64)
    version: int = Field(default=1, nullable=False)

    @declared_attr
    def __mapper_args__(cls) -> dict[str, Any]:
        # Every UPDATE and DELETE carries "AND version = <the version read>", so a
        # write never lands on a row someone changed since (0 rows: StaleDataError,
        # which Store.write turns into a Conflict). The hooks bump the version.
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}


class User(Tracked, table=True):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="ck_users_role"),)

    login: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=200)
    agency: str = Field(default="", max_length=64)
    role: str = Field(default="member", max_length=16)
    active: bool = Field(default=True)


class Person(Tracked, table=True):
    __tablename__ = "people"
    __table_args__ = (Index("ix_people_name", "name"),)

    name: str = Field(max_length=200)
    date_of_birth: date | None = None
    address: str = _text()
    postcode: str = Field(default="", max_length=16)
    beat: str = Field(default="", max_length=16)
    phone: str = Field(default="", max_length=64)
    vulnerabilities: str = _text()
    notes: str = _text()


class Location(Tracked, table=True):
    __tablename__ = "locations"
    __table_args__ = (Index("ix_locations_name", "name"), Index("ix_locations_beat", "beat"))

    name: str = Field(max_length=200)
    address: str = _text()
    postcode: str = Field(default="", max_length=16)
    beat: str = Field(default="", max_length=16)
    locality: str = Field(default="", max_length=100)
    kind: str = Field(default="", max_length=40)
    notes: str = _text()


class Case(Tracked, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"case_type IN {CASE_TYPES}", name="ck_cases_type"),
        CheckConstraint(f"status IN {CASE_STATUSES}", name="ck_cases_status"),
        CheckConstraint(f"rag IN {RAG}", name="ck_cases_rag"),
        Index("ix_cases_status_subgroup", "status", "subgroup"),
        Index("ix_cases_beat", "beat"),
        Index("ix_cases_closed_on", "closed_on"),
    )

    reference: str = Field(max_length=32, unique=True)
    case_type: str = Field(max_length=16)
    title: str = Field(max_length=200)
    summary: str = _text()
    subgroup: str = Field(max_length=32)
    lead_agency: str = Field(max_length=64)
    lead_officer: str = Field(default="", max_length=200)
    priority: str = Field(default="", max_length=16)
    beat: str = Field(default="", max_length=16)
    status: str = Field(default="open", max_length=16)
    rag: str = Field(default="amber", max_length=8)
    opened_on: date
    closed_on: date | None = None
    closure_reason: str = _text()


class CaseParty(Tracked, table=True):
    """A person or a location linked to a case, in a role."""

    __tablename__ = "case_parties"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (location_id IS NULL)", name="ck_case_parties_one_subject"
        ),
        Index("ix_case_parties_case", "case_id"),
        Index("ix_case_parties_person", "person_id"),
        Index("ix_case_parties_location", "location_id"),
    )

    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="people.id", ondelete="CASCADE")
    location_id: int | None = Field(default=None, foreign_key="locations.id", ondelete="CASCADE")
    role: str = Field(max_length=32)
    primary: bool = Field(default=False)


class Incident(Tracked, table=True):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("source", "source_ref", name="uq_incidents_source_ref"),
        Index("ix_incidents_occurred_on", "occurred_on"),
        Index("ix_incidents_location_on", "location_id", "occurred_on"),
    )

    occurred_on: date
    category: str = Field(max_length=32)
    source: str = Field(max_length=16)
    source_ref: str = Field(max_length=64)
    location_id: int | None = Field(default=None, foreign_key="locations.id", ondelete="SET NULL")
    beat: str = Field(default="", max_length=16)
    hate: bool = Field(default=False)
    description: str = _text()


class IncidentParty(Tracked, table=True):
    __tablename__ = "incident_parties"
    __table_args__ = (
        UniqueConstraint("incident_id", "person_id", "role", name="uq_incident_parties"),
        Index("ix_incident_parties_person", "person_id", "incident_id"),
    )

    incident_id: int = Field(foreign_key="incidents.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE")
    role: str = Field(max_length=16)


class RiskAssessment(Tracked, table=True):
    __tablename__ = "risk_assessments"
    __table_args__ = (Index("ix_risk_case_on", "case_id", "assessed_on"),)

    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="people.id", ondelete="SET NULL")
    assessed_on: date
    assessor: str = Field(max_length=200)
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    score: float
    level: str = Field(max_length=16)
    computed_level: str = Field(max_length=16)
    override_reason: str = _text()
    review_due: date | None = None


class Intervention(Tracked, table=True):
    __tablename__ = "interventions"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('active', 'complied', 'breached', 'expired')",
            name="ck_interventions_outcome",
        ),
        Index("ix_interventions_case", "case_id", "issued_on"),
        Index("ix_interventions_review", "outcome", "review_on"),
    )

    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="people.id", ondelete="SET NULL")
    step: str = Field(max_length=32)
    issuing_agency: str = Field(max_length=64)
    issued_on: date
    review_on: date | None = None
    outcome: str = Field(default="active", max_length=16)
    notes: str = _text()


class Breach(Tracked, table=True):
    __tablename__ = "breaches"
    __table_args__ = (Index("ix_breaches_intervention", "intervention_id"),)

    intervention_id: int = Field(foreign_key="interventions.id", ondelete="CASCADE")
    breached_on: date
    notes: str = _text()


class Meeting(Tracked, table=True):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_held_on", "held_on"),)

    held_on: date
    starts_at: str = Field(default="", max_length=5)
    place: str = Field(default="", max_length=200)
    subgroup: str = Field(max_length=32)
    chair: str = Field(default="", max_length=200)
    status: str = Field(default="planned", max_length=16)
    confidentiality_ack_at: datetime | None = None
    ended_at: datetime | None = None
    next_meeting_on: date | None = None


class Attendance(Tracked, table=True):
    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_meeting", "meeting_id"),)

    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    kind: str = Field(default="present", max_length=16)


class MeetingItem(Tracked, table=True):
    __tablename__ = "meeting_items"
    __table_args__ = (
        # Unique: the running order and the action refs made from it never repeat a number.
        Index("ix_meeting_items_meeting", "meeting_id", "number", unique=True),
        Index("ix_meeting_items_case", "case_id"),
    )

    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE")
    number: int
    kind: str = Field(max_length=16)
    title: str = Field(max_length=200)
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")


class ItemNote(Tracked, table=True):
    """A numbered discussion point or an AGREED decision under a meeting item."""

    __tablename__ = "item_notes"
    __table_args__ = (Index("ix_item_notes_item", "item_id", "number", unique=True),)

    item_id: int = Field(foreign_key="meeting_items.id", ondelete="CASCADE")
    number: int
    kind: str = Field(default="point", max_length=8)
    text: str = _text()


class Amendment(Tracked, table=True):
    """A correction to final minutes, recorded rather than rewritten."""

    __tablename__ = "amendments"
    __table_args__ = (Index("ix_amendments_meeting", "meeting_id"),)

    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE")
    text: str = _text()


class Action(Tracked, table=True):
    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'complete', 'cancelled')", name="ck_actions_status"),
        Index("ix_actions_status_due", "status", "due_on"),
        Index("ix_actions_case", "case_id"),
        Index("ix_actions_meeting", "meeting_id"),
    )

    ref: str = Field(max_length=32)
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id", ondelete="SET NULL")
    item_id: int | None = Field(default=None, foreign_key="meeting_items.id", ondelete="SET NULL")
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")
    text: str = _text()
    owner: str = Field(max_length=200)
    owner_agency: str = Field(default="", max_length=64)
    due_on: date | None = None
    status: str = Field(default="open", max_length=16)
    completed_on: date | None = None


class ActionUpdate(Tracked, table=True):
    __tablename__ = "action_updates"
    __table_args__ = (Index("ix_action_updates_action", "action_id", "updated_on"),)

    action_id: int = Field(foreign_key="actions.id", ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id", ondelete="SET NULL")
    updated_on: date
    text: str = _text()
    status: str = Field(default="open", max_length=16)


class PlanPriority(Tracked, table=True):
    __tablename__ = "plan_priorities"

    key: str = Field(max_length=16, unique=True)
    title: str = Field(max_length=300)
    period: str = Field(default="", max_length=16)
    # Order on the plan (the editor's reorder); ties fall back to the key.
    position: int = Field(default=0)
    # Retired: kept, with its history, but out of progress reports (None: current).
    retired_at: datetime | None = None


class PlanObjective(Tracked, table=True):
    __tablename__ = "plan_objectives"
    __table_args__ = (Index("ix_plan_objectives_priority", "priority_id"),)

    priority_id: int = Field(foreign_key="plan_priorities.id", ondelete="CASCADE")
    number: int
    title: str = _text()
    strategy: str = _text()
    retired_at: datetime | None = None


class PlanAction(Tracked, table=True):
    __tablename__ = "plan_actions"
    __table_args__ = (Index("ix_plan_actions_objective", "objective_id"),)

    objective_id: int = Field(foreign_key="plan_objectives.id", ondelete="CASCADE")
    number: int
    text: str = _text()
    lead: str = Field(default="", max_length=200)
    # "Time Scales" as the plan words them ("Ongoing", "Quarterly"), plus the end date if any.
    time_scales: str = Field(default="", max_length=200)
    ends_on: date | None = None
    resources: str = _text()
    # The "Outcome/Measure" column, with the measure's baseline and target in words.
    measures: str = _text()
    baseline: str = Field(default="", max_length=200)
    target: str = Field(default="", max_length=200)
    # The key of the counted measure (store/measures.py MEASURES) this action is tracked by.
    measure_key: str = Field(default="", max_length=64)
    retired_at: datetime | None = None


class PlanUpdate(Tracked, table=True):
    __tablename__ = "plan_updates"
    __table_args__ = (
        UniqueConstraint("action_id", "quarter", name="uq_plan_updates_quarter"),
        CheckConstraint(f"status IN {PLAN_STATUSES}", name="ck_plan_updates_status"),
    )

    action_id: int = Field(foreign_key="plan_actions.id", ondelete="CASCADE")
    quarter: str = Field(max_length=16)
    status: str = Field(max_length=16)
    text: str = _text()


class Draft(Tracked, table=True):
    """What a user was typing in a form, kept so a dropped connection loses nothing."""

    __tablename__ = "drafts"
    # Keystrokes in progress are not an audited change; the record they become is.
    __audited__ = False
    __table_args__ = (UniqueConstraint("login", "key", name="uq_drafts_login_key"),)

    login: str = Field(max_length=64)
    key: str = Field(max_length=200)
    fields: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class RetentionReview(Tracked, table=True):
    """A decision on a case closed longer than the retention period: retain (why) or delete.

    Holds the reference, not personal data, so it survives the deletion it records.
    """

    __tablename__ = "retention_reviews"
    __table_args__ = (
        CheckConstraint("decision IN ('retain', 'delete')", name="ck_retention_decision"),
        Index("ix_retention_case", "case_id"),
    )

    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")
    case_reference: str = Field(max_length=32)
    decision: str = Field(max_length=8)
    reason: str = _text()
    decided_on: date
    retain_until: date | None = None


class Counter(SQLModel, table=True):
    """The last number handed out in a series (``case-ref:26``): allocated under a row
    lock, so two people adding at once never get the same one, and never handed out
    again, even after the record that had it is erased."""

    __tablename__ = "counters"

    name: str = Field(primary_key=True, max_length=64)
    value: int = Field(default=0, nullable=False)


class AuditEntry(SQLModel, table=True):
    """Append-only: database triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_at", "at"),
        Index("ix_audit_login_at", "login", "at"),
        Index("ix_audit_case_at", "case_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    login: str = Field(max_length=64)
    operation: str = Field(max_length=16)
    table_name: str = Field(default="", max_length=32)
    record_id: int | None = None
    case_id: int | None = None
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
