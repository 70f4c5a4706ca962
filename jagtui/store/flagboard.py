"""The flag board: everyone and everywhere the meeting must not miss.

Repeat victims and Community Triggers are worked out per PERSON from the
incidents where they are the victim, whether or not they are on a case yet (an
imported incident must not slip through). Repeat locations are worked out per
location, and overdue risk reviews per open case.

The database does the counting: it keeps only incidents inside the rule
windows, counts them per person and place (window functions, one pass) and
returns the incident facts of only the people and places with enough of them to
possibly meet a rule. The pure rules in ``jagtui.rules.flags`` make the final
call and write the reason, so the board says exactly what the rules' tests pin
down.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, func, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules import flags as rules
from jagtui.rules.dates import fmt_date, months_before
from jagtui.rules.facts import IncidentFact
from jagtui.store.incident_counts import asb_keys, in_window, sum_if
from jagtui.store import case_reviews
from jagtui.store import referrals
from jagtui.store.models import Case, CaseParty, Incident, IncidentParty, Location, Person, RiskAssessment

# Hundreds of open cases share each review date: the flag is worked out once per date.
_review_overdue_flag = lru_cache(maxsize=4096)(rules.review_overdue_flag)

# The board's kinds, in the order the screen groups them.
BOARD_CODES = ("community_trigger", "repeat_victim", "repeat_location", "review_overdue",
               "referral_overdue")
REFERRAL_RULE = "A referral still awaiting the service's answer after its follow-up date"

# ASB case reviews with a step past its timescale: the partnership owes the applicant.
BOARD_CODES += ("case_review_overdue",)
CASE_REVIEW_RULE = "An ASB case review step past its timescale (working days, [case_reviews])"


@dataclass(frozen=True)
class FlagLine:
    """One flag on one subject, with the rule's reason in words."""

    code: str
    subject: str
    subject_is_person: bool
    locality: str
    beat: str
    rule: str
    reason: str
    refs: tuple[str, ...]
    since: date | None
    case_id: int | None
    case_reference: str | None
    person_id: int | None = None
    location_id: int | None = None
    case_open: bool = True              # False: the case named is closed (there is no open one)
    case_closed_on: date | None = None
    review_id: int | None = None        # an ASB case review's line: Enter opens its record

    @property
    def has_case(self) -> bool:
        """On an open case: someone is looking after them."""
        return self.case_id is not None and self.case_open

    @property
    def closed_case(self) -> bool:
        """Their only cases are closed: the latest is named, so the room sees it ended."""
        return self.case_id is not None and not self.case_open

    @property
    def identity(self) -> tuple:
        """The same flag on the same subject, across reloads."""
        return (self.code, self.person_id, self.location_id, self.case_id)


# Candidate ids go to the database in slices, well under SQLite's bound-parameter limit.
CHUNK = 5_000


def _chunks(ids: list[int]):
    for n in range(0, len(ids), CHUNK):
        yield ids[n:n + CHUNK]


def _victim_candidates(cfg: Config, today: date):
    """The victim incidents in the rule windows of each person with enough of them
    to possibly meet a rule, oldest first: (person, name, home beat, incident...).

    The counts are incidents, not separate refs, so this can only over-select;
    the rules then apply the exact test (separate refs, same category, ...).
    One pass: each victim link in the window carries its person's counts.
    """
    rv, ct = cfg.flags.repeat_victim, cfg.flags.community_trigger
    rv_start, ct_start = months_before(today, rv.months), months_before(today, ct.months)
    asb, on = Incident.category.in_(asb_keys(cfg)), Incident.occurred_on

    def per_person(condition):
        return sum_if(condition).over(partition_by=IncidentParty.person_id)

    counted = (
        select(IncidentParty.person_id, Incident.id.label("incident_id"), Incident.source_ref, on,
               Incident.category, Incident.hate, Incident.beat.label("incident_beat"),
               per_person(and_(asb, on >= rv_start)).label("repeat_asb"),
               per_person(and_(asb, on >= ct_start)).label("trigger_asb"),
               per_person(and_(Incident.hate, on >= ct_start)).label("trigger_hate"))
        .join(Incident, Incident.id == IncidentParty.incident_id)
        .where(IncidentParty.role == "victim",
               IncidentParty.incident_id.in_(in_window(min(rv_start, ct_start), today)))
        .subquery()
    )
    c = counted.c
    return (
        select(c.person_id, Person.name, Person.beat, c.incident_id, c.source_ref, c.occurred_on,
               c.category, c.hate, c.incident_beat)
        .join(Person, Person.id == c.person_id)
        .where((c.repeat_asb >= rv.count) | (c.trigger_asb >= ct.count)
               | (c.trigger_hate >= ct.hate_count))
        .order_by(c.person_id, c.occurred_on, c.incident_id)
    )


