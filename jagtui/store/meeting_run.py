"""Running a meeting: start, attendance, the confidentiality statement, notes,
the end with a summary of what changed, and amendments to final minutes.

Final minutes are read-only: notes, items and attendance refuse changes, and a
correction is recorded as an :class:`Amendment` (who and when from its stamp).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.store import audit, meetings
from jagtui.store.actions import ActionRow, action_rows
from jagtui.store.agenda import (
    CASE_KINDS, build_agenda, items, next_meeting_title, proposed_next_meeting, save_agenda,
)
from jagtui.store.errors import Invalid
from jagtui.store.meetings import changeable_meeting
from jagtui.store.minutes import reviewed_log
from jagtui.store.models import (
    Action, ActionUpdate, Amendment, Attendance, AuditEntry, Case, Draft, ItemNote, Meeting,
    MeetingItem, Person, User, utcnow,
)
from jagtui.store.records import edit, fetch, one_of, require
from jagtui.store.text_search import contains

NOT_ACKNOWLEDGED = "Acknowledge the confidentiality statement before any case is opened"


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str = ""


def directory(session: Session, cfg: Config, search: str = "", limit: int = 50) -> list[Attendee]:
    """People to pick from: everyone who has attended before and every active user,
    matching ``search`` in the name or organisation, by name, each once."""
    def matching(name_col, org_col):
        return contains(search, name_col, org_col)

    found: dict[tuple[str, str], Attendee] = {}
    for name, organisation in session.execute(
        select(Attendance.name, Attendance.organisation)
        .where(matching(Attendance.name, Attendance.organisation))
        .group_by(Attendance.name, Attendance.organisation).limit(limit * 4)
    ):
        found.setdefault((name.casefold(), organisation.casefold()), Attendee(name, organisation))
    for name, agency in session.execute(
        select(User.display_name, User.agency).where(User.active)
    ):
        person = Attendee(name, cfg.agency_name(agency) if agency else "")
        text = f"{person.name}\n{person.organisation}".lower()
        if search.strip().lower() in text:
            found.setdefault((name.casefold(), person.organisation.casefold()), person)
    return sorted(found.values(), key=lambda a: (a.name.casefold(), a.organisation.casefold()))[:limit]


def _attendance_rows(chair: Attendee, present: Iterable[Attendee], apologies: Iterable[Attendee],
                     minutes: Iterable[Attendee]) -> list[tuple[Attendee, str]]:
    rows = [(chair, "present")]
    rows += [(a, "present") for a in present if a.name.strip().casefold() != chair.name.strip().casefold()]
    rows += [(a, "minutes") for a in minutes] + [(a, "apology") for a in apologies]
    seen: set[str] = set()
    for attendee, _kind in rows:
        key = require(attendee.name, "A name").casefold()
        if key in seen:
            raise Invalid(f"{attendee.name.strip()} is listed twice: once is enough")
        seen.add(key)
    return rows


def start_meeting(
    session: Session,
    cfg: Config,
    *,
    subgroup: str,
    held_on: date,
    chair: Attendee,
    present: Iterable[Attendee] = (),
    apologies: Iterable[Attendee] = (),
    minutes: Iterable[Attendee] = (),
    starts_at: str = "",
    place: str = "",
) -> Meeting:
    """Open the meeting (a planned one for that group and day is used), record who
    is here and who sent apologies, and keep the running order built from the data.
    The chair is listed first among those present."""
    one_of(subgroup, [group.key for group in cfg.subgroups], "Subgroup")
    require(chair.name, "A chair")
    rows = _attendance_rows(chair, present, apologies, minutes)
    same_day = list(session.scalars(select(Meeting).where(
        Meeting.subgroup == subgroup, Meeting.held_on == held_on, Meeting.status != "final")))
    if any(m.status == "in progress" for m in same_day):
        raise Invalid(f"A {subgroup} meeting on that day is already in progress: resume it instead")
    meeting = same_day[0] if same_day else meetings.create_meeting(
        session, held_on=held_on, subgroup=subgroup)
    meeting.chair = chair.name.strip()
    meeting.starts_at = starts_at or meeting.starts_at or cfg.meetings.default_start
    meeting.place = place or meeting.place or cfg.meetings.default_place
    meeting.status = "in progress"
    session.flush()
    for attendee, kind in rows:
        meetings.add_attendee(session, meeting.id, attendee.name.strip(),
                              attendee.organisation.strip(), kind)
    save_agenda(session, meeting.id, build_agenda(session, cfg, held_on, subgroup, meeting.id))
    return meeting


def in_review_order(rows: Iterable[ActionRow], order: Iterable[int]) -> tuple[ActionRow, ...]:
    """The action log in the order it was first shown (``order``, action ids), any
    new ones after: a carried-forward action keeps its place instead of jumping to
    its new date, so the chair's place in the table holds throughout the meeting."""
    place = {action_id: n for n, action_id in enumerate(order)}
    rows = list(rows)
    return tuple(sorted(rows, key=lambda row: place.get(row.action.id, len(place))))


