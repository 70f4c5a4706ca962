"""The table of what remote followers of a meeting send the chair.

A follower (``jagtui follow``) sends their agency's update or a correction to the
item being discussed, and is offered as present when they join. Each waits for
the chair, who accepts it (minuted with who said it, or the attendance recorded)
or declines it (the follower sees that). Kept beside ``models.py`` (as
``referral_tables`` is); ``jagtui.store.db`` and the Alembic environment import it.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from jagtui.store.models import Tracked, _text

MESSAGE_KINDS = ("update", "correction", "present")
MESSAGE_STATUSES = ("waiting", "accepted", "declined")


class FollowMessage(Tracked, table=True):
    """One thing a follower sent: who (login, name, agency), about which item, and
    where it stands. Who decided and when are the row's stamp (and the audit trail)."""

    __tablename__ = "follow_messages"
    __table_args__ = (
        CheckConstraint(f"kind IN {MESSAGE_KINDS}", name="ck_follow_messages_kind"),
        CheckConstraint(f"status IN {MESSAGE_STATUSES}", name="ck_follow_messages_status"),
        Index("ix_follow_messages_meeting", "meeting_id", "status"),
    )

    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE")
    item_id: int | None = Field(default=None, foreign_key="meeting_items.id", ondelete="SET NULL")
    kind: str = Field(max_length=16)
    text: str = _text()
    sender: str = Field(max_length=64)  # the login that sent it
    sender_name: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    status: str = Field(default="waiting", max_length=16)
    # The discussion point it became, once accepted (an update or a correction).
    note_id: int | None = Field(default=None, foreign_key="item_notes.id", ondelete="SET NULL")
