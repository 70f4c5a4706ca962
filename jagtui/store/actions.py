"""The action log: who does what by when, with an update at each meeting."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.rules.dates import action_ref, fmt_date, meeting_code
from jagtui.store.errors import Invalid
from jagtui.store.models import (
    Action, ActionUpdate, Attendance, Case, CaseParty, Location, Meeting, MeetingItem, Person, User,
)
from jagtui.store.text_search import contains
from jagtui.store.records import conflict, edit, fetch, one_of, require

STATUSES = ("open", "complete", "cancelled")


def add_action(
    session: Session,
    *,
    ref: str,
    text: str,
    owner: str,
    owner_agency: str = "",
    due_on: date | None = None,
    case_id: int | None = None,
    meeting_id: int | None = None,
    item_id: int | None = None,
) -> Action:
    action = Action(ref=require(ref, "A reference"), text=require(text, "The action"),
                    owner=require(owner, "An owner"), owner_agency=owner_agency, due_on=due_on,
                    case_id=case_id, meeting_id=meeting_id, item_id=item_id)
    session.add(action)
    session.flush()
    return action


def add_update(session: Session, action_id: int, updated_on: date, text: str, *,
               status: str = "open", meeting_id: int | None = None,
               expected_version: int | None = None, reopen: bool = False) -> ActionUpdate:
    """An update; a status other than ``open`` also closes the action.

    With ``expected_version`` (the action as the user read it), an action whose
    status someone else changed since is a :class:`Conflict`: an update would
    otherwise silently reopen an action just completed. Updates alone never clash:
    each is its own row.

    An ``open`` update on an action already complete (or cancelled) is refused
    unless ``reopen`` says the user chose to reopen it (kept theirs over a
    completion, in the clash panel): every path, the Actions screen and the
    meeting's action log alike, gets the same rule here.
    """
    action = fetch(session, Action, action_id, "action", lock=True)
    if (expected_version is not None and action.version != expected_version
            and action.status != status):
        raise conflict(action, {"status": status})
    if status == "open" and action.status != "open" and not reopen:
        raise Invalid(already_closed(action))
    update = ActionUpdate(action_id=action_id, updated_on=updated_on, text=require(text, "An update"),
                          status=one_of(status, STATUSES, "Status"), meeting_id=meeting_id)
    session.add(update)
    if status != action.status:
        action.status = status
        action.completed_on = updated_on if status == "complete" else None
    session.flush()
    return update


def already_closed(action: Action) -> str:
    """Why an action that is no longer open takes no update that would reopen it."""
    return (f"This action is already {action.status}: an update or a new date would reopen "
            "it, so none was recorded")


def update_action(session: Session, action_id: int, expected_version: int | None, **changes) -> Action:
    if "status" in changes:
        one_of(changes["status"], STATUSES, "Status")
    return edit(session, fetch(session, Action, action_id, "action", lock=True), changes,
                expected_version)


@dataclass(frozen=True)
class ActionRow:
    action: Action
    case_reference: str
    latest_update: ActionUpdate | None


def action_rows(session: Session, *, status: str | None = "open", case_id: int | None = None,
                meeting_id: int | None = None, search: str = "",
                action_ids: list[int] | None = None) -> list[ActionRow]:
    """Actions with their case reference and latest update, oldest due first.

    ``search`` matches the ref, the action, the owner, the agency or the case
    reference, anywhere and ignoring case.
    """
    query = select(Action, Case.reference).outerjoin(Case, Case.id == Action.case_id)
    if status:
        query = query.where(Action.status == status)
    if search.strip():
        query = query.where(contains(search, Action.ref, Action.text, Action.owner,
                                     Action.owner_agency, Case.reference))
    if case_id is not None:
        query = query.where(Action.case_id == case_id)
    if meeting_id is not None:
        query = query.where(Action.meeting_id == meeting_id)
    if action_ids is not None:
        query = query.where(Action.id.in_(list(action_ids)))
    rows = list(session.execute(query.order_by(Action.due_on, Action.id)))
    latest: dict[int, ActionUpdate] = {}
    if rows:
        ids = [action.id for action, _ in rows]
        for update in session.scalars(
            select(ActionUpdate).where(ActionUpdate.action_id.in_(ids))
            .order_by(ActionUpdate.updated_on, ActionUpdate.id)
        ):
            latest[update.action_id] = update
    return [ActionRow(action, ref or "", latest.get(action.id)) for action, ref in rows]


def updates(session: Session, action_id: int) -> list[ActionUpdate]:
    return list(session.scalars(
        select(ActionUpdate).where(ActionUpdate.action_id == action_id)
        .order_by(ActionUpdate.updated_on, ActionUpdate.id)
    ))


_REF = re.compile(r"\s*(\d{2})(\d{2})(\d{2})\s+item\s+(\d{1,3})\s*", re.IGNORECASE | re.ASCII)


def outside_meeting_ref(today: date) -> str:
    """The ref of an action added outside a meeting: no agenda item to name, so the
    day it was added, e.g. ``Outside meeting 041226``."""
    return f"Outside meeting {meeting_code(today)}"


_OUTSIDE = re.compile(r"\s*outside meeting\s+(\d{2})(\d{2})(\d{2})\s*", re.IGNORECASE | re.ASCII)
REF_EXAMPLE = "a meeting's code and item, e.g. 200521 Item 7"


def _day(parts) -> date | None:
    day, month, yy = (int(part) for part in parts)
    try:
        return date(2000 + yy, month, day)
    except ValueError:
        return None


def ref_problem(ref: str) -> str:
    """What is wrong with a typed ref's form ('' if nothing): empty, ``200521 Item 7``
    or ``Outside meeting 041226``, each with a real date. Whether that meeting and item
    are recorded is :func:`checked_ref`'s to say."""
    match = _REF.fullmatch(ref or "") or _OUTSIDE.fullmatch(ref or "")
    if not (ref or "").strip():
        return ""
    if match is None:
        return f"Type {REF_EXAMPLE}, or leave it empty"
    if _day(match.groups()[:3]) is None:
        return f"{''.join(match.groups()[:3])} is not a date: the code is the meeting's DDMMYY"
    if match.re is _REF and int(match.group(4)) < 1:
        return "Agenda items are numbered from 1"
    return ""