def in_progress(session: Session) -> list[Meeting]:
    """Meetings started and not yet ended, latest first."""
    return list(session.scalars(select(Meeting).where(Meeting.status == "in progress")
                                .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def add_attendance(session: Session, meeting_id: int, attendee: Attendee,
                   kind: str = "present") -> Attendance:
    """Someone arriving late, or an apology received on the day."""
    changeable_meeting(session, meeting_id)
    name = require(attendee.name, "A name")
    listed = meetings.listed(session, meeting_id, name)
    if listed is not None and not (kind == "present" and listed.kind == "apology"):
        raise Invalid(f"{name} is already on the attendance list")
    if kind == "present":  # arriving late: moved from the apologies if they sent them
        return meetings.arrived(session, meeting_id, name, attendee.organisation.strip())
    return meetings.add_attendee(session, meeting_id, name, attendee.organisation.strip(), kind)


def remove_attendance(session: Session, attendance_id: int) -> None:
    row = fetch(session, Attendance, attendance_id, "attendance entry")
    changeable_meeting(session, row.meeting_id)
    session.delete(row)
    session.flush()


def acknowledge(session: Session, meeting_id: int, at: datetime | None = None) -> Meeting:
    """The chair read the confidentiality statement and the room accepted it (once)."""
    meeting = changeable_meeting(session, meeting_id)
    if meeting.confidentiality_ack_at is None:
        meeting.confidentiality_ack_at = at or utcnow()
        meeting.status = "in progress"
        session.flush()
    return meeting


def item_in_session(session: Session, item_id: int) -> tuple[Meeting, MeetingItem]:
    """The item and its meeting, when something may be recorded under it now."""
    item = fetch(session, MeetingItem, item_id, "meeting item")
    meeting = changeable_meeting(session, item.meeting_id)
    if meeting.status != "in progress":
        raise Invalid("Start the meeting before recording anything in it")
    if (item.kind in CASE_KINDS or item.case_id is not None) and meeting.confidentiality_ack_at is None:
        raise Invalid(NOT_ACKNOWLEDGED)
    return meeting, item


def open_item(session: Session, item_id: int) -> MeetingItem:
    """Bring an item up in the meeting; a case item is a case opened (audited)."""
    item = fetch(session, MeetingItem, item_id, "meeting item")
    meeting = fetch(session, Meeting, item.meeting_id, "meeting")
    if item.case_id is not None:
        if meeting.confidentiality_ack_at is None:
            raise Invalid(NOT_ACKNOWLEDGED)
        audit.record(session, "view", table_name="cases", record_id=item.case_id,
                     case_id=item.case_id, meeting_id=meeting.id, item=item.number)
    return item


def record_note(session: Session, item_id: int, text: str, kind: str = "point") -> ItemNote:
    """A numbered discussion point, or an AGREED decision, saved as it is entered."""
    item_in_session(session, item_id)
    return meetings.add_note(session, item_id, text, kind)


def edit_note(session: Session, note_id: int, expected_version: int | None, text: str) -> ItemNote:
    note = fetch(session, ItemNote, note_id, "note", lock=True)
    item_in_session(session, note.item_id)
    return edit(session, note, {"text": require(text, "The note")}, expected_version)


def set_next_meeting(session: Session, meeting_id: int, on: date) -> Meeting:
    """Agree the date of the next meeting; the agenda item's title follows it."""
    meeting = changeable_meeting(session, meeting_id)
    if on <= meeting.held_on:
        raise Invalid("The next meeting must be after this one")
    meeting.next_meeting_on = on
    for item in items(session, meeting_id):
        if item.kind == "next meeting":
            item.title = next_meeting_title(on)
    session.flush()
    return meeting


def end_meeting(session: Session, cfg: Config, meeting_id: int, next_meeting_on: date | None = None,
                at: datetime | None = None) -> Meeting:
    """Close the meeting: the minutes become final and the next meeting is planned."""
    meeting = changeable_meeting(session, meeting_id)
    if meeting.status != "in progress" or meeting.confidentiality_ack_at is None:
        raise Invalid("Only a started meeting whose confidentiality statement was acknowledged can end")
    if next_meeting_on is not None:
        set_next_meeting(session, meeting_id, next_meeting_on)
    next_on = meeting.next_meeting_on or proposed_next_meeting(session, cfg, meeting.subgroup,
                                                               meeting.held_on)
    meeting.next_meeting_on = next_on
    meeting.status = "final"
    meeting.ended_at = at or utcnow()
    scheduled = session.scalar(select(Meeting.id).where(Meeting.subgroup == meeting.subgroup,
                                                        Meeting.held_on == next_on))
    if scheduled is None:
        session.add(Meeting(held_on=next_on, subgroup=meeting.subgroup, chair=meeting.chair,
                            starts_at=meeting.starts_at, place=meeting.place, status="planned"))
    # Points typed under its items and never added can no longer be: not kept, as
    # personal data with no purpose left (everyone's, not only the chair's).
    session.execute(delete(Draft).where(Draft.key.like(f"meeting:{meeting_id}:item:%")))
    session.flush()
    return meeting


def add_amendment(session: Session, meeting_id: int, text: str) -> Amendment:
    """A correction to final minutes, kept beside them (who and when from the stamp)."""
    meeting = fetch(session, Meeting, meeting_id, "meeting")
    if meeting.status != "final":
        raise Invalid("The minutes are not final yet: change the notes themselves")
    amendment = Amendment(meeting_id=meeting_id, text=require(text, "The amendment"))
    session.add(amendment)
    session.flush()
    return amendment


def amendments(session: Session, meeting_id: int) -> list[Amendment]:
    return list(session.scalars(select(Amendment).where(Amendment.meeting_id == meeting_id)
                                .order_by(Amendment.created_at, Amendment.id)))


# --- what changed ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    item_number: int
    text: str


@dataclass(frozen=True)
class Reviewed:
    ref: str
    action: str
    status: str
    update: str


@dataclass(frozen=True)
class CaseChange:
    reference: str
    what: str        # "rag", "closure", "intervention", "risk review"
    detail: str


@dataclass(frozen=True)
class MeetingSummary:
    meeting: Meeting
    item_count: int
    points: int
    decisions: tuple[Decision, ...]
    new_actions: tuple[ActionRow, ...]
    reviewed: tuple[Reviewed, ...]
    case_changes: tuple[CaseChange, ...]
    # The action log as the minutes list it: (status, how many), most first.
    log_statuses: tuple[tuple[str, int], ...] = ()

    @property
    def log_count(self) -> int:
        return sum(n for _status, n in self.log_statuses)

    def changes(self, what: str) -> list[CaseChange]:
        return [change for change in self.case_changes if change.what == what]


def _case_changes(session: Session, cfg: Config, meeting: Meeting, case_refs: dict[int, str]) -> list[CaseChange]:
    """RAG changes, closures, interventions and risk reviews on the meeting's cases,
    read from the audit trail between the statement and the end of the meeting."""
    start = meeting.confidentiality_ack_at
    if start is None or not case_refs:
        return []
    query = (select(AuditEntry)
             .where(AuditEntry.case_id.in_(list(case_refs)), AuditEntry.at >= start,
                    AuditEntry.table_name.in_(("cases", "interventions", "risk_assessments")),
                    AuditEntry.operation.in_(("create", "update")))
             .order_by(AuditEntry.id))
    if meeting.ended_at is not None:
        query = query.where(AuditEntry.at <= meeting.ended_at)
    steps = {step.key: step.name for step in cfg.ladder}
    found = []
    for entry in session.scalars(query):
        ref, detail = case_refs[entry.case_id], entry.detail
        if entry.table_name == "cases" and entry.operation == "update":
            if "rag" in detail:
                change = detail["rag"]
                found.append(CaseChange(ref, "rag", f"RAG {change['before'] or '-'} to {change['after']}"))
            if detail.get("status", {}).get("after") == "closed":
                reason = detail.get("closure_reason", {}).get("after") or ""
                found.append(CaseChange(ref, "closure", f"Closed: {reason}".rstrip(": ")))
        elif entry.table_name == "interventions" and entry.operation == "create":
            after = detail.get("after", {})
            person = session.get(Person, after["person_id"]) if after.get("person_id") else None
            to = f" to {person.name}" if person is not None else ""
            found.append(CaseChange(ref, "intervention", f"{steps.get(after.get('step'), after.get('step'))}"
                                    f"{to} ({cfg.agency_name(after.get('issuing_agency'))})"))
        elif entry.table_name == "risk_assessments" and entry.operation == "create":
            after = detail.get("after", {})
            found.append(CaseChange(ref, "risk review", f"Risk {after.get('level')}"))
    return found


def summary(session: Session, cfg: Config, meeting_id: int) -> MeetingSummary:
    """What the meeting did: decisions, new actions, actions reviewed, and changes to its cases."""
    meeting = fetch(session, Meeting, meeting_id, "meeting")
    agenda = items(session, meeting_id)
    numbers = {item.id: item.number for item in agenda}
    notes = [note for item_notes in meetings.notes(session, list(numbers)).values()
             for note in item_notes]
    decisions = sorted((Decision(numbers[n.item_id], n.text) for n in notes if n.kind == "agreed"),
                       key=lambda d: d.item_number)
    reviewed = [
        Reviewed(action.ref, action.text, update.status, update.text)
        for update, action in session.execute(
            select(ActionUpdate, Action).join(Action, Action.id == ActionUpdate.action_id)
            .where(ActionUpdate.meeting_id == meeting_id).order_by(ActionUpdate.id))
    ]
    case_ids = [item.case_id for item in agenda if item.case_id is not None]
    refs = dict(session.execute(select(Case.id, Case.reference)
                                .where(Case.id.in_(case_ids))).all()) if case_ids else {}
    return MeetingSummary(
        meeting=meeting,
        item_count=len(agenda),
        points=sum(1 for n in notes if n.kind == "point"),
        decisions=tuple(decisions),
        new_actions=tuple(action_rows(session, status=None, meeting_id=meeting_id)),
        reviewed=tuple(reviewed),
        case_changes=tuple(_case_changes(session, cfg, meeting, refs)),
        log_statuses=tuple(Counter(line.status for line in reviewed_log(session, cfg, meeting))
                           .most_common()),
    )
