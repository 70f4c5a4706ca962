"""Incidents inside the harm and flag windows, counted by the database.

The case list needs, for thousands of cases, how many incidents fall inside the
harm index's two windows and inside each flag rule's window. The database
counts them in one pass over the case-incident links and returns the counts,
plus the incident facts of only the few cases whose counts could meet a flag
rule (the pure rules in ``jagtui.rules.flags`` make the final call and write
the reason). The flag board counts per person and place with the same helpers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case as when, func, literal, or_, select, union_all
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules.dates import months_before
from jagtui.rules.facts import IncidentFact
from jagtui.rules.harm import windows
from jagtui.store.incidents import SUBJECT_ROLES
from jagtui.store.models import Case, CaseParty, Incident, IncidentParty


def sum_if(condition) -> object:
    return func.sum(when((condition, 1), else_=0))


def in_window(start: date, today: date):
    """Ids of incidents in ``[start, today]``. Filtering the links by this list (rather
    than joining and filtering the incidents) steers SQLite, which keeps no
    statistics, to walk the date index instead of every link: 25 ms, not 1 s, at
    100,000 incidents."""
    return select(Incident.id).where(Incident.occurred_on >= start, Incident.occurred_on <= today)


def asb_keys(cfg: Config) -> list[str]:
    return [c.key for c in cfg.categories if c.asb]


def _case_links(case_ids, since: date, today: date):
    """Each incident in ``[since, today]`` reaching each case, once:
    (case_id, incident_id, as_victim).

    The links of ``store.incidents.case_incidents``: the case's people in a
    subject role, and its locations. An incident reached twice (as victim and
    perpetrator, or through a person and a place) is one row, as victim if
    either link is (a place's incidents count as the case's own).

    The window's incidents lead (``in_window``), so the work grows with the
    window, not with how long the cases' people have been known.
    """
    through_people = (
        select(CaseParty.case_id.label("case_id"), IncidentParty.incident_id.label("incident_id"),
               when((IncidentParty.role == "victim", 1), else_=0).label("as_victim"))
        .join(IncidentParty, IncidentParty.person_id == CaseParty.person_id)
        .where(CaseParty.case_id.in_(case_ids), IncidentParty.role.in_(SUBJECT_ROLES),
               IncidentParty.incident_id.in_(in_window(since, today)))
    )
    through_places = (
        select(CaseParty.case_id, Incident.id, literal(1))
        .join(Incident, Incident.location_id == CaseParty.location_id)
        .where(CaseParty.case_id.in_(case_ids),
               Incident.occurred_on >= since, Incident.occurred_on <= today)
    )
    links = union_all(through_people, through_places).subquery()
    return (
        select(links.c.case_id, links.c.incident_id, func.max(links.c.as_victim).label("as_victim"))
        .group_by(links.c.case_id, links.c.incident_id)
        .subquery()
    )


@dataclass(frozen=True)
class LinkedIncident:
    """An incident as the flag rules read it for a case (see ``caselist.case_flags``)."""

    fact: IncidentFact
    as_victim: bool


def _flag_windows(cfg: Config, today: date) -> tuple[date, date, date]:
    """Where the repeat-victim, Community Trigger and repeat-location windows start."""
    rules = cfg.flags
    return (months_before(today, rules.repeat_victim.months),
            months_before(today, rules.community_trigger.months),
            months_before(today, rules.repeat_location.months))


@dataclass
class CaseWindows:
    """One case's incidents by category in the harm index's two windows, and its
    incidents in the flag windows if they could meet a flag rule."""

    current: dict[str, int] = field(default_factory=dict)
    previous: dict[str, int] = field(default_factory=dict)
    incidents: list[LinkedIncident] = field(default_factory=list)


def _counted_links(cfg: Config, today: date, case_ids):
    """Each case-incident link inside the widest window, carrying its case's counts:
    per category in the two harm windows, per case in each flag rule's window."""
    previous_start, current_start, _ = windows(today, cfg.harm.window_days)
    rv_start, ct_start, rl_start = _flag_windows(cfg, today)
    links = _case_links(case_ids, min(previous_start, rv_start, ct_start, rl_start), today)
    on, victim = Incident.occurred_on, links.c.as_victim == 1
    victim_asb = and_(victim, Incident.category.in_(asb_keys(cfg)))
    category = (links.c.case_id, Incident.category)

    def per_category(condition):
        return sum_if(condition).over(partition_by=category)

    def per_case(condition):
        return sum_if(condition).over(partition_by=links.c.case_id)

    return (
        select(links.c.case_id, links.c.as_victim, Incident.id.label("incident_id"),
               Incident.source_ref, on, Incident.category, Incident.hate, Case.case_type,
               func.min(Incident.id).over(partition_by=category).label("first_id"),
               per_category(on >= current_start).label("current"),
               per_category(and_(on >= previous_start, on < current_start)).label("previous"),
               per_case(and_(victim_asb, on >= rv_start)).label("repeat_asb"),
               per_case(and_(victim_asb, on >= ct_start)).label("trigger_asb"),
               per_case(and_(Incident.hate, on >= ct_start)).label("hate_trigger"),
               per_case(on >= rl_start).label("repeat_location"))
        .join(Incident, Incident.id == links.c.incident_id)
        .join(Case, Case.id == links.c.case_id)
        .subquery()
    )


def case_windows(session: Session, cfg: Config, today: date, case_ids) -> dict[int, CaseWindows]:
    """Per case (a list or query of ids), its harm counts and, if it could meet an
    incident flag, its incidents in the flag windows. One pass over the links.

    The database keeps one row per case and category (its harm counts) plus
    every incident of a case whose counts could meet a flag rule: counts of
    incidents, not separate refs, so they can only over-select; ``case_flags``
    makes the final call. Any hate incident in the trigger window raises the
    hate flag, so that count also covers the trigger's hate threshold. Cases
    with no incident in any window are left out.
    """
    rules = cfg.flags
    c = _counted_links(cfg, today, case_ids).c
    could_flag = or_(
        c.hate_trigger >= 1,
        and_(c.case_type == "victim", or_(c.repeat_asb >= rules.repeat_victim.count,
                                          c.trigger_asb >= rules.community_trigger.count)),
        and_(c.case_type == "location", c.repeat_location >= rules.repeat_location.count),
    )
    found: dict[int, CaseWindows] = defaultdict(CaseWindows)
    first = c.incident_id == c.first_id  # one row for each case and category
    for case_id, category, counts, current, previous, candidate, as_victim, iid, ref, on, hate in (
        session.execute(
            select(c.case_id, c.category, first, c.current, c.previous, could_flag, c.as_victim,
                   c.incident_id, c.source_ref, c.occurred_on, c.hate)
            .where(or_(first, could_flag))
            .order_by(c.case_id, c.occurred_on, c.incident_id)
        )
    ):
        case = found[case_id]
        if counts and current:
            case.current[category] = int(current)
        if counts and previous:
            case.previous[category] = int(previous)
        if candidate:
            case.incidents.append(LinkedIncident(IncidentFact(iid, ref, on, category, bool(hate)),
                                                 bool(as_victim)))
    return found
