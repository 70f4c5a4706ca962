"""The case list: every open case with its risk, harm, flags and action counts.

A handful of set-based queries (one per kind of fact, never one per case) feed
the pure rules in ``jagtui.rules``, so the numbers on the list are the ones the
rules unit tests pin down. The database counts each case's incidents in the
harm windows (``rules.harm.harm_from_counts`` weighs the counts) and returns
incident facts only for the few cases that could meet an incident flag
(``store.incident_counts``); no other case's incidents are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, case as when, exists, func, or_, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules import flags as rules_flags
from jagtui.rules.dates import months_before
from jagtui.rules.flags import Flag
from jagtui.rules.harm import HarmResult, harm_from_counts
from jagtui.store.incident_counts import case_windows
from jagtui.store.models import Action, Case, CaseParty, Location, Person, RiskAssessment
from jagtui.store.text_search import like_pattern

# Up to this many cases, the list's other queries name them by id.
FEW_CASES = 500
RISK_RANK = {"high": 3, "medium": 2, "standard": 1, None: 0}
RAG_RANK = {"red": 3, "amber": 2, "green": 1}


@dataclass(frozen=True)
class CaseRow:
    id: int
    version: int
    reference: str
    title: str
    subject: str
    subject_is_person: bool
    locality: str
    case_type: str
    subgroup: str
    beat: str
    lead_agency: str
    lead_officer: str
    status: str
    rag: str
    opened_on: date
    risk_level: str | None
    risk_review_due: date | None
    harm: HarmResult
    flags: tuple[Flag, ...]
    next_review: date | None
    open_actions: int
    overdue_actions: int

    def has_flag(self, code: str) -> bool:
        return any(flag.code == code for flag in self.flags)


def _case_query(status, subgroup, beat, lead_agency, search, case_ids):
    # Plain rows, not ORM instances: the list is read-only and thousands long.
    query = select(*Case.__table__.columns)
    if status:
        query = query.where(Case.status == status)
    if subgroup:
        query = query.where(Case.subgroup == subgroup)
    if beat:
        query = query.where(Case.beat == beat)
    if lead_agency:
        query = query.where(Case.lead_agency == lead_agency)
    if case_ids is not None:
        query = query.where(Case.id.in_(list(case_ids)))
    if search and search.strip():
        pattern = like_pattern(search.strip().lower())
        named = (
            select(CaseParty.id)
            .outerjoin(Person, Person.id == CaseParty.person_id)
            .outerjoin(Location, Location.id == CaseParty.location_id)
            .where(
                CaseParty.case_id == Case.id,
                or_(
                    func.lower(Person.name).like(pattern, escape="\\"),
                    func.lower(Location.name).like(pattern, escape="\\"),
                    func.lower(Location.locality).like(pattern, escape="\\"),
                ),
            )
        )
        query = query.where(
            or_(
                func.lower(Case.reference).like(pattern, escape="\\"),
                func.lower(Case.title).like(pattern, escape="\\"),
                exists(named),
            )
        )
    return query


def matching_case_ids(session: Session, search: str, status: str | None = None) -> set[int]:
    """Ids of cases whose reference, title or a party's name or place contains ``search``.

    Ids only, so a keystroke in the search box costs one indexed query, not a
    recomputation of every case's harm and flags.
    """
    query = _case_query(status, None, None, None, search, None).with_only_columns(Case.id)
    return set(session.scalars(query))


def _plain(session: Session, query) -> list:
    """Plain rows through Core, without the ORM's per-row step, fetched at once
    (not row by row): thousands of rows, and the list only reads their values."""
    return session.connection().execute(query).all()


def _latest_risk(session: Session, ids) -> dict[int, tuple[str, date | None]]:
    ranked = (
        select(
            RiskAssessment.case_id,
            RiskAssessment.level,
            RiskAssessment.review_due,
            func.row_number()
            .over(
                partition_by=RiskAssessment.case_id,
                order_by=(RiskAssessment.assessed_on.desc(), RiskAssessment.id.desc()),
            )
            .label("rn"),
        )
        .where(RiskAssessment.case_id.in_(ids))
        .subquery()
    )
    rows = _plain(session, select(ranked.c.case_id, ranked.c.level, ranked.c.review_due)
                  .where(ranked.c.rn == 1))
    return {case_id: (level, due) for case_id, level, due in rows}


def _subjects(session: Session, ids) -> dict[int, tuple[str, bool, str]]:
    rows = _plain(
        session,
        select(CaseParty.case_id, Person.name, Location.name, Location.locality)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(CaseParty.case_id.in_(ids), CaseParty.primary)
        .order_by(CaseParty.id.desc())
    )
    found = {}
    for case_id, person, place, locality in rows:
        found[case_id] = (person, True, "") if person else (place or "", False, locality or "")
    return found


def _young_subjects(session: Session, ids, born_after: date) -> dict[int, date]:
    """The youngest subject's date of birth, for cases with a subject born after
    ``born_after``: the victim(s) of a victim case, the perpetrator(s) of a
    perpetrator case; not a child in the household."""
    subject = or_(
        and_(Case.case_type == "victim", CaseParty.role == "victim"),
        and_(Case.case_type == "perpetrator", CaseParty.role == "perpetrator"),
    )
    rows = _plain(
        session,
        select(CaseParty.case_id, func.max(Person.date_of_birth))
        .join(Person, Person.id == CaseParty.person_id)
        .join(Case, Case.id == CaseParty.case_id)
        .where(CaseParty.case_id.in_(ids), Person.date_of_birth > born_after, subject)
        .group_by(CaseParty.case_id)
    )
    return {case_id: dob for case_id, dob in rows}


def _action_counts(session: Session, ids, today: date) -> dict[int, tuple[int, int]]:
    rows = _plain(
        session,
        select(
            Action.case_id,
            func.count(),
            func.sum(when((Action.due_on < today, 1), else_=0)),
        )
        .where(Action.case_id.in_(ids), Action.status == "open")
        .group_by(Action.case_id)
    )
    return {case_id: (total, int(overdue or 0)) for case_id, total, overdue in rows}


@lru_cache(maxsize=4096)
def _standing_flags(is_victim: bool, is_open: bool, level: str | None, review_due: date | None,
                    youngest: date | None, today: date, youth_under: int) -> tuple[Flag, ...]:
    """The flags that need no incidents. Thousands of cases share the same risk
    level, review date and youngest subject: worked out once for each."""
    found = (
        rules_flags.vulnerable_flag(level) if is_victim else None,
        rules_flags.review_overdue_flag(review_due, today) if is_open else None,
        rules_flags.youth_flag(youngest, today, youth_under),
    )
    return tuple(flag for flag in found if flag is not None)


def case_flags(
    cfg: Config, today: date, case: Case, incidents, risk: tuple[str, date | None] | None,
    youngest: date | None,
) -> tuple[Flag, ...]:
    """Every flag that applies to one case, in a fixed order.

    ``case`` needs ``case_type`` and ``status``; ``incidents`` are the case's
    incidents in the flag windows at least (items with ``fact`` and ``as_victim``).
    """
    rules = cfg.flags
    level, review_due = risk or (None, None)
    is_victim = case.case_type == "victim"
    standing = _standing_flags(is_victim, case.status == "open", level, review_due, youngest,
                               today, rules.youth_under)
    if not incidents:
        return standing
    facts = [item.fact for item in incidents]
    victim_facts = [item.fact for item in incidents if item.as_victim]
    # Trigger and repeat-victim rules are about a person who complained: victim cases only.
    found = (
        rules_flags.community_trigger(victim_facts, rules.community_trigger, cfg.categories, today)
        if is_victim else None,
        rules_flags.repeat_victim(victim_facts, rules.repeat_victim, cfg.categories, today)
        if is_victim else None,
        rules_flags.hate_flag(facts, rules.community_trigger.months, today),
        *standing,
        rules_flags.repeat_location(facts, rules.repeat_location, today)
        if case.case_type == "location" else None,
    )
    return tuple(flag for flag in found if flag is not None)


# What the list shows of a case (not its summary or audit columns).
_LIST_COLUMNS = (Case.id, Case.version, Case.reference, Case.title, Case.case_type, Case.subgroup,
                 Case.beat, Case.lead_agency, Case.lead_officer, Case.status, Case.rag,
                 Case.opened_on)


def case_rows(
    session: Session,
    cfg: Config,
    today: date,
    *,
    status: str | None = "open",
    subgroup: str | None = None,
    beat: str | None = None,
    lead_agency: str | None = None,
    search: str = "",
    next_meeting: date | None = None,
    case_ids=None,
) -> list[CaseRow]:
    """Cases matching the filters, in reference order, with everything the list shows."""
    query = _case_query(status, subgroup, beat, lead_agency, search, case_ids)
    cases = _plain(session, query.with_only_columns(*_LIST_COLUMNS).order_by(Case.reference))
    if not cases:
        return []
    # A few cases (a search, a meeting) go by id; many by the filter itself (a
    # semi-join each, not thousands of parameters).
    ids = ([case.id for case in cases] if len(cases) <= FEW_CASES
           else query.with_only_columns(Case.id))
    risks = _latest_risk(session, ids)
    subjects = _subjects(session, ids)
    # Nobody born before this can be under the youth age today; the rule decides the rest.
    youngest = _young_subjects(session, ids, months_before(today, 12 * (cfg.flags.youth_under + 1)))
    actions = _action_counts(session, ids, today)
    counted = case_windows(session, cfg, today, ids)
    no_harm = harm_from_counts({}, {}, cfg.categories)
    rows = []
    for case in cases:
        (case_id, version, reference, title, case_type, case_subgroup, case_beat, agency, officer,
         case_status, rag, opened_on) = case
        risk = risks.get(case_id)
        level, review_due = risk or (None, None)
        subject, is_person, locality = subjects.get(case_id, (title, False, ""))
        open_count, overdue = actions.get(case_id, (0, 0))
        its = counted.get(case_id)
        if its and its.incidents:
            flags = case_flags(cfg, today, case, its.incidents, risk, youngest.get(case_id))
        else:  # most cases: no incident that could meet a flag rule
            flags = _standing_flags(case_type == "victim", case_status == "open", level,
                                    review_due, youngest.get(case_id), today, cfg.flags.youth_under)
        rows.append(CaseRow(
            id=case_id, version=version, reference=reference, title=title,
            subject=subject, subject_is_person=is_person, locality=locality,
            case_type=case_type, subgroup=case_subgroup, beat=case_beat,
            lead_agency=agency, lead_officer=officer, status=case_status,
            rag=rag, opened_on=opened_on,
            risk_level=level, risk_review_due=review_due,
            harm=harm_from_counts(its.current, its.previous, cfg.categories) if its else no_harm,
            flags=flags,
            next_review=review_due or next_meeting,
            open_actions=open_count, overdue_actions=overdue,
        ))
    return rows


def highest_risk_first(row: CaseRow) -> tuple:
    """The default sort: risk level, then RAG, then harm, then flags."""
    return (-RISK_RANK.get(row.risk_level, 0), -RAG_RANK.get(row.rag, 0), -row.harm.index,
            -len(row.flags), row.reference)
