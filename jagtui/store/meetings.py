"""Meetings: attendance, numbered items, discussion points and AGREED decisions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.rules.dates import next_meeting
from jagtui.store.models import (
    ATTENDANCE_KINDS, ITEM_KINDS, NOTE_KINDS, Attendance, ItemNote, Meeting, MeetingItem,
)
from jagtui.store.errors import Invalid
from jagtui.store.numbering import next_item_number, next_note_number
from jagtui.store.records import edit, fetch, one_of, require


def create_meeting(session: Session, *, held_on: date, subgroup: str, chair: str = "",
                   starts_at: str = "", place: str = "") -> Meeting:
    meeting = Meeting(held_on=held_on, subgroup=require(subgroup, "A subgroup"), chair=chair,
                      starts_at=starts_at, place=place)
    session.add(meeting)
    session.flush()
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    return fetch(session, Meeting, meeting_id, "meeting")


def update_meeting(session: Session, meeting_id: int, expected_version: int | None, **changes) -> Meeting:
    return edit(session, fetch(session, Meeting, meeting_id, "meeting", lock=True), changes,
                expected_version)


def last_meeting_date(session: Session, subgroup: str | None = None, before: date | None = None) -> date | None:
    query = select(func.max(Meeting.held_on))
    if subgroup:
        query = query.where(Meeting.subgroup == subgroup)
    if before:
        query = query.where(Meeting.held_on < before)
    return session.scalar(query)


def list_meetings(session: Session, subgroup: str | None = None) -> list[Meeting]:
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())
    if subgroup:
        query = query.where(Meeting.subgroup == subgroup)
    return list(session.scalars(query))


def add_attendee(session: Session, meeting_id: int, name: str, organisation: str = "",
                 kind: str = "present") -> Attendance:
    changeable_meeting(session, meeting_id)
    row = Attendance(meeting_id=meeting_id, name=" ".join(require(name, "A name").split()),
                     organisation=organisation,
                     kind=one_of(kind, ATTENDANCE_KINDS, "Attendance"))
    session.add(row)
    session.flush()
    return row


def listed(session: Session, meeting_id: int, name: str) -> Attendance | None:
    """The meeting's attendance entry under this name (case and spaces aside), if any."""
    key = _name_key(name)
    return next((row for row in attendance(session, meeting_id) if _name_key(row.name) == key),
                None)


def _name_key(name: str) -> str:
    # "ben  HARROWELL" is Ben Harrowell: spaces as typed and letter case aside.
    return " ".join(name.split()).casefold()


def arrived(session: Session, meeting_id: int, name: str, organisation: str = "") -> Attendance:
    """Someone present after all (arriving late, or joining remotely): added as present.
    Their apology, if they sent one, is replaced by a present entry written now, so the
    minutes move them from the apologies to the present, arriving late. Already present
    (or taking the minutes): that entry, unchanged."""
    changeable_meeting(session, meeting_id)
    row = listed(session, meeting_id, name)
    if row is not None and row.kind != "apology":
        return row
    if row is not None:
        # Locked and deleted at the version read: a change since is a Conflict, not lost.
        apology = fetch(session, Attendance, row.id, "attendance entry", lock=True)
        name, organisation = apology.name, organisation or apology.organisation
        session.delete(apology)
        session.flush()
    return add_attendee(session, meeting_id, name, organisation, "present")


def attendance(session: Session, meeting_id: int) -> list[Attendance]:
    return list(session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting_id).order_by(Attendance.id)
    ))


def changeable_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting, unless its minutes are final (they are then read-only)."""
    meeting = fetch(session, Meeting, meeting_id, "meeting")
    if meeting.status == "final":
        raise Invalid("These minutes are final: record a correction as an amendment")
    return meeting


def add_item(session: Session, meeting_id: int, kind: str, title: str,
             case_id: int | None = None, number: int | None = None) -> MeetingItem:
    """Append an item (numbered after the last unless ``number`` is given)."""
    changeable_meeting(session, meeting_id)
    if number is None:
        number = next_item_number(session, meeting_id)
    item = MeetingItem(meeting_id=meeting_id, number=number, kind=one_of(kind, ITEM_KINDS, "Item kind"),
                       title=require(title, "A title"), case_id=case_id)
    session.add(item)
    session.flush()
    return item


def items(session: Session, meeting_id: int) -> list[MeetingItem]:
    return list(session.scalars(
        select(MeetingItem).where(MeetingItem.meeting_id == meeting_id).order_by(MeetingItem.number)
    ))


def add_note(session: Session, item_id: int, text: str, kind: str = "point") -> ItemNote:
    """A numbered discussion point, or an AGREED decision (``kind="agreed"``)."""
    changeable_meeting(session, fetch(session, MeetingItem, item_id, "meeting item").meeting_id)
    note = ItemNote(item_id=item_id, number=next_note_number(session, item_id),
                    kind=one_of(kind, NOTE_KINDS, "Note kind"),
                    text=require(text, "The note"))
    session.add(note)
    session.flush()
    return note


def notes(session: Session, item_ids: list[int]) -> dict[int, list[ItemNote]]:
    found: dict[int, list[ItemNote]] = {item_id: [] for item_id in item_ids}
    if item_ids:
        for note in session.scalars(
            select(ItemNote).where(ItemNote.item_id.in_(item_ids))
            .order_by(ItemNote.item_id, ItemNote.number)
        ):
            found[note.item_id].append(note)
    return found


def case_history(session: Session, case_id: int) -> list[tuple[Meeting, MeetingItem, list[ItemNote]]]:
    """Every meeting item about this case with its notes and decisions, newest first."""
    rows = list(session.execute(
        select(Meeting, MeetingItem).join(MeetingItem, MeetingItem.meeting_id == Meeting.id)
        .where(MeetingItem.case_id == case_id)
        .order_by(Meeting.held_on.desc(), MeetingItem.number)
    ))
    by_item = notes(session, [item.id for _, item in rows])
    return [(meeting, item, by_item[item.id]) for meeting, item in rows]


def next_meeting_on(session: Session, cadence_weeks: int, today: date, subgroup: str | None = None) -> date:
    """The group's next meeting after ``today`` (:func:`jagtui.rules.dates.next_meeting`), from
    one query: the earliest planned meeting after today, and the latest meeting held or
    started by today with the date it agreed for the next.

    ``today`` is the day the date is asked on (in a meeting, the meeting's date);
    ``subgroup`` None means any group's meetings.
    """
    def of_group(query):
        return query.where(Meeting.subgroup == subgroup) if subgroup else query

    latest = of_group(select(Meeting.held_on).where(Meeting.status != "planned", Meeting.held_on <= today)
                      .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1))
    planned, last_held, agreed = session.execute(select(
        of_group(select(func.min(Meeting.held_on))
                 .where(Meeting.status == "planned", Meeting.held_on > today)).scalar_subquery(),
        latest.scalar_subquery(),
        latest.with_only_columns(Meeting.next_meeting_on).scalar_subquery(),
    )).one()
    return next_meeting(today, cadence_weeks, last_held=last_held, scheduled=(planned, agreed))
