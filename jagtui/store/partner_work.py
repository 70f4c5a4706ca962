"""A partner's work between meetings, and what the meeting takes from it.

My work: the actions a partner or their agency owns, the referrals out they or
their agency made that still wait on an answer, the ASB case reviews their agency
leads with a step to take, and the cases they lead; each with its date, due
(by the next meeting) and overdue marked. The updates partners write there are
ordinary action updates (no meeting); the agenda runner offers those written
since the group's previous meeting under the action log, and the chair accepts
them into the minutes, each once (``accepted_updates`` is unique on the update).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.sql import func
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules.dates import fmt_date
from jagtui.store import actions, case_reviews, referrals
from jagtui.store.case_review_tables import CaseReview
from jagtui.store.errors import Invalid
from jagtui.store.meetings import changeable_meeting, last_meeting_date, next_meeting_on
from jagtui.store.models import Action, ActionUpdate, Case, Meeting, User
from jagtui.store.partner_tables import AcceptedUpdate
from jagtui.store.records import fetch
from jagtui.store.referral_tables import Referral

WAITING = ("made", "accepted")  # referrals still in hand


@dataclass(frozen=True)
class Partner:
    login: str
    name: str
    agency: str  # the agency key ("" if none)


def partner(session: Session, login: str) -> Partner | None:
    user = session.scalar(select(User).where(User.login == login, User.active))
    return Partner(user.login, user.display_name, user.agency) if user is not None else None


@dataclass(frozen=True)
class WorkLine:
    """One thing on a partner's list. ``kind``: action, referral, review or case."""

    kind: str
    id: int
    ref: str
    what: str
    due: date | None
    status: str
    mine: bool  # theirs by name (else their agency's)
    overdue: bool = False
    due_soon: bool = False  # due by the next meeting
    row: actions.ActionRow | None = None  # an action's row, for its forms
    case_id: int | None = None


@dataclass(frozen=True)
class MyWork:
    partner: Partner
    next_meeting: date
    lines: tuple[WorkLine, ...]
    # The people and places of the cases listed: privacy mode masks them in the text.
    names: dict[int, list[actions.NamedParty]]


def _marks(due: date | None, today: date, by: date) -> dict:
    return {"due": due, "overdue": due is not None and due < today,
            "due_soon": due is not None and today <= due <= by}


def my_work(session: Session, cfg: Config, login: str, today: date) -> MyWork:
    """Everything on ``login``'s list; :class:`Invalid` for a login that is no user."""
    who = partner(session, login)
    if who is None:
        raise Invalid(f"{login!r} is not a registered user: ask an administrator to add you")
    by = next_meeting_on(session, cfg.meetings.cadence_weeks, today, cfg.subgroups[0].key)
    name, agency = who.name.casefold(), who.agency
    lines: list[WorkLine] = []
    own = func.lower(Action.owner) == name
    ids = list(session.scalars(select(Action.id).where(
        Action.status == "open", or_(own, Action.owner_agency == agency) if agency else own)))
    for row in actions.action_rows(session, status="open", action_ids=ids) if ids else []:
        a = row.action
        lines.append(WorkLine("action", a.id, a.ref, a.text, status=a.status,
                              mine=a.owner.casefold() == name, row=row, case_id=a.case_id,
                              **_marks(a.due_on, today, by)))
    made = Referral.made_by == login
    for rid, made_by in session.execute(select(Referral.id, Referral.made_by).where(
            Referral.status.in_(WAITING), or_(made, Referral.made_by_agency == agency)
            if agency else made).order_by(Referral.follow_up_on, Referral.id)):
        ref = referrals.one(session, cfg, rid)
        lines.append(WorkLine("referral", rid, ref.case_reference,
                              f"{ref.service_name}: referral {ref.status}", status=ref.status,
                              mine=made_by == login, case_id=ref.case_id,
                              **_marks(ref.follow_up_on, today, by)))
    if agency:
        led = set(session.scalars(select(CaseReview.id).where(CaseReview.lead_agency == agency)))
        for review in case_reviews.register(session, cfg, today) if led else []:
            if review.id in led and review.next_step is not None:
                step = review.next_step
                lines.append(WorkLine("review", review.id, review.reference, step.name,
                                      status=review.status, mine=False,
                                      case_id=review.case_id, **_marks(step.due, today, by)))
    lead = func.lower(Case.lead_officer) == name
    for case in session.scalars(select(Case).where(
            Case.status == "open", or_(lead, Case.lead_agency == agency) if agency else lead)
            .order_by(Case.reference)):
        lines.append(WorkLine("case", case.id, case.reference, case.title, status=case.rag,
                              mine=case.lead_officer.casefold() == name, due=None,
                              case_id=case.id))
    order = {"action": 0, "referral": 1, "review": 2, "case": 3}
    lines.sort(key=lambda line: (order[line.kind], not line.overdue, line.due or date.max, line.id))
    case_ids = {line.case_id for line in lines if line.case_id is not None}
    return MyWork(who, by, tuple(lines), actions.case_party_names(session, case_ids))


# --- the meeting: partners' updates under the action log -------------------------------------

