"""A meeting's running order: built from the data, kept as numbered items, reordered by the chair.

The order follows the seeds and the JAG's terms of reference: apologies, the
previous minutes and the action log, then the cases (new referrals, high risk,
reviews due, proposed closures), any other business and the next date. A case
is listed once, in the first section it qualifies for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules.dates import action_ref, fmt_date
from jagtui.store import referrals
from jagtui.store.action_groups import belongs_to
from jagtui.store.actions import ActionRow, action_rows
from jagtui.store.case_reviews import agenda_titles
from jagtui.store.caselist import CaseRow, case_rows, highest_risk_first
from jagtui.store.errors import Invalid
from jagtui.store.meetings import changeable_meeting, next_meeting_on
from jagtui.store.models import (
    Action, ActionUpdate, Case, Intervention, Meeting, MeetingItem,
)
from jagtui.store.numbering import make_room
from jagtui.store.partner_tables import PartnerReport
from jagtui.store.partner_work import pending_action_ids
from jagtui.store.records import fetch, one_of, require

# Item kinds that are about one case: nothing on them may open before the
# confidentiality statement is acknowledged.
CASE_KINDS = ("referral", "high risk", "review", "closure", "case")
# (report kind, item kind, title): the items partners' reports are read under.
REPORT_ITEMS = (("agency", "agency updates", "Partner agency updates"),
                ("subgroup", "subgroup updates", "Subgroup chairs' updates"))


@dataclass(frozen=True)
class AgendaEntry:
    kind: str
    title: str
    case_id: int | None = None
    # On the action log entry: the open actions to review in turn.
    action_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CaseSection:
    kind: str
    label: str
    applies: Callable[[CaseRow], bool]


def previous_meeting(session: Session, subgroup: str, before: date) -> Meeting | None:
    """The subgroup's latest meeting held before ``before``."""
    return session.scalar(
        select(Meeting).where(Meeting.subgroup == subgroup, Meeting.held_on < before)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1)
    )


def proposed_next_meeting(session: Session, cfg: Config, subgroup: str, held_on: date) -> date:
    """The next meeting after the one held on ``held_on``: the same "next meeting" as
    every date field (:func:`jagtui.store.meetings.next_meeting_on`)."""
    return next_meeting_on(session, cfg.meetings.cadence_weeks, held_on, subgroup)


def review_actions(session: Session, cfg: Config, subgroup: str,
                   meeting_id: int | None = None) -> list[ActionRow]:
    """The action log to review: the group's open actions from earlier meetings (and
    those already reviewed at this one, whatever their status now), oldest due first."""
    query = (
        select(Action.id)
        .outerjoin(Meeting, Meeting.id == Action.meeting_id)
        .outerjoin(Case, Case.id == Action.case_id)
        .where(belongs_to(cfg, subgroup))
    )
    if meeting_id is None:
        query = query.where(Action.status == "open")
    else:
        reviewed_here = select(ActionUpdate.action_id).where(ActionUpdate.meeting_id == meeting_id)
        raised_earlier = or_(Action.meeting_id.is_(None), Action.meeting_id != meeting_id)
        # Partners' updates since the last meeting bring their actions to the log, even
        # one they completed before it: the meeting reviews what they wrote.
        written = pending_action_ids(session, cfg, meeting_id)
        query = query.where(or_(and_(Action.status == "open", raised_earlier),
                                Action.id.in_(reviewed_here),
                                and_(Action.id.in_(written), raised_earlier)))
    ids = list(session.scalars(query))
    rows = action_rows(session, status=None, action_ids=ids) if ids else []
    # Undated actions last, the same on SQLite and PostgreSQL.
    return sorted(rows, key=lambda row: (row.action.due_on is None, row.action.due_on or date.min,
                                         row.action.id))


def _due_by(session: Session, ids: list[int], day: date) -> set[int]:
    """Cases with an intervention or an action that falls due by ``day``."""
    interventions = select(Intervention.case_id).where(
        Intervention.case_id.in_(ids), Intervention.outcome == "active",
        Intervention.review_on.is_not(None), Intervention.review_on <= day)
    actions = select(Action.case_id).where(
        Action.case_id.in_(ids), Action.status == "open",
        Action.due_on.is_not(None), Action.due_on <= day)
    return set(session.scalars(interventions)) | set(session.scalars(actions))


