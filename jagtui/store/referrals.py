"""Referrals out: a person on a case referred to a service, and where each stands.

A referral is *made* (from the case view, or from the case's item in a running
meeting), then the service *accepts* or *declines* it, and it is *closed* with
an outcome. Every status change is a step in its history (``referral_steps``);
every write is audited by the flush hook and version-checked (``records.edit``).
A referral still "made" after its follow-up date is awaiting an answer too long:
the flag board and the agenda show it (:func:`overdue`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules.dates import fmt_date
from jagtui.store.errors import Invalid, NotFound
from jagtui.store.models import Case, CaseParty, MeetingItem, Person
from jagtui.store.records import conflict, edit, fetch, one_of, require
from jagtui.store.referral_tables import REFERRAL_STATUSES, Referral, ReferralStep
from jagtui.store.user_names import display_names

# Where a referral can go from each status (closing is always possible until closed).
NEXT = {"made": ("accepted", "declined", "closed"), "accepted": ("closed",),
        "declined": ("closed",), "closed": ()}
AWAITING = "made"  # the status of a referral the service has not answered yet


def service_keys(cfg: Config) -> list[str]:
    return [s.key for s in cfg.referrals.services]


def default_follow_up(cfg: Config, referred_on: date) -> date:
    return referred_on + timedelta(days=cfg.referrals.follow_up_days)


def _check_person(session: Session, case_id: int, person_id: int | None) -> Person:
    if person_id is None:
        raise Invalid("Choose who is referred: a person linked to the case")
    linked = session.scalar(select(CaseParty.id).where(
        CaseParty.case_id == case_id, CaseParty.person_id == person_id).limit(1))
    if linked is None:
        raise Invalid("The person referred must be linked to the case: link them first")
    return fetch(session, Person, person_id, "person")


def _check_item(session: Session, case_id: int, meeting_id: int | None,
                item_id: int | None) -> None:
    if item_id is None:
        return
    item = fetch(session, MeetingItem, item_id, "meeting item")
    if item.meeting_id != meeting_id or item.case_id != case_id:
        raise Invalid("That meeting item is not about this case")


def make_referral(
    session: Session, cfg: Config, today: date, *, case_id: int, person_id: int | None,
    service: str, referred_on: date, reason: str, made_by: str, made_by_agency: str = "",
    follow_up_on: date | None = None, meeting_id: int | None = None, item_id: int | None = None,
) -> Referral:
    """A new referral (status "made"), with its first step.

    Refused: a person not linked to the case, an unknown service, no reason, a date
    in the future or a follow-up before it, and a second referral of the same person
    to the same service while the first is still awaiting an answer or accepted
    (the case is locked first, so two people making it at once make it once).
    """
    # Locked: the duplicate check below and the insert are one step for everyone.
    case = fetch(session, Case, case_id, "case", lock=True)
    person = _check_person(session, case_id, person_id)
    one_of(service, service_keys(cfg), "Service")
    reason = require(reason, "A reason for the referral")
    made_by = require(made_by, "Who made the referral")
    if referred_on > today:
        raise Invalid(f"The referral date ({fmt_date(referred_on)}) is in the future: "
                      "record it once made")
    follow_up_on = follow_up_on or default_follow_up(cfg, referred_on)
    if follow_up_on < referred_on:
        raise Invalid(f"The follow-up date ({fmt_date(follow_up_on)}) is before the referral "
                      f"was made ({fmt_date(referred_on)})")
    _check_item(session, case_id, meeting_id, item_id)
    open_one = session.scalar(select(Referral).where(
        Referral.person_id == person.id, Referral.service == service,
        Referral.status.in_(("made", "accepted"))).limit(1))
    if open_one is not None:
        state = "accepted" if open_one.status == "accepted" else "no answer yet"
        raise Invalid(f"{person.name} already has a referral to "
                      f"{cfg.referrals.service_name(service)} (made "
                      f"{fmt_date(open_one.referred_on)}, {state}): update that one instead")
    referral = Referral(
        case_id=case.id, person_id=person.id, service=service, referred_on=referred_on,
        reason=reason, made_by=made_by, made_by_agency=made_by_agency, status="made",
        follow_up_on=follow_up_on, meeting_id=meeting_id, item_id=item_id,
    )
    session.add(referral)
    session.flush()
    session.add(ReferralStep(referral_id=referral.id, case_id=case.id, status="made",
                             step_on=referred_on, note=""))
    session.flush()
    return referral


def change_referral(
    session: Session, today: date, referral_id: int, expected_version: int | None, *,
    status: str, on: date, note: str = "", outcome: str | None = None,
    follow_up_on: date | None = None,
) -> Referral:
    """Move a referral on (accepted, declined, closed), or keep its status and change
    the outcome or the follow-up date. A new status is a step in its history.
    Version-checked: someone else's change since ``expected_version`` is a Conflict."""
    referral = fetch(session, Referral, referral_id, "referral", lock=True)
    one_of(status, REFERRAL_STATUSES, "Status")
    if expected_version is not None and referral.version != expected_version:
        # Someone moved it on since the user read it: their change and this one, side by side.
        wanted = {"status": status, "outcome": outcome, "follow_up_on": follow_up_on}
        raise conflict(referral, {key: value for key, value in wanted.items()
                                  if value is not None and value != getattr(referral, key)})
    changes: dict = {}
    if status != referral.status:
        if status not in NEXT[referral.status]:
            allowed = ", ".join(NEXT[referral.status]) or "nothing: it is closed"
            raise Invalid(f"A referral that is {referral.status} can become {allowed}")
        if on > today:
            raise Invalid(f"The date ({fmt_date(on)}) is in the future")
        if on < referral.referred_on:
            raise Invalid(f"The date ({fmt_date(on)}) is before the referral was made "
                          f"({fmt_date(referral.referred_on)})")
        if status == "closed" and not (outcome if outcome is not None else referral.outcome).strip():
            raise Invalid("Closing a referral needs its outcome")
        changes["status"] = status
        changes["answered_on"] = on if status != "closed" or referral.answered_on is None \
            else referral.answered_on
    if outcome is not None and outcome != referral.outcome:
        changes["outcome"] = outcome
    if follow_up_on is not None and follow_up_on != referral.follow_up_on:
        if follow_up_on < referral.referred_on:
            raise Invalid(f"The follow-up date ({fmt_date(follow_up_on)}) is before the referral "
                          f"was made ({fmt_date(referral.referred_on)})")
        changes["follow_up_on"] = follow_up_on
    if not changes:
        raise Invalid("Nothing changed: choose a new status, or change the outcome or follow-up")
    edit(session, referral, changes, expected_version)
    if "status" in changes:
        session.add(ReferralStep(referral_id=referral.id, case_id=referral.case_id,
                                 status=status, step_on=on, note=note.strip()))
        session.flush()
    return referral