@dataclass(frozen=True)
class PartnerUpdate:
    """An update a partner wrote outside a meeting, as the runner offers it."""

    id: int
    action_id: int
    text: str
    status: str
    on: date
    name: str
    agency: str  # the agency's name
    accepted: bool  # already in this meeting's minutes

    def minuted(self) -> str:
        """The words the minutes keep: who said what, and when."""
        return (f"Update from {self.agency or 'no agency'} ({self.name}, {fmt_date(self.on)}): "
                f"{self.text}")


def _since(session: Session, cfg: Config, meeting: Meeting) -> date:
    previous = last_meeting_date(session, meeting.subgroup, before=meeting.held_on)
    return previous or meeting.held_on - timedelta(weeks=cfg.meetings.cadence_weeks)


def _offered(session: Session, cfg: Config, meeting: Meeting, *columns):
    """The query of partners' updates offered at ``meeting`` (see :func:`partner_updates`)."""
    accepted_here = select(AcceptedUpdate.update_id).where(AcceptedUpdate.meeting_id == meeting.id)
    return (
        select(*columns)
        .join(Action, Action.id == ActionUpdate.action_id)
        # A partner's: written by a registered user (not an import's or a script's login).
        .join(User, User.login == ActionUpdate.created_by)
        .where(ActionUpdate.meeting_id.is_(None),
               ActionUpdate.updated_on >= _since(session, cfg, meeting),
               ActionUpdate.updated_on <= meeting.held_on,
               or_(ActionUpdate.id.not_in(select(AcceptedUpdate.update_id)),
                   ActionUpdate.id.in_(accepted_here)))
    )


def partner_updates(session: Session, cfg: Config, meeting_id: int,
                    action_ids: list[int] | None = None) -> dict[int, tuple[PartnerUpdate, ...]]:
    """Action id -> the updates partners (registered users) wrote outside any meeting since
    the group's previous meeting, oldest first: those not yet accepted anywhere, and those
    accepted at this one."""
    meeting = fetch(session, Meeting, meeting_id, "meeting")
    query = _offered(session, cfg, meeting, ActionUpdate, User.display_name, User.agency,
                     Action.owner_agency).order_by(ActionUpdate.updated_on, ActionUpdate.id)
    if action_ids is not None:
        query = query.where(ActionUpdate.action_id.in_(list(action_ids)))
    here = set(session.scalars(select(AcceptedUpdate.update_id)
                               .where(AcceptedUpdate.meeting_id == meeting_id)))
    found: dict[int, list[PartnerUpdate]] = {}
    for update, name, agency, owner_agency in session.execute(query):
        found.setdefault(update.action_id, []).append(PartnerUpdate(
            update.id, update.action_id, update.text, update.status, update.updated_on,
            name, cfg.agency_name(agency or owner_agency), update.id in here))
    return {key: tuple(value) for key, value in found.items()}


def pending_action_ids(session: Session, cfg: Config, meeting_id: int) -> set[int]:
    """Actions with a partner's update to accept (or accepted) at the meeting: the action
    log reviews them even when the partner completed the action before the meeting.
    Ids only: the runner reads this on every reload."""
    meeting = fetch(session, Meeting, meeting_id, "meeting")
    return set(session.scalars(_offered(session, cfg, meeting, ActionUpdate.action_id).distinct()))


def accept_updates(session: Session, cfg: Config, meeting_id: int,
                   update_ids: list[int]) -> list[ActionUpdate]:
    """Minute partners' updates at the meeting, each as "Update from <agency> (<name>,
    <date>): ..." on its action (status as the action now stands). An update already
    accepted (by another chair's screen, a moment ago) is not minuted again: asked for
    alone, that is :class:`Invalid`; in a batch it is passed over."""
    meeting = changeable_meeting(session, meeting_id)
    if meeting.status != "in progress":
        raise Invalid("Start the meeting before accepting updates into its minutes")
    if not update_ids:
        raise Invalid("No partner's update to accept")
    offered = {u.id: u for group in partner_updates(session, cfg, meeting_id).values()
               for u in group}
    minuted: list[ActionUpdate] = []
    for update_id in sorted(set(update_ids)):
        # Locked (FOR UPDATE on PostgreSQL; SQLite's writer holds the database): two
        # chairs accepting the same update at once minute it once.
        update = fetch(session, ActionUpdate, update_id, "update", lock=True)
        done = session.scalar(select(AcceptedUpdate).where(AcceptedUpdate.update_id == update_id))
        if done is not None:
            if len(update_ids) == 1:
                raise Invalid(f"That update is already in the minutes (accepted by "
                              f"{done.created_by or 'another user'})")
            continue
        shown = offered.get(update_id)
        if shown is None or update.meeting_id is not None:
            raise Invalid("That update is not one a partner wrote since the last meeting")
        action = fetch(session, Action, update.action_id, "action", lock=True)
        words = actions.add_update(session, action.id, meeting.held_on, shown.minuted(),
                                   status=action.status, meeting_id=meeting_id)
        session.add(AcceptedUpdate(update_id=update_id, meeting_id=meeting_id, minuted_id=words.id))
        minuted.append(words)
    if not minuted:
        raise Invalid("Those updates are already in the minutes")
    session.flush()
    return minuted