def _sections(subgroup: str, since: date, day: date, due: set[int]) -> tuple[CaseSection, ...]:
    def review_due(row: CaseRow) -> bool:
        unassessed_victim = row.case_type == "victim" and row.risk_level is None
        risk_due = row.risk_review_due is not None and row.risk_review_due <= day
        return unassessed_victim or risk_due or row.id in due

    def own(test: Callable[[CaseRow], bool]) -> Callable[[CaseRow], bool]:
        return lambda row: row.subgroup == subgroup and test(row)

    return (
        CaseSection("referral", "New referral", own(lambda row: since < row.opened_on <= day)),
        # High risk from any group reaches the main JAG (the same upward referral).
        CaseSection("high risk", "High risk review",
                    lambda row: row.risk_level == "high" or row.rag == "red"),
        CaseSection("review", "Case review", own(review_due)),
        CaseSection("closure", "Proposed closure", own(lambda row: row.rag == "green")),
    )


def case_title(label: str, reference: str, title: str) -> str:
    return f"{label}: {reference} {title}"[:200]


def build_agenda(session: Session, cfg: Config, today: date, subgroup: str,
                 meeting_id: int | None = None) -> list[AgendaEntry]:
    """The running order for ``subgroup``'s meeting on ``today``.

    New referrals are the group's cases opened since its previous meeting (or
    within one cadence when it has none); high risk is a latest risk level of
    high or a red RAG, and the main JAG (the first configured group) also takes
    the other groups' high-risk cases; a review is due when the risk review, an
    intervention review or an action falls due by the meeting, a referral out is
    unanswered past its follow-up date (the item names the service), or a victim has no
    risk assessment; green cases are proposed for closure.
    """
    previous = previous_meeting(session, subgroup, today)
    since = previous.held_on if previous else today - timedelta(weeks=cfg.meetings.cadence_weeks)
    entries = [
        AgendaEntry("apologies", "Apologies for absence"),
        AgendaEntry("minutes", f"Minutes of the meeting held on {fmt_date(previous.held_on)}"
                    if previous else "Minutes of the previous meeting"),
        AgendaEntry("actions", "Action log", action_ids=tuple(
            row.action.id for row in review_actions(session, cfg, subgroup, meeting_id))),
    ]
    main = subgroup == cfg.subgroups[0].key
    rows = sorted(case_rows(session, cfg, today, subgroup=None if main else subgroup),
                  key=highest_risk_first)
    due = _due_by(session, [row.id for row in rows], today) if rows else set()
    # A referral out still unanswered past its follow-up: the case comes up for review.
    unanswered = referrals.waiting_cases(session, cfg, today, [row.id for row in rows])
    due |= set(unanswered)
    listed: set[int] = set()
    for section in _sections(subgroup, since, today, due):
        for row in rows:
            if row.id not in listed and section.applies(row):
                listed.add(row.id)
                label = section.label if row.subgroup == subgroup else f"{section.label} ({row.subgroup})"
                if row.id in unanswered:
                    label += f", referral unanswered ({', '.join(unanswered[row.id])})"
                entries.append(AgendaEntry(section.kind, case_title(label, row.reference, row.title),
                                           case_id=row.id))
    if main:  # the partnership's ASB case reviews with a step overdue
        entries += [AgendaEntry("other", title) for title in agenda_titles(session, cfg, today)]
    if meeting_id is not None:  # partners' written reports for this meeting, read in turn
        written = set(session.scalars(select(PartnerReport.kind).where(
            PartnerReport.meeting_id == meeting_id)))
        entries += [AgendaEntry(kind, title) for key, kind, title in REPORT_ITEMS if key in written]
    next_on = proposed_next_meeting(session, cfg, subgroup, today)
    entries += [
        AgendaEntry("aob", "Any other business"),
        AgendaEntry("next meeting", next_meeting_title(next_on)),
    ]
    return entries