# --- reading --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepRow:
    status: str
    on: date
    note: str
    by: str              # who recorded it, by name (as ``ReferralRow.made_by``)


@dataclass(frozen=True)
class ReferralRow:
    """One referral as the screens, the board and the minutes show it (no ORM objects)."""

    id: int
    version: int
    case_id: int
    case_reference: str
    person_id: int | None
    person: str          # the name held ("" if the person was erased)
    service: str
    service_name: str
    referred_on: date
    reason: str
    made_by: str         # the user's display name (the login if no longer registered)
    made_by_agency: str
    status: str
    answered_on: date | None
    outcome: str
    follow_up_on: date | None
    meeting_id: int | None
    item_id: int | None
    steps: tuple[StepRow, ...] = ()

    def overdue(self, today: date) -> bool:
        """Awaiting an answer past its follow-up date."""
        return self.status == AWAITING and self.follow_up_on is not None and self.follow_up_on < today


def _rows(session: Session, cfg: Config, *conditions, with_steps: bool = True) -> list[ReferralRow]:
    found = session.execute(
        select(Referral.id, Referral.version, Referral.case_id, Case.reference, Referral.person_id,
               Person.name, Referral.service, Referral.referred_on, Referral.reason,
               Referral.made_by, Referral.made_by_agency, Referral.status, Referral.answered_on,
               Referral.outcome, Referral.follow_up_on, Referral.meeting_id, Referral.item_id)
        .join(Case, Case.id == Referral.case_id)
        .outerjoin(Person, Person.id == Referral.person_id)
        .where(*conditions).order_by(Referral.referred_on.desc(), Referral.id.desc())
    ).all()
    steps: dict[int, list[StepRow]] = defaultdict(list)
    if with_steps and found:
        for rid, status, on, note, by in session.execute(
            select(ReferralStep.referral_id, ReferralStep.status, ReferralStep.step_on,
                   ReferralStep.note, ReferralStep.created_by)
            .where(ReferralStep.referral_id.in_([row[0] for row in found]))
            .order_by(ReferralStep.step_on, ReferralStep.id)
        ):
            steps[rid].append(StepRow(status, on, note, by))
    # Stored as logins; read as names ("Demo administrator", not "root"), in one query.
    names = display_names(session, [row.made_by for row in found] +
                          [step.by for rows in steps.values() for step in rows])
    return [ReferralRow(rid, version, case_id, ref, pid, name or "", service,
                        cfg.referrals.service_name(service), referred_on, reason,
                        names.get(made_by, made_by), *rest,
                        steps=tuple(StepRow(step.status, step.on, step.note,
                                            names.get(step.by, step.by)) for step in steps[rid]))
            for rid, version, case_id, ref, pid, name, service, referred_on, reason, made_by, *rest
            in found]