def checked_ref(session: Session, ref: str, today: date) -> tuple[str, int | None, int | None]:
    """(ref, meeting id, item id) for an action added outside a meeting, or
    :class:`Invalid`: empty is ``Outside meeting <today>``; a meeting's code and item
    must name a meeting recorded on that day and one of its items (the action is then
    that item's); ``Outside meeting <code>`` must not be a day still to come."""
    problem = ref_problem(ref)
    if problem:
        raise Invalid(f"Ref: {problem}")
    if not (ref or "").strip():
        return outside_meeting_ref(today), None, None
    outside = _OUTSIDE.fullmatch(ref)
    if outside is not None:
        on = _day(outside.groups())
        if on > today:
            raise Invalid(f"Ref: {fmt_date(on)} is still to come")
        return outside_meeting_ref(on), None, None
    match = _REF.fullmatch(ref)
    held_on, number = _day(match.groups()[:3]), int(match.group(4))
    meeting_id, item_id = meeting_of_ref(session, ref)
    if meeting_id is None:
        raise Invalid(f"Ref: no meeting on {fmt_date(held_on)} is recorded; type {REF_EXAMPLE}, "
                      "or leave it empty")
    if item_id is None:
        raise Invalid(f"Ref: the meeting on {fmt_date(held_on)} has no item {number}")
    return action_ref(held_on, number), meeting_id, item_id


def meeting_of_ref(session: Session, ref: str) -> tuple[int | None, int | None]:
    """The meeting and item a ref like ``200521 Item 7`` points at, when recorded."""
    match = _REF.fullmatch(ref or "")
    if not match:
        return None, None
    day, month, yy, number = (int(part) for part in match.groups())
    try:
        held_on = date(2000 + yy, month, day)
    except ValueError:
        return None, None
    meeting_id = session.scalar(select(Meeting.id).where(Meeting.held_on == held_on)
                                .order_by(Meeting.id.desc()).limit(1))
    if meeting_id is None:
        return None, None
    item_id = session.scalar(select(MeetingItem.id).where(MeetingItem.meeting_id == meeting_id,
                                                          MeetingItem.number == number))
    return meeting_id, item_id


def owner_names(session: Session, text: str = "", limit: int = 50,
                agency_keys: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(name, agency) of people who can own an action, whose name matches ``text``,
    by name: users of jagtui, everyone who has attended a meeting (the start form's
    directory), and everyone who has owned an action before. An attendee's
    organisation is a name: ``agency_keys`` (name or key, casefolded -> key) turns
    it into the agency it names, else it is left out."""
    keys = agency_keys or {}
    found: dict[str, tuple[str, str]] = {}
    queries = (
        select(User.display_name, User.agency)
        .where(User.active, contains(text, User.display_name)),
        select(Attendance.name, Attendance.organisation)
        .where(contains(text, Attendance.name))
        .group_by(Attendance.name, Attendance.organisation),
        select(Action.owner, Action.owner_agency)
        .where(contains(text, Action.owner))
        .order_by(Action.id.desc()),
    )
    for n, query in enumerate(queries):
        for name, agency in session.execute(query.limit(limit * 4)):
            if n == 1:
                agency = keys.get((agency or "").strip().casefold(), "")
            found.setdefault(name.casefold(), (name, agency or ""))
    return sorted(found.values(), key=lambda pair: pair[0].casefold())[:limit]


def open_case_refs(session: Session) -> dict[str, int]:
    """Reference -> id of every open case, for linking an action to one."""
    return dict(session.execute(select(Case.reference, Case.id).where(Case.status == "open")).all())


@dataclass(frozen=True)
class NamedParty:
    """A name and address linked to a case: what privacy mode masks in action text."""

    name: str
    address: str
    postcode: str
    locality: str
    beat: str
    is_person: bool


def case_party_names(session: Session, case_ids) -> dict[int, list[NamedParty]]:
    """The people and places linked to each case, for masking free text."""
    found: dict[int, list[NamedParty]] = {}
    if not case_ids:
        return found
    for case_id, person, p_address, p_postcode, p_beat, place, l_address, l_postcode, locality, \
            l_beat in session.execute(
        select(CaseParty.case_id, Person.name, Person.address, Person.postcode, Person.beat,
               Location.name, Location.address, Location.postcode, Location.locality, Location.beat)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(CaseParty.case_id.in_(list(case_ids)))
    ):
        party = (NamedParty(person, p_address, p_postcode, "", p_beat, True) if person is not None
                 else NamedParty(place, l_address, l_postcode, locality, l_beat, False))
        found.setdefault(case_id, []).append(party)
    return found