def next_meeting_title(on: date) -> str:
    return f"Date of next meeting: {fmt_date(on)}"


def items(session: Session, meeting_id: int, *, fresh: bool = False) -> list[MeetingItem]:
    """The items in order; ``fresh`` re-reads rows this session already holds."""
    return list(session.scalars(
        select(MeetingItem).where(MeetingItem.meeting_id == meeting_id)
        .order_by(MeetingItem.number, MeetingItem.id)
        .execution_options(populate_existing=fresh)
    ))


def save_agenda(session: Session, meeting_id: int, entries: list[AgendaEntry]) -> list[MeetingItem]:
    """Keep the running order as items numbered from 1 (once: a resumed meeting keeps its own)."""
    # Locked: two people starting the same meeting at once save one running order.
    fetch(session, Meeting, meeting_id, "meeting", lock=True)
    existing = items(session, meeting_id, fresh=True)
    if existing:
        return existing
    saved = [MeetingItem(meeting_id=meeting_id, number=n, kind=entry.kind, title=entry.title,
                         case_id=entry.case_id)
             for n, entry in enumerate(entries, start=1)]
    session.add_all(saved)
    session.flush()
    return saved


def move_item(session: Session, meeting_id: int, item_id: int, offset: int) -> list[MeetingItem]:
    """Move an item ``offset`` places (negative is up) and renumber 1..n.

    Actions raised under a moved item keep pointing at it: a ref still equal to
    the item's old default (``221126 Item 5``) follows the new number.
    """
    meeting = changeable_meeting(session, meeting_id)
    # Locked and re-read: two people moving items at once both see the order as it is.
    fetch(session, Meeting, meeting_id, "meeting", lock=True)
    current = items(session, meeting_id, fresh=True)
    index = next((n for n, item in enumerate(current) if item.id == item_id), None)
    if index is None:
        raise Invalid(f"Item {item_id} is not on this meeting's agenda")
    target = max(0, min(len(current) - 1, index + offset))
    current.insert(target, current.pop(index))
    return _renumber(session, meeting, current)


# What the chair may add during the meeting (a case comes through its own sections).
ADHOC_KINDS = ("other", "agency updates", "subgroup updates")


def add_item_after(session: Session, meeting_id: int, after_item_id: int | None, kind: str,
                   title: str) -> MeetingItem:
    """An item added during the meeting (``+``), straight after ``after_item_id`` (the
    item being discussed; first when None); the items below move down one."""
    meeting = changeable_meeting(session, meeting_id)
    if meeting.status != "in progress":
        raise Invalid("Start the meeting before adding items to it")
    one_of(kind, ADHOC_KINDS, "Kind of item")
    fetch(session, Meeting, meeting_id, "meeting", lock=True)  # one order, however many add
    current = items(session, meeting_id, fresh=True)
    item = MeetingItem(meeting_id=meeting_id, number=max((i.number for i in current), default=0) + 1,
                       kind=kind, title=require(title, "A title"))
    session.add(item)
    session.flush()
    index = next((n + 1 for n, i in enumerate(current) if i.id == after_item_id), 0)
    current.insert(index, item)
    _renumber(session, meeting, current)
    return item


def _renumber(session: Session, meeting: Meeting, ordered: list[MeetingItem]) -> list[MeetingItem]:
    old = {item.id: item.number for item in ordered if item.id is not None}
    make_room(session, [item for number, item in enumerate(ordered, start=1)
                        if item.id is not None and item.number != number])
    for number, item in enumerate(ordered, start=1):
        if item.number != number:
            item.number = number
    session.flush()
    moved = {item.id: item.number for item in ordered if old.get(item.id, item.number) != item.number}
    if moved:
        for action in session.scalars(select(Action).where(Action.item_id.in_(list(moved)))):
            if action.ref == action_ref(meeting.held_on, old[action.item_id]):
                action.ref = action_ref(meeting.held_on, moved[action.item_id])
        session.flush()
    return ordered
