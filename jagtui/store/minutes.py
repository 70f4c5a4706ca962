"""Everything the minutes of one meeting say, read in a handful of queries.

:func:`minutes_data` returns plain frozen dataclasses (no ORM objects), so an
export can render them after the session has closed. It includes the parties
of every case the minutes mention (names, addresses, dates of birth), because
the redacted export has to know exactly what to remove.

The action log is the one the meeting saw: its own group's actions (as the
agenda chose them, :func:`jagtui.store.action_groups.belongs_to`) raised before the
meeting that were still open when it started, and those a partner updated since
the group's last meeting (the runner's log shows them, done or not:
:func:`jagtui.store.partner_work.pending_action_ids`), each with the update given
at the meeting (or, failing that, the latest update by the meeting day). Another
group's actions never appear: they are not this group's to circulate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Row, func, or_, select, union
from sqlmodel import Session

from jagtui.config import Config
from jagtui.store.action_groups import belongs_to
from jagtui.store.models import (
    Action, ActionUpdate, Amendment, Attendance, Case, CaseParty, ItemNote, Location, Meeting,
    MeetingItem, Person,
)
from jagtui.store.partner_work import pending_action_ids
from jagtui.store.records import fetch
from jagtui.store.referrals import ReferralRow, made_at_meeting
from jagtui.store.user_names import display_names


@dataclass(frozen=True)
class MeetingInfo:
    id: int
    held_on: date
    starts_at: str
    place: str
    subgroup: str
    chair: str
    status: str
    confidentiality_ack_at: datetime | None
    ended_at: datetime | None

    @property
    def final(self) -> bool:
        return self.status == "final"


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str
    # When someone was added as present after the meeting had begun: arrived late.
    arrived_at: datetime | None = None


@dataclass(frozen=True)
class Note:
    number: int
    kind: str  # "point" or "agreed"
    text: str


@dataclass(frozen=True)
class PersonParty:
    """A person linked to a case: who the redacted minutes must not name."""

    person_id: int
    role: str
    primary: bool
    name: str
    date_of_birth: date | None
    address: str
    postcode: str
    beat: str
    phone: str


@dataclass(frozen=True)
class PlaceParty:
    location_id: int
    role: str
    primary: bool
    name: str
    address: str
    postcode: str
    beat: str
    locality: str


@dataclass(frozen=True)
class CaseInfo:
    id: int
    reference: str
    case_type: str
    title: str
    subgroup: str
    lead_agency: str
    lead_officer: str
    priority: str
    beat: str
    status: str
    rag: str
    opened_on: date
    closed_on: date | None
    closure_reason: str
    people: tuple[PersonParty, ...] = ()
    places: tuple[PlaceParty, ...] = ()


@dataclass(frozen=True)
class ItemInfo:
    id: int
    number: int
    kind: str
    title: str
    case_id: int | None
    notes: tuple[Note, ...]

    @property
    def points(self) -> tuple[Note, ...]:
        return tuple(note for note in self.notes if note.kind == "point")

    @property
    def decisions(self) -> tuple[Note, ...]:
        return tuple(note for note in self.notes if note.kind == "agreed")


@dataclass(frozen=True)
class ActionLine:
    id: int
    ref: str
    text: str
    owner: str
    owner_agency: str
    due_on: date | None
    status: str  # as shown in these minutes: the status after the update shown
    case_id: int | None
    case_reference: str
    item_id: int | None
    update_text: str
    update_on: date | None


@dataclass(frozen=True)
class AmendmentInfo:
    text: str
    by: str
    at: datetime


@dataclass(frozen=True)
class MinutesData:
    meeting: MeetingInfo
    present: tuple[Attendee, ...]
    apologies: tuple[Attendee, ...]
    minute_takers: tuple[Attendee, ...]
    items: tuple[ItemInfo, ...]
    actions_raised: tuple[ActionLine, ...]
    action_log: tuple[ActionLine, ...]
    amendments: tuple[AmendmentInfo, ...]
    cases: tuple[CaseInfo, ...]
    next_meeting_on: date | None
    _by_id: dict[int, CaseInfo] = field(default_factory=dict, repr=False, compare=False)
    # Referrals out made in the meeting (its case items), oldest first.
    referrals: tuple[ReferralRow, ...] = ()

    def case(self, case_id: int | None) -> CaseInfo | None:
        return self._by_id.get(case_id) if case_id is not None else None


def _naive_utc(at: datetime | None) -> datetime | None:
    """A stored timestamp as naive UTC (SQLite gives naive, a driver may give aware)."""
    if at is None or at.tzinfo is None:
        return at
    return at.astimezone(timezone.utc).replace(tzinfo=None)


def _attendance(session: Session, meeting: Meeting) -> dict[str, tuple[Attendee, ...]]:
    found: dict[str, list[Attendee]] = defaultdict(list)
    began = _naive_utc(meeting.confidentiality_ack_at)
    # Added while the meeting ran: arrived late. Rows written after it (typed up from
    # paper, imported, the demo) say nothing about when anyone came in.
    until = _naive_utc(meeting.ended_at) or (began + timedelta(hours=12) if began else None)
    for kind, name, organisation, added in session.execute(
        select(Attendance.kind, Attendance.name, Attendance.organisation, Attendance.created_at)
        .where(Attendance.meeting_id == meeting.id).order_by(Attendance.id)
    ):
        late = (kind == "present" and began is not None
                and began < _naive_utc(added) <= until)
        found[kind].append(Attendee(name, organisation, added if late else None))
    return {kind: tuple(people) for kind, people in found.items()}


def _items(session: Session, meeting_id: int) -> tuple[ItemInfo, ...]:
    rows = list(session.execute(
        select(MeetingItem.id, MeetingItem.number, MeetingItem.kind, MeetingItem.title,
               MeetingItem.case_id)
        .where(MeetingItem.meeting_id == meeting_id).order_by(MeetingItem.number, MeetingItem.id)
    ))
    notes: dict[int, list[Note]] = defaultdict(list)
    for item_id, number, kind, text in session.execute(
        select(ItemNote.item_id, ItemNote.number, ItemNote.kind, ItemNote.text)
        .join(MeetingItem, MeetingItem.id == ItemNote.item_id)
        .where(MeetingItem.meeting_id == meeting_id).order_by(ItemNote.item_id, ItemNote.number)
    ):
        notes[item_id].append(Note(number, kind, text))
    return tuple(ItemInfo(item_id, number, kind, title, case_id, tuple(notes[item_id]))
                 for item_id, number, kind, title, case_id in rows)


def _action_lines(session: Session, cfg: Config,
                  meeting: Meeting) -> tuple[list[ActionLine], list[ActionLine]]:
    """Actions raised at the meeting, and the log it reviewed (see the module docstring)."""
    updated_since = select(ActionUpdate.action_id).where(
        or_(ActionUpdate.updated_on >= meeting.held_on, ActionUpdate.meeting_id == meeting.id))
    raised_here = Action.meeting_id == meeting.id
    # Raised outside any meeting, or at an earlier one; and not closed long before.
    raised_before = or_(Action.meeting_id.is_(None),
                        (Meeting.held_on < meeting.held_on)
                        | ((Meeting.held_on == meeting.held_on) & (Meeting.id < meeting.id)))
    # Partners' updates since the last meeting bring their actions to the log the
    # runner showed, even one completed before the meeting: the minutes list it too.
    written = pending_action_ids(session, cfg, meeting.id)
    reviewed = raised_before & or_(Action.status == "open", Action.id.in_(updated_since),
                                   Action.id.in_(written))
    # Every line is raised here, open or updated since: found by index, so SQLite does
    # not test each of the (mostly long closed) actions ever raised.
    candidates = union(select(Action.id).where(raised_here),
                       select(Action.id).where(Action.status == "open"), updated_since,
                       select(Action.id).where(Action.id.in_(written)))
    rows = list(session.execute(
        select(Action.id, Action.ref, Action.text, Action.owner, Action.owner_agency,
               Action.due_on, Action.case_id, Case.reference, Action.item_id, Action.meeting_id)
        .outerjoin(Case, Case.id == Action.case_id)
        .outerjoin(Meeting, Meeting.id == Action.meeting_id)
        .where(Action.id.in_(candidates), or_(raised_here, reviewed),
               belongs_to(cfg, meeting.subgroup))
        .order_by(Meeting.held_on.asc().nulls_last(), Action.id)
    ))
    history: dict[int, list[Row]] = defaultdict(list)
    if rows:
        for update in session.execute(
            select(ActionUpdate.action_id, ActionUpdate.meeting_id, ActionUpdate.updated_on,
                   ActionUpdate.status, ActionUpdate.text)
            .where(ActionUpdate.action_id.in_([row.id for row in rows]),
                   or_(ActionUpdate.updated_on <= meeting.held_on,
                       ActionUpdate.meeting_id == meeting.id))
            .order_by(ActionUpdate.updated_on, ActionUpdate.id)
        ):
            history[update.action_id].append(update)
    raised, log = [], []
    for row in rows:
        updates = history[row.id]
        at_meeting = [u for u in updates if u.meeting_id == meeting.id]
        before = [u for u in updates if u.meeting_id != meeting.id and u.updated_on < meeting.held_on]
        if row.meeting_id != meeting.id and before and before[-1].status != "open" \
                and not at_meeting and row.id not in written:
            continue  # closed before this meeting started (and not reviewed at it)
        shown = at_meeting[-1] if at_meeting else (updates[-1] if updates else None)
        line = ActionLine(
            id=row.id, ref=row.ref, text=row.text, owner=row.owner,
            owner_agency=row.owner_agency, due_on=row.due_on,
            status=shown.status if shown else "open", case_id=row.case_id,
            case_reference=row.reference or "", item_id=row.item_id,
            update_text=shown.text if shown else "", update_on=shown.updated_on if shown else None,
        )
        (raised if row.meeting_id == meeting.id else log).append(line)
    return raised, log


def reviewed_log(session: Session, cfg: Config, meeting: Meeting) -> list[ActionLine]:
    """The action log the meeting reviewed, each action as its minutes show it (the
    End screen counts these: the same actions the minutes and the export list)."""
    return _action_lines(session, cfg, meeting)[1]


def meeting_action_log(session: Session, cfg: Config,
                       meeting_id: int) -> tuple[Meeting, list[ActionLine]]:
    """The action log the meeting reviewed, then the actions it raised, each as its minutes
    show it; :class:`NotFound` if there is no such meeting."""
    meeting = fetch(session, Meeting, meeting_id, "meeting")
    raised, log = _action_lines(session, cfg, meeting)
    return meeting, log + raised


def _cases(session: Session, case_ids: set[int]) -> tuple[CaseInfo, ...]:
    if not case_ids:
        return ()
    people: dict[int, list[PersonParty]] = defaultdict(list)
    places: dict[int, list[PlaceParty]] = defaultdict(list)
    for row in session.execute(
        select(CaseParty.case_id, CaseParty.role, CaseParty.primary,
               Person.id.label("person_id"), Person.name.label("person_name"),
               Person.date_of_birth, Person.address.label("person_address"),
               Person.postcode.label("person_postcode"), Person.beat.label("person_beat"),
               Person.phone,
               Location.id.label("location_id"), Location.name.label("place_name"),
               Location.address.label("place_address"), Location.postcode.label("place_postcode"),
               Location.beat.label("place_beat"), Location.locality)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(CaseParty.case_id.in_(case_ids))
        .order_by(CaseParty.case_id, CaseParty.primary.desc(), CaseParty.id)
    ):
        if row.person_id is not None:
            people[row.case_id].append(PersonParty(
                row.person_id, row.role, row.primary, row.person_name, row.date_of_birth,
                row.person_address, row.person_postcode, row.person_beat, row.phone))
        elif row.location_id is not None:
            places[row.case_id].append(PlaceParty(
                row.location_id, row.role, row.primary, row.place_name, row.place_address,
                row.place_postcode, row.place_beat, row.locality))
    return tuple(
        CaseInfo(*row, people=tuple(people[row.id]), places=tuple(places[row.id]))
        for row in session.execute(
            select(Case.id, Case.reference, Case.case_type, Case.title, Case.subgroup,
                   Case.lead_agency, Case.lead_officer, Case.priority, Case.beat, Case.status,
                   Case.rag, Case.opened_on, Case.closed_on, Case.closure_reason)
            .where(Case.id.in_(case_ids)).order_by(Case.reference))
    )


def _next_meeting(session: Session, meeting: Meeting) -> date | None:
    """The date the meeting set, else the next meeting of its group already in the diary."""
    if meeting.next_meeting_on is not None:
        return meeting.next_meeting_on
    return session.scalar(select(func.min(Meeting.held_on)).where(
        Meeting.subgroup == meeting.subgroup, Meeting.held_on > meeting.held_on))


def minutes_data(session: Session, cfg: Config, meeting_id: int) -> MinutesData:
    """The minutes of one meeting; :class:`NotFound` if there is no such meeting."""
    meeting = fetch(session, Meeting, meeting_id, "meeting")
    attendance = _attendance(session, meeting)
    items = _items(session, meeting_id)
    raised, log = _action_lines(session, cfg, meeting)
    case_ids = {item.case_id for item in items if item.case_id is not None}
    case_ids |= {line.case_id for line in raised + log if line.case_id is not None}
    made = tuple(made_at_meeting(session, cfg, meeting_id))
    case_ids |= {row.case_id for row in made}  # their people are redacted like the agenda's
    cases = _cases(session, case_ids)
    amended = session.execute(
        select(Amendment.text, Amendment.created_by, Amendment.created_at)
        .where(Amendment.meeting_id == meeting_id).order_by(Amendment.created_at, Amendment.id)
    ).all()
    names = display_names(session, [by for _, by, _ in amended])  # by name, not login
    amendments = tuple(AmendmentInfo(text, names.get(by, by), at) for text, by, at in amended)
    info = MeetingInfo(meeting.id, meeting.held_on, meeting.starts_at, meeting.place,
                       meeting.subgroup, meeting.chair, meeting.status,
                       meeting.confidentiality_ack_at, meeting.ended_at)
    return MinutesData(
        meeting=info,
        present=attendance.get("present", ()),
        apologies=attendance.get("apology", ()),
        minute_takers=attendance.get("minutes", ()),
        items=items,
        actions_raised=tuple(raised),
        action_log=tuple(log),
        amendments=amendments,
        cases=cases,
        next_meeting_on=_next_meeting(session, meeting),
        _by_id={case.id: case for case in cases},
        referrals=made,
    )


def known_people(session: Session) -> list[tuple[int, str, date | None, str, str, str]]:
    """Every person held (id, name, date of birth, address, postcode, phone).

    The redacted export removes these wherever they appear, not only the
    parties of the cases on the agenda: a name typed into a note about another
    case must not leak either.
    """
    return [tuple(row) for row in session.execute(
        select(Person.id, Person.name, Person.date_of_birth, Person.address, Person.postcode,
               Person.phone).order_by(Person.id))]


def known_places(session: Session) -> list[tuple[int, str, str, str, str, str]]:
    """Every location held (id, name, address, postcode, beat, locality), for the same reason."""
    return [tuple(row) for row in session.execute(
        select(Location.id, Location.name, Location.address, Location.postcode, Location.beat,
               Location.locality).order_by(Location.id))]


def latest_meeting_id(session: Session, subgroup: str | None = None) -> int | None:
    """The most recent meeting that has started (in progress or final), else the most
    recent planned one; the newest id on a tie."""
    query = select(Meeting.id).order_by((Meeting.status == "planned"), Meeting.held_on.desc(),
                                        Meeting.id.desc()).limit(1)
    if subgroup:
        query = query.where(Meeting.subgroup == subgroup)
    return session.scalar(query)
