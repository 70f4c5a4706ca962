"""Following a running meeting from another terminal, and what followers send the chair.

The follower sees the item the chair is on (the place the runner keeps on entering
each item, ``meeting_place.keep_place``), its notes, decisions and the actions
raised under it. A follower sends their agency's update or a correction to that
item, and is offered as present on joining: each is a :class:`FollowMessage`
waiting for the chair, who accepts it (minuted as "Update from <name> (<agency>):
...", or the attendance recorded) or declines it. Every change is version-checked
and audited (the session hooks); two chairs deciding one message: the second gets
a :class:`Conflict`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.store import meeting_place, meetings
from jagtui.store.agenda import items
from jagtui.store.errors import Invalid
from jagtui.store.follow_tables import FollowMessage
from jagtui.store.meeting_run import record_note
from jagtui.store.meeting_view import meeting_parties
from jagtui.store.casefile import Party
from jagtui.store.models import (
    Action, ActionUpdate, Draft, ItemNote, Meeting, MeetingItem, User,
)
from jagtui.store.records import conflict, edit, fetch, one_of, require

SENDABLE = ("update", "correction")
SAID = {"update": "Update from", "correction": "Correction from"}
MAX_TEXT = 4000


@dataclass(frozen=True)
class FollowView:
    """The running meeting as a follower sees it (plain values, any thread)."""

    meeting: Meeting
    item: MeetingItem | None
    index: int
    count: int
    notes: tuple[ItemNote, ...]
    actions: tuple[Action, ...]
    parties: tuple[Party, ...]
    mine: tuple[FollowMessage, ...]  # this login's messages, newest first
    # On the action log: the updates this meeting gave, with their action, in order given.
    reviewed: tuple[tuple[Action, ActionUpdate], ...] = ()

    @property
    def running(self) -> bool:
        return self.meeting.status == "in progress"


def running_meeting(session: Session) -> Meeting | None:
    """The meeting in progress (the latest, if several groups meet at once)."""
    return session.scalar(select(Meeting).where(Meeting.status == "in progress")
                          .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1))


def chair_index(session: Session, meeting_id: int, agenda: list[MeetingItem]) -> int:
    """Where the chair is: the item the runner entered last (whoever's runner), else
    where the latest record says the meeting was."""
    kept = session.scalars(select(Draft).where(Draft.key == meeting_place.place_key(meeting_id))
                           .order_by(Draft.updated_at.desc(), Draft.id.desc()).limit(1)).first()
    ids = [item.id for item in agenda]
    if kept is not None and kept.fields.get("item_id") in ids:
        return ids.index(kept.fields["item_id"])
    return meeting_place.left_at(session, meeting_id)


def follow_view(session: Session, meeting_id: int, login: str) -> FollowView:
    meeting = meetings.get_meeting(session, meeting_id)
    agenda = items(session, meeting_id)
    index = chair_index(session, meeting_id, agenda) if agenda else 0
    item = agenda[index] if agenda else None
    notes = tuple(meetings.notes(session, [item.id])[item.id]) if item is not None else ()
    actions = tuple(session.scalars(select(Action).where(Action.item_id == item.id)
                                    .order_by(Action.id))) if item is not None else ()
    mine = tuple(session.scalars(
        select(FollowMessage).where(FollowMessage.meeting_id == meeting_id,
                                    FollowMessage.sender == login)
        .order_by(FollowMessage.id.desc()).limit(5)))
    reviewed = tuple(tuple(row) for row in session.execute(
        select(Action, ActionUpdate).join(ActionUpdate, ActionUpdate.action_id == Action.id)
        .where(ActionUpdate.meeting_id == meeting_id).order_by(ActionUpdate.id))) \
        if item is not None and item.kind == "actions" else ()
    return FollowView(meeting, item, index, len(agenda), notes, actions,
                      meeting_parties(session, meeting_id), mine, reviewed)


def _sender(session: Session, cfg: Config, login: str) -> tuple[str, str]:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise Invalid(f"{login} is not a registered user")
    return user.display_name, cfg.agency_name(user.agency) if user.agency else ""


def _running(session: Session, meeting_id: int) -> Meeting:
    meeting = meetings.changeable_meeting(session, meeting_id)
    if meeting.status != "in progress":
        raise Invalid("The meeting is not running: nothing can be sent to the chair")
    return meeting


def send(session: Session, cfg: Config, meeting_id: int, item_id: int | None, kind: str,
         text: str, login: str) -> FollowMessage:
    """An update from the sender's agency, or a correction, to the item being discussed."""
    one_of(kind, SENDABLE, "What is sent")
    text = require(text, "The update")
    if len(text) > MAX_TEXT:
        raise Invalid(f"The update is too long: at most {MAX_TEXT} characters (got {len(text)})")
    _running(session, meeting_id)
    item = fetch(session, MeetingItem, item_id, "meeting item")
    if item.meeting_id != meeting_id:
        raise Invalid("That item is not on this meeting's agenda")
    name, organisation = _sender(session, cfg, login)
    message = FollowMessage(meeting_id=meeting_id, item_id=item.id, kind=kind, text=text,
                            sender=login, sender_name=name, organisation=organisation)
    session.add(message)
    session.flush()
    return message


def offer_presence(session: Session, cfg: Config, meeting_id: int, login: str) -> FollowMessage | None:
    """A follower joined: offered to the chair as present, unless already listed as
    present (or taking the minutes) or already offered."""
    _running(session, meeting_id)
    name, organisation = _sender(session, cfg, login)
    listed = meetings.listed(session, meeting_id, name)
    if listed is not None and listed.kind != "apology":
        return None
    offered = session.scalar(select(FollowMessage.id).where(
        FollowMessage.meeting_id == meeting_id, FollowMessage.sender == login,
        FollowMessage.kind == "present", FollowMessage.status != "declined").limit(1))
    if offered is not None:
        return None
    message = FollowMessage(meeting_id=meeting_id, kind="present", text="joined remotely",
                            sender=login, sender_name=name, organisation=organisation)
    session.add(message)
    session.flush()
    return message


def waiting(session: Session, meeting_id: int) -> list[FollowMessage]:
    """What followers sent that the chair has not yet answered, oldest first."""
    return list(session.scalars(select(FollowMessage).where(
        FollowMessage.meeting_id == meeting_id, FollowMessage.status == "waiting")
        .order_by(FollowMessage.id)))


def minuted_text(message: FollowMessage) -> str:
    who = message.sender_name + (f" ({message.organisation})" if message.organisation else "")
    return f"{SAID[message.kind]} {who}: {message.text}"


def decide(session: Session, message_id: int, expected_version: int | None,
           accept: bool) -> FollowMessage:
    """The chair's answer: accepted (minuted under its item with who said it, or the
    attendance recorded) or declined. Answered already, or changed since read: a Conflict."""
    message = fetch(session, FollowMessage, message_id, "message", lock=True)
    _running(session, message.meeting_id)
    if message.status != "waiting" or (expected_version is not None
                                       and message.version != expected_version):
        raise conflict(message, {"status": "accepted" if accept else "declined"})
    changes: dict = {"status": "accepted" if accept else "declined"}
    if accept and message.kind == "present":  # an apology sent earlier becomes present
        meetings.arrived(session, message.meeting_id, message.sender_name, message.organisation)
    elif accept:
        if message.item_id is None:
            raise Invalid("The item it was sent to is no longer on the agenda: decline it")
        note = record_note(session, message.item_id, minuted_text(message))
        changes["note_id"] = note.id
    return edit(session, message, changes, message.version)
