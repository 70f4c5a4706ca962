"""The tables of partners' work between meetings: what the chair accepted into the
minutes, and agency and subgroup update reports written for a meeting.

Kept beside ``models.py`` (as ``referral_tables`` is); ``jagtui.store.db`` and the
Alembic environment import it, so the schema is whole wherever the store is used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from jagtui.store.models import Tracked, _text

REPORT_KINDS = ("agency", "subgroup")
# The report template's sections (the police report in ../shared/seeds), in its order.
REPORT_SECTIONS = ("summary", "recommendations", "priorities", "risks", "next_quarter", "gaps")


class AcceptedUpdate(Tracked, table=True):
    """A partner's action update (written outside a meeting) the chair accepted into
    a meeting's minutes: unique, so it is never offered or minuted twice."""

    __tablename__ = "accepted_updates"
    __table_args__ = (
        Index("ix_accepted_updates_update", "update_id", unique=True),
        Index("ix_accepted_updates_meeting", "meeting_id"),
    )

    update_id: int = Field(foreign_key="action_updates.id", ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE")
    # The update the meeting minuted ("Update from <agency> (<name>, <date>): ...").
    minuted_id: int | None = Field(default=None, foreign_key="action_updates.id",
                                   ondelete="SET NULL")


class PartnerReport(Tracked, table=True):
    """A partner agency's update, or a subgroup chair's summary, for one meeting, in the
    sections of the partnership's reporting template. One per agency (or subgroup) and
    meeting: writing it again edits it (version-checked)."""

    __tablename__ = "partner_reports"
    __table_args__ = (
        CheckConstraint(f"kind IN {REPORT_KINDS}", name="ck_partner_reports_kind"),
        Index("ix_partner_reports_meeting", "meeting_id", "kind", "source", unique=True),
    )

    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    # The agency key (kind agency) or the subgroup key (kind subgroup) it reports for.
    source: str = Field(max_length=64)
    author: str = Field(max_length=200)  # the writer's name as registered
    title: str = Field(default="", max_length=200)
    summary: str = _text()
    recommendations: str = _text()
    priorities: str = _text()
    risks: str = _text()
    next_quarter: str = _text()
    gaps: str = _text()
    # Accepted into the minutes: the item it was minuted under, and when.
    accepted_item_id: int | None = Field(default=None, foreign_key="meeting_items.id",
                                         ondelete="SET NULL")
    accepted_at: datetime | None = None