def for_case(session: Session, cfg: Config, case_id: int) -> list[ReferralRow]:
    """The case's referrals, newest first, each with its history."""
    return _rows(session, cfg, Referral.case_id == case_id)


def one(session: Session, cfg: Config, referral_id: int) -> ReferralRow:
    rows = _rows(session, cfg, Referral.id == referral_id)
    if not rows:
        raise NotFound(f"No referral with id {referral_id}")
    return rows[0]


def overdue(session: Session, cfg: Config, today: date,
            case_ids: list[int] | None = None) -> list[ReferralRow]:
    """Referrals awaiting an answer past their follow-up date, longest waiting first."""
    conditions = [Referral.status == AWAITING, Referral.follow_up_on.is_not(None),
                  Referral.follow_up_on < today]
    if case_ids is not None:
        conditions.append(Referral.case_id.in_(case_ids))
    rows = _rows(session, cfg, *conditions, with_steps=False)
    return sorted(rows, key=lambda row: (row.follow_up_on, row.id))


def waiting_cases(session: Session, cfg: Config, today: date,
                  case_ids: list[int]) -> dict[int, list[str]]:
    """Of ``case_ids``, the cases with a referral awaiting an answer past its follow-up
    date, each with those services' short names ("MARAC", not its words in brackets)."""
    found: dict[int, list[str]] = defaultdict(list)
    if not case_ids:
        return found
    for case_id, service in session.execute(select(Referral.case_id, Referral.service).where(
            Referral.case_id.in_(case_ids), Referral.status == AWAITING,
            Referral.follow_up_on.is_not(None), Referral.follow_up_on < today)
            .order_by(Referral.follow_up_on, Referral.id)):
        name = cfg.referrals.service_name(service).split(" (")[0]
        if name not in found[case_id]:
            found[case_id].append(name)
    return found


def made_at_meeting(session: Session, cfg: Config, meeting_id: int) -> list[ReferralRow]:
    """The referrals made in the meeting (from its case items), oldest first."""
    return list(reversed(_rows(session, cfg, Referral.meeting_id == meeting_id)))


def counts_by_day(session: Session, cfg: Config, until: date) -> dict[str, Counter]:
    """Per configured referral measure: referrals to its services, by the day made."""
    counts: dict[str, Counter] = {m.key: Counter() for m in cfg.referrals.measures}
    wanted = {s for m in cfg.referrals.measures for s in m.services}
    if not wanted:
        return counts
    per_service: dict[str, Counter] = defaultdict(Counter)
    for service, on, n in session.execute(
        select(Referral.service, Referral.referred_on, func.count())
        .where(Referral.service.in_(wanted), Referral.referred_on <= until)
        .group_by(Referral.service, Referral.referred_on)
    ):
        per_service[service][date.fromisoformat(on) if isinstance(on, str) else on] += n
    for measure in cfg.referrals.measures:
        for service in measure.services:
            counts[measure.key].update(per_service.get(service, Counter()))
    return counts
