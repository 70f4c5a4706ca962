"""The flag board: everyone and everywhere the meeting must not miss.

Repeat victims and Community Triggers are worked out per PERSON from the
incidents where they are the victim, whether or not they are on a case yet (an
imported incident must not slip through). Repeat locations are worked out per
location, and overdue risk reviews per open case.

The database does the counting: it keeps only incidents inside the rule
windows and returns the people and places with enough of them to possibly meet
a rule. Only for those candidates are the incident facts fetched, and the pure
rules in ``jagtui.rules.flags`` make the final call and write the reason, so the
board says exactly what the rules' tests pin down.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case as when, func, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules import flags as rules
from jagtui.rules.dates import months_before
from jagtui.rules.facts import IncidentFact
from jagtui.store.models import Case, CaseParty, Incident, IncidentParty, Location, Person, RiskAssessment

# The board's kinds, in the order the screen groups them.
BOARD_CODES = ("community_trigger", "repeat_victim", "repeat_location", "review_overdue")


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

    @property
    def has_case(self) -> bool:
        return self.case_id is not None

    @property
    def identity(self) -> tuple:
        """The same flag on the same subject, across reloads."""
        return (self.code, self.person_id, self.location_id, self.case_id)


def _sum_if(condition) -> object:
    return func.sum(when((condition, 1), else_=0))


# Candidate ids go to the database in slices, well under SQLite's bound-parameter limit.
CHUNK = 5_000


def _chunks(ids: list[int]):
    for n in range(0, len(ids), CHUNK):
        yield ids[n:n + CHUNK]


def _in_window(start: date, today: date):
    """Ids of incidents in ``[start, today]``. Filtering the links by this list (rather
    than joining and filtering the incidents) steers SQLite, which keeps no
    statistics, to walk the date index instead of every link: 25 ms, not 1 s, at
    100,000 incidents."""
    return select(Incident.id).where(Incident.occurred_on >= start, Incident.occurred_on <= today)


def _victim_candidates(cfg: Config, today: date):
    """Ids of people with enough victim incidents in a window to possibly meet a rule.

    Counts incidents, not separate refs, so it can only over-select; the rules
    then apply the exact test (separate refs, same category, ...).
    """
    rv, ct = cfg.flags.repeat_victim, cfg.flags.community_trigger
    rv_start, ct_start = months_before(today, rv.months), months_before(today, ct.months)
    asb = Incident.category.in_([c.key for c in cfg.categories if c.asb])
    return (
        select(IncidentParty.person_id)
        .join(Incident, Incident.id == IncidentParty.incident_id)
        .where(IncidentParty.role == "victim",
               IncidentParty.incident_id.in_(_in_window(min(rv_start, ct_start), today)))
        .group_by(IncidentParty.person_id)
        .having(
            (_sum_if(and_(asb, Incident.occurred_on >= rv_start)) >= rv.count)
            | (_sum_if(and_(asb, Incident.occurred_on >= ct_start)) >= ct.count)
            | (_sum_if(and_(Incident.hate, Incident.occurred_on >= ct_start)) >= ct.hate_count)
        )
    )


def _location_candidates(cfg: Config, today: date):
    rl = cfg.flags.repeat_location
    return (
        select(Incident.location_id)
        .where(Incident.location_id.is_not(None),
               Incident.occurred_on >= months_before(today, rl.months), Incident.occurred_on <= today)
        .group_by(Incident.location_id)
        .having(func.count() >= rl.count)
    )


def _open_cases(session: Session, column, ids: list[int]) -> dict[int, tuple[int, str]]:
    """Subject id -> (case id, reference) of the open case it is on.

    With several, the case where it is the primary subject wins, then a case
    where it is the victim, then the newest.
    """
    found: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(column, Case.id, Case.reference)
            .join(Case, Case.id == CaseParty.case_id)
            .where(Case.status == "open", column.in_(chunk))
            .order_by(CaseParty.primary.desc(), (CaseParty.role == "victim").desc(),
                      Case.opened_on.desc(), Case.id.desc())
        )
        for subject_id, case_id, reference in rows:
            found.setdefault(subject_id, (case_id, reference))
    return found


def _line(flag: rules.Flag, *, subject: str, is_person: bool, locality: str, beat: str,
          case: tuple[int, str] | None, person_id: int | None = None,
          location_id: int | None = None) -> FlagLine:
    case_id, reference = case if case else (None, None)
    return FlagLine(flag.code, subject, is_person, locality, beat, flag.rule, flag.reason, flag.refs,
                    flag.since, case_id, reference, person_id, location_id)


def _victim_lines(session: Session, cfg: Config, today: date) -> list[FlagLine]:
    rv, ct = cfg.flags.repeat_victim, cfg.flags.community_trigger
    start = months_before(today, max(rv.months, ct.months))
    ids = list(session.scalars(_victim_candidates(cfg, today)))
    facts: dict[int, list[IncidentFact]] = defaultdict(list)
    people: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Person.id, Person.name, Person.beat, Incident.id, Incident.source_ref,
                   Incident.occurred_on, Incident.category, Incident.hate, Incident.beat)
            .join(IncidentParty, IncidentParty.person_id == Person.id)
            .join(Incident, Incident.id == IncidentParty.incident_id)
            .where(IncidentParty.role == "victim", IncidentParty.person_id.in_(chunk),
                   Incident.occurred_on >= start, Incident.occurred_on <= today)
            .order_by(Person.id, Incident.occurred_on, Incident.id)
        )
        for pid, name, home_beat, iid, ref, on, category, hate, incident_beat in rows:
            facts[pid].append(IncidentFact(iid, ref, on, category, bool(hate)))
            # No beat on record: the beat of their latest incident says roughly where.
            people[pid] = (name, home_beat or incident_beat or "")
    if not facts:
        return []
    cases = _open_cases(session, CaseParty.person_id, ids)
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
    ids = list(session.scalars(_location_candidates(cfg, today)))
    facts: dict[int, list[IncidentFact]] = defaultdict(list)
    places: dict[int, tuple[str, str, str]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Location.id, Location.name, Location.locality, Location.beat, Incident.id,
                   Incident.source_ref, Incident.occurred_on, Incident.category, Incident.hate)
            .join(Incident, Incident.location_id == Location.id)
            .where(Location.id.in_(chunk), Incident.occurred_on >= months_before(today, rl.months),
                   Incident.occurred_on <= today)
            .order_by(Location.id, Incident.occurred_on, Incident.id)
        )
        for lid, name, locality, beat, iid, ref, on, category, hate in rows:
            facts[lid].append(IncidentFact(iid, ref, on, category, bool(hate)))
            places[lid] = (name, locality, beat)
    if not facts:
        return []
    cases = _open_cases(session, CaseParty.location_id, ids)
    lines = []
    for lid, found in facts.items():
        flag = rules.repeat_location(found, rl, today)
        if flag is not None:
            name, locality, beat = places[lid]
            lines.append(_line(flag, subject=name, is_person=False, locality=locality, beat=beat,
                               case=cases.get(lid), location_id=lid))
    return lines


def _overdue_lines(session: Session, today: date) -> list[FlagLine]:
    """Open cases whose LATEST risk assessment is past its review date."""
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
    cases = session.execute(
        select(Case.id, Case.reference, Case.title, Case.beat, overdue.c.review_due)
        .join(overdue, overdue.c.case_id == Case.id)
    ).all()
    if not cases:
        return []
    subjects = {}
    for case_id, pid, person, lid, place, locality, beat in session.execute(
        select(CaseParty.case_id, Person.id, Person.name, Location.id, Location.name,
               Location.locality, Location.beat)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(CaseParty.primary, CaseParty.case_id.in_(select(overdue.c.case_id)))
        .order_by(CaseParty.id)
    ):
        subjects[case_id] = (pid, person, lid, place, locality, beat)
    lines = []
    for case_id, reference, title, case_beat, review_due in cases:
        flag = rules.review_overdue_flag(review_due, today)
        pid, person, lid, place, locality, beat = subjects.get(case_id, (None, None, None, None, "", ""))
        lines.append(_line(
            flag, subject=person or place or title, is_person=person is not None,
            locality=(locality or "") if person is None else "", beat=case_beat or beat or "",
            case=(case_id, reference), person_id=pid, location_id=lid,
        ))
    return lines


def board_order(line: FlagLine) -> tuple:
    """By kind; within a kind, subjects with no case first (nobody is looking
    after them yet), then the longest-standing."""
    return (BOARD_CODES.index(line.code), line.has_case, line.since or date.max,
            line.subject.casefold(), line.case_reference or "")


def flag_board(session: Session, cfg: Config, today: date) -> list[FlagLine]:
    """Every Community Trigger, repeat victim, repeat location and overdue review."""
    lines = [*_victim_lines(session, cfg, today), *_location_lines(session, cfg, today),
             *_overdue_lines(session, today)]
    return sorted(lines, key=board_order)