def _location_candidates(cfg: Config, today: date):
    """The incidents in the repeat-location window at each place with enough of
    them to possibly meet the rule, oldest first: (place, name, locality, beat, incident...)."""
    rl = cfg.flags.repeat_location
    counted = (
        select(Incident.location_id, Incident.id.label("incident_id"), Incident.source_ref,
               Incident.occurred_on, Incident.category, Incident.hate,
               func.count().over(partition_by=Incident.location_id).label("incidents"))
        .where(Incident.location_id.is_not(None),
               Incident.occurred_on >= months_before(today, rl.months), Incident.occurred_on <= today)
        .subquery()
    )
    c = counted.c
    return (
        select(Location.id, Location.name, Location.locality, Location.beat, c.incident_id,
               c.source_ref, c.occurred_on, c.category, c.hate)
        .join(Location, Location.id == c.location_id)
        .where(c.incidents >= rl.count)
        .order_by(Location.id, c.occurred_on, c.incident_id)
    )


def _cases_of(session: Session, column, ids: list[int]) -> dict[int, tuple[int, str, bool, date | None]]:
    """Subject id -> (case id, reference, open, closed on) of the case the board names.

    An open case if there is one (the case where it is the primary subject wins,
    then a case where it is the victim, then the newest); else the case closed
    last, so someone whose case closed today is not shown as having none.
    """
    found: dict[int, tuple[int, str, bool, date | None]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(column, Case.id, Case.reference, Case.status, Case.closed_on)
            .join(Case, Case.id == CaseParty.case_id)
            .where(column.in_(chunk))
            .order_by((Case.status == "open").desc(), CaseParty.primary.desc(),
                      (CaseParty.role == "victim").desc(), Case.closed_on.desc(),
                      Case.opened_on.desc(), Case.id.desc())
        )
        for subject_id, case_id, reference, status, closed_on in rows:
            found.setdefault(subject_id, (case_id, reference, status == "open", closed_on))
    return found


def _line(flag: rules.Flag, *, subject: str, is_person: bool, locality: str, beat: str,
          case: tuple[int, str, bool, date | None] | None, person_id: int | None = None,
          location_id: int | None = None) -> FlagLine:
    case_id, reference, is_open, closed_on = case if case else (None, None, True, None)
    return FlagLine(flag.code, subject, is_person, locality, beat, flag.rule, flag.reason, flag.refs,
                    flag.since, case_id, reference, person_id, location_id, is_open, closed_on)


def _victim_lines(session: Session, cfg: Config, today: date) -> list[FlagLine]:
    rv, ct = cfg.flags.repeat_victim, cfg.flags.community_trigger
    facts: dict[int, list[IncidentFact]] = defaultdict(list)
    people: dict[int, tuple[str, str]] = {}
    for pid, name, home_beat, iid, ref, on, category, hate, incident_beat in session.execute(
        _victim_candidates(cfg, today)
    ):
        facts[pid].append(IncidentFact(iid, ref, on, category, bool(hate)))
        # No beat on record: the beat of their latest incident says roughly where.
        people[pid] = (name, home_beat or incident_beat or "")
    if not facts:
        return []
    cases = _cases_of(session, CaseParty.person_id, list(facts))
    lines = []
    for pid, found in facts.items():
        name, beat = people[pid]
        for flag in (rules.community_trigger(found, ct, cfg.categories, today),
                     rules.repeat_victim(found, rv, cfg.categories, today)):
            if flag is not None:
                lines.append(_line(flag, subject=name, is_person=True, locality="", beat=beat,
                                   case=cases.get(pid), person_id=pid))
    return lines


def _location_lines(session: Session, cfg: Config, today: date) -> list[FlagLine]:
    rl = cfg.flags.repeat_location
    facts: dict[int, list[IncidentFact]] = defaultdict(list)
    places: dict[int, tuple[str, str, str]] = {}
    for lid, name, locality, beat, iid, ref, on, category, hate in session.execute(
        _location_candidates(cfg, today)
    ):
        facts[lid].append(IncidentFact(iid, ref, on, category, bool(hate)))
        places[lid] = (name, locality, beat)
    if not facts:
        return []
    cases = _cases_of(session, CaseParty.location_id, list(facts))
    lines = []
    for lid, found in facts.items():
        flag = rules.repeat_location(found, rl, today)
        if flag is not None:
            name, locality, beat = places[lid]
            lines.append(_line(flag, subject=name, is_person=False, locality=locality, beat=beat,
                               case=cases.get(lid), location_id=lid))
    return lines


