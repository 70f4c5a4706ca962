"""What the agenda runner shows, read in one go: the meeting, its items and
notes, the attendance, the action log under review, and each case's subject.

Plain values detached from the session, so a screen can show them from any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.store import drafts, meetings
from jagtui.store.actions import ActionRow, open_case_refs
from jagtui.store.agenda import items, previous_meeting, proposed_next_meeting, review_actions
from jagtui.store.casefile import CaseFile, Party, case_file
from jagtui.store.caselist import case_rows
from jagtui.store.models import (
    Attendance, CaseParty, ItemNote, Location, Meeting, MeetingItem, Person,
)


@dataclass(frozen=True)
class Subject:
    name: str
    is_person: bool


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    items: tuple[MeetingItem, ...]
    notes: dict[int, tuple[ItemNote, ...]]
    attendance: tuple[Attendance, ...]
    review: tuple[ActionRow, ...]
    subjects: dict[int, Subject]
    previous: Meeting | None
    next_on: date
    open_case_refs: dict[str, int]

    def reviewed(self, row: ActionRow) -> bool:
        """Reviewed at this meeting: its latest update was given here."""
        update = row.latest_update
        return update is not None and update.meeting_id == self.meeting.id


def meeting_view(session: Session, cfg: Config, today: date, meeting_id: int) -> MeetingView:
    meeting = meetings.get_meeting(session, meeting_id)
    agenda = tuple(items(session, meeting_id))
    case_ids = [item.case_id for item in agenda if item.case_id is not None]
    subjects = {row.id: Subject(row.subject, row.subject_is_person)
                for row in case_rows(session, cfg, today, status=None, case_ids=case_ids)} \
        if case_ids else {}
    found = meetings.notes(session, [item.id for item in agenda])
    return MeetingView(
        meeting=meeting,
        items=agenda,
        notes={item_id: tuple(n) for item_id, n in found.items()},
        attendance=tuple(session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id)
                                         .order_by(Attendance.id))),
        review=tuple(review_actions(session, cfg, meeting.subgroup, meeting.id)),
        subjects=subjects,
        previous=previous_meeting(session, meeting.subgroup, meeting.held_on),
        next_on=meeting.next_meeting_on or proposed_next_meeting(session, cfg, meeting.subgroup,
                                                                 meeting.held_on),
        open_case_refs=open_case_refs(session),
    )


def note_draft_key(item: MeetingItem) -> str:
    return f"meeting:{item.meeting_id}:item:{item.id}:note"


@dataclass(frozen=True)
class ItemView:
    item_id: int
    file: CaseFile | None
    draft: str


def item_view(session: Session, cfg: Config, today: date, item: MeetingItem,
              next_on: date) -> ItemView:
    """The case file of a case item and the note being typed under the item."""
    file = case_file(session, cfg, today, item.case_id, next_on) if item.case_id else None
    saved = drafts.load(session, note_draft_key(item)) or {}
    return ItemView(item.id, file, str(saved.get("note_draft", "")))


def keep_note_draft(session: Session, item: MeetingItem, text: str) -> None:
    """The note typed under an item so far (an empty box discards it)."""
    if text.strip():
        drafts.save(session, note_draft_key(item), {"note_draft": text})
    else:
        drafts.discard(session, note_draft_key(item))


def typed_notes(session: Session, meeting_id: int) -> list[tuple[int, str]]:
    """(item number, text) of each point this user typed under an item of the meeting
    and never added: what ending the meeting now would leave out of the minutes."""
    found = []
    for item in items(session, meeting_id):
        text = str((drafts.load(session, note_draft_key(item)) or {}).get("note_draft", ""))
        if text.strip():
            found.append((item.number, text))
    return found


def meeting_parties(session: Session, meeting_id: int) -> tuple[Party, ...]:
    """Everyone and everywhere linked to the meeting's cases: what privacy mode masks."""
    rows = session.execute(
        select(CaseParty, Person, Location)
        .join(MeetingItem, MeetingItem.case_id == CaseParty.case_id)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(MeetingItem.meeting_id == meeting_id)
    )
    found = []
    for link, person, place in rows:
        subject = person or place
        found.append(Party(
            link_id=link.id, role=link.role, primary=link.primary, person_id=link.person_id,
            location_id=link.location_id, name=subject.name, address=subject.address,
            postcode=subject.postcode, locality=place.locality if place else "", beat=subject.beat,
            date_of_birth=person.date_of_birth if person else None,
            vulnerabilities=person.vulnerabilities if person else "",
        ))
    return tuple(found)
