"""Where a meeting is: the item it was left at (to resume there) and the group's
meeting already held or started on a day (before a second one is started).

The place is kept when the chair leaves the running meeting. If the session ended
without leaving (a dropped connection), the latest thing recorded in the meeting
says where it was: a note, an action raised, an action-log update, a case opened.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store import drafts
from jagtui.store.agenda import items
from jagtui.store.models import (
    Action, ActionUpdate, AuditEntry, Draft, ItemNote, Meeting, MeetingItem, utcnow,
)


def place_key(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:place"


def keep_place(session: Session, meeting_id: int, item_id: int) -> None:
    """The chair left the meeting at this item (the time makes each leaving a change)."""
    drafts.save(session, place_key(meeting_id), {"item_id": item_id, "at": utcnow().isoformat()})


def _utc(moment: datetime | None) -> datetime | None:
    """Comparable times: SQLite hands back naive UTC, PostgreSQL aware."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _latest_activity(session: Session, meeting: Meeting, agenda: list[MeetingItem]) -> list[tuple]:
    """(when, item id) of the latest note, action raised, action update and case opened."""
    found = []
    note = session.execute(
        select(ItemNote.created_at, ItemNote.item_id).join(MeetingItem, MeetingItem.id == ItemNote.item_id)
        .where(MeetingItem.meeting_id == meeting.id)
        .order_by(ItemNote.created_at.desc(), ItemNote.id.desc()).limit(1)).first()
    raised = session.execute(
        select(Action.created_at, Action.item_id)
        .where(Action.meeting_id == meeting.id, Action.item_id.is_not(None))
        .order_by(Action.created_at.desc(), Action.id.desc()).limit(1)).first()
    found += [tuple(row) for row in (note, raised) if row is not None]
    log_item = next((item.id for item in agenda if item.kind == "actions"), None)
    if log_item is not None:
        updated = session.scalar(select(ActionUpdate.created_at).where(ActionUpdate.meeting_id == meeting.id)
                                 .order_by(ActionUpdate.created_at.desc()).limit(1))
        if updated is not None:
            found.append((updated, log_item))
    by_case = {item.case_id: item.id for item in agenda if item.case_id is not None}
    if by_case and meeting.confidentiality_ack_at is not None:
        # Opening a case item is audited with the meeting; the case view outside it is not ours.
        for at, case_id, detail in session.execute(
            select(AuditEntry.at, AuditEntry.case_id, AuditEntry.detail)
            .where(AuditEntry.operation == "view", AuditEntry.table_name == "cases",
                   AuditEntry.case_id.in_(list(by_case)))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(20)
        ):
            if (detail or {}).get("meeting_id") == meeting.id:
                found.append((at, by_case[case_id]))
                break
    return found


def left_at(session: Session, meeting_id: int) -> int:
    """The index in the running order of the item the meeting was left at (0: the start)."""
    meeting = session.get(Meeting, meeting_id)
    agenda = items(session, meeting_id)
    if meeting is None or not agenda:
        return 0
    found = _latest_activity(session, meeting, agenda)
    kept = session.scalar(select(Draft).where(Draft.login == session.info.get("login", ""),
                                              Draft.key == place_key(meeting_id)))
    if kept is not None and isinstance(kept.fields.get("item_id"), int):
        found.append((kept.updated_at, kept.fields["item_id"]))
    ids = [item.id for item in agenda]
    found = [(_utc(at), item_id) for at, item_id in found if item_id in ids and at is not None]
    if not found:
        return 0
    return ids.index(max(found, key=lambda pair: pair[0])[1])


def held_that_day(session: Session, subgroup: str, day: date) -> Meeting | None:
    """The group's meeting on ``day`` already started or held (the latest), if any."""
    return session.scalar(
        select(Meeting).where(Meeting.subgroup == subgroup, Meeting.held_on == day,
                              Meeting.status != "planned")
        .order_by(Meeting.id.desc()).limit(1))