def _overdue_cases(today: date):
    """Open cases whose LATEST risk assessment is past its review date, with their
    primary subject (the last one linked, if several): one row each."""
    ranked = (
        select(
            RiskAssessment.case_id, RiskAssessment.review_due,
            func.row_number().over(
                partition_by=RiskAssessment.case_id,
                order_by=(RiskAssessment.assessed_on.desc(), RiskAssessment.id.desc()),
            ).label("rn"),
        )
        .join(Case, Case.id == RiskAssessment.case_id)
        .where(Case.status == "open")
        .subquery()
    )
    overdue = (select(ranked.c.case_id, ranked.c.review_due)
               .where(ranked.c.rn == 1, ranked.c.review_due < today).subquery())
    primary = (select(func.max(CaseParty.id)).where(CaseParty.case_id == Case.id, CaseParty.primary)
               .correlate(Case).scalar_subquery())
    return (
        select(Case.id, Case.reference, Case.title, Case.beat, overdue.c.review_due, Person.id,
               Person.name, Location.id, Location.name, Location.locality, Location.beat)
        .join(overdue, overdue.c.case_id == Case.id)
        .outerjoin(CaseParty, CaseParty.id == primary)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
    )


def _overdue_lines(session: Session, today: date) -> list[FlagLine]:
    lines = []
    for (case_id, reference, title, case_beat, review_due, pid, person, lid, place, locality,
         beat) in session.execute(_overdue_cases(today)):
        lines.append(_line(
            _review_overdue_flag(review_due, today), subject=person or place or title,
            is_person=person is not None, locality=(locality or "") if person is None else "",
            beat=case_beat or beat or "", case=(case_id, reference, True, None), person_id=pid,
            location_id=lid,
        ))
    return lines


def _referral_lines(session: Session, cfg: Config, today: date) -> list[FlagLine]:
    """One line per person and case with referrals awaiting an answer past their
    follow-up date (the services named; never the reason, which is sensitive)."""
    waiting: dict[tuple, list] = defaultdict(list)
    for row in referrals.overdue(session, cfg, today):
        waiting[(row.person_id, row.case_id)].append(row)
    if not waiting:
        return []
    beats = dict(session.execute(select(Person.id, Person.beat).where(
        Person.id.in_([pid for pid, _ in waiting if pid is not None]))).all())
    cases = {cid: (ref, status, closed) for cid, ref, status, closed in session.execute(
        select(Case.id, Case.reference, Case.status, Case.closed_on)
        .where(Case.id.in_([cid for _, cid in waiting])))}
    lines = []
    for (pid, cid), rows in waiting.items():
        reference, status, closed_on = cases[cid]
        said = "; ".join(f"{row.service_name}, made {fmt_date(row.referred_on)} by {row.made_by}, "
                         f"follow-up was due {fmt_date(row.follow_up_on)}" for row in rows)
        flag = rules.Flag("referral_overdue", REFERRAL_RULE,
                          f"No answer yet: {said}", (), rows[0].follow_up_on)
        lines.append(_line(flag, subject=rows[0].person or "(person erased)", is_person=True,
                           locality="", beat=beats.get(pid) or "",
                           case=(cid, reference, status == "open", closed_on), person_id=pid))
    return lines


def _case_review_lines(session: Session, cfg: Config, today: date) -> list[FlagLine]:
    """One line per ASB case review with a step overdue: its reference and the steps."""
    lines = []
    for row in case_reviews.overdue(session, cfg, today):
        steps = "; ".join(f"{s.name.lower()} was due {fmt_date(s.due)}" for s in row.overdue)
        flag = rules.Flag("case_review_overdue", CASE_REVIEW_RULE,
                          f"{row.reference} ({row.status}): {steps}", (), row.overdue[0].due)
        case = (row.case_id, row.case_reference, True, None) if row.case_id else None
        subject = row.victim or row.representative or row.reference
        lines.append(replace(_line(flag, subject=subject, is_person=True, locality="", beat="",
                                   case=case), review_id=row.id))
    return lines


def board_order(line: FlagLine) -> tuple:
    """By kind; within a kind, subjects with no open case first (nobody is looking
    after them now), then the longest-standing."""
    return (BOARD_CODES.index(line.code), line.has_case, line.since or date.max,
            line.subject.casefold(), line.case_reference or "")


def flag_board(session: Session, cfg: Config, today: date) -> list[FlagLine]:
    """Every Community Trigger, repeat victim, repeat location, overdue review and
    referral awaiting an answer past its follow-up date."""
    lines = [*_victim_lines(session, cfg, today), *_location_lines(session, cfg, today),
             *_overdue_lines(session, today), *_referral_lines(session, cfg, today)]
    return sorted([*lines, *_case_review_lines(session, cfg, today)], key=board_order)
