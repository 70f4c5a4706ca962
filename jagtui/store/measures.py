"""The plan's impact measures that the JAG's own records can count, by financial quarter.

From the CSP Plan 2023-26 (baseline: the 2022/23 data set):

- high-risk cases referred, adult and youth: a case counts once, in the quarter
  it was first both open at the JAG (referred) and assessed high risk (the later
  of its opening and its first high-risk assessment); it is a youth case when a
  perpetrator on it was under the youth age (``rules.flags.is_youth``) at the
  incident: their latest incident as a perpetrator by that day, else that day.
  A victim's or a household member's age does not make a case "youth";
- interventions against young perpetrators: every step of the ASB incremental
  approach issued to someone under the youth age on the day of issue (the
  intervention's person, else the youngest perpetrator on the case);
- ABCs completed without a breach: Acceptable Behaviour Contracts complied with
  (or run to their end) with no breach recorded, counted when they ended (their
  review date, or the day the outcome was recorded if that was earlier);
- Community Trigger threshold met: the victims on the JAG's cases counted once,
  in the quarter they first met the trigger rule (``rules.flags.community_trigger``
  over the incidents they were the victim of); a person, not a case, because the
  trigger is a person's right and one victim can be on several cases;
- repeat victims identified: the same, for ``rules.flags.repeat_victim``;
- Community Trigger applications (activations): ASB case review applications
  received, counted on the day received, whether or not the threshold was met;
  kept apart from the victims who meet the threshold, which the data flags;
- referrals out (``[referrals.measures]`` in config, e.g. "referrals to the County
  CE Team"): the referrals made to the measure's services, on the day made
  (:func:`measures_of` lists them after the fixed measures).

Each measure is one SQL query that does the joining, filtering and aggregating
(``count``, ``min``, ``max``); the rules the case list uses then decide youth,
trigger and repeat, so the numbers agree with the flags the meeting sees. Counts
are kept by day, so a quarter still under way can be compared with the same
days of the baseline quarter.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from itertools import groupby
from operator import itemgetter

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules import flags as rules_flags
from jagtui.rules.dates import months_before
from jagtui.rules.facts import IncidentFact
from jagtui.rules.quarters import quarter_of
from jagtui.store import referrals
from jagtui.store.case_review_tables import CaseReview
from jagtui.store.models import (
    Breach, Case, CaseParty, Incident, IncidentParty, Intervention, Person, RiskAssessment,
)

MEASURES = (
    ("high_risk_adult", "High-risk adult cases referred"),
    ("high_risk_youth", "High-risk youth cases referred"),
    ("young_interventions", "Interventions against young perpetrators"),
    ("abc_no_breach", "ABCs completed without a breach"),
    ("community_trigger", "Victims meeting the Community Trigger threshold"),
    ("repeat_victims", "Repeat victims identified"),
    ("trigger_applications", "Community Trigger applications (activations)"),
)

Quarter = tuple[int, int]


@dataclass(frozen=True)
class QuarterlyMeasures:
    """Counts per measure key per day; by quarter ``(start year, quarter)`` or between two
    days on request. Missing means 0."""

    by_day: dict[str, Counter]
    first_data: date | None
    # (key, name) of every measure counted, in report order (``measures_of``).
    names: tuple[tuple[str, str], ...] = MEASURES

    @cached_property
    def counts(self) -> dict[str, Counter]:
        """Per measure key, per quarter."""
        out: dict[str, Counter] = {}
        for key, days in self.by_day.items():
            quarters: Counter = Counter()
            for day, n in days.items():
                quarters[quarter_of(day)] += n
            out[key] = quarters
        return out

    def get(self, key: str, quarter: Quarter) -> int:
        return self.counts[key][quarter]

    def between(self, key: str, first: date, last: date) -> int:
        """The count from ``first`` to ``last``, both included."""
        return sum(n for day, n in self.by_day[key].items() if first <= day <= last)


def first_data_on(session: Session) -> date | None:
    """The earliest date in the JAG's records (a case opened, an incident, an intervention)."""
    dates = [session.scalar(select(func.min(column))) for column in
             (Case.opened_on, Incident.occurred_on, Intervention.issued_on)]
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def _as_date(value) -> date | None:
    """SQLite can hand back an aggregate of dates as ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _high_risk(session: Session, cfg: Config, until: date, counts: dict[str, Counter]) -> None:
    # Joined, not a subquery per case: only cases ever assessed high are looked at.
    first_high = (select(RiskAssessment.case_id,
                         func.min(RiskAssessment.assessed_on).label("high_on"))
                  .where(RiskAssessment.level == "high")
                  .group_by(RiskAssessment.case_id).subquery())
    cases = session.execute(
        select(Case.id, Case.opened_on, first_high.c.high_on)
        .join(first_high, first_high.c.case_id == Case.id).where(Case.opened_on <= until))
    perpetrators = (select(CaseParty.case_id, CaseParty.person_id)
                    .join(first_high, first_high.c.case_id == CaseParty.case_id)
                    .where(CaseParty.role == "perpetrator", CaseParty.person_id.is_not(None))
                    .subquery())
    born: dict[int, list[tuple[int, date | None]]] = {}
    for case_id, person_id, dob in session.execute(
            select(perpetrators.c.case_id, Person.id, Person.date_of_birth)
            .join(Person, Person.id == perpetrators.c.person_id)):
        born.setdefault(case_id, []).append((person_id, _as_date(dob)))
    offended: dict[int, list[date]] = {}
    for person_id, on in session.execute(
            select(IncidentParty.person_id, Incident.occurred_on)
            .join(Incident, Incident.id == IncidentParty.incident_id)
            .where(IncidentParty.role == "perpetrator", Incident.occurred_on <= until,
                   IncidentParty.person_id.in_(select(perpetrators.c.person_id)))
            .order_by(IncidentParty.person_id, Incident.occurred_on)):
        offended.setdefault(person_id, []).append(_as_date(on))
    under = cfg.flags.youth_under

    def youth_then(person_id: int, dob: date | None, became: date) -> bool:
        dates = offended.get(person_id, [])
        at = bisect_right(dates, became)
        return rules_flags.is_youth(dob, dates[at - 1] if at else became, under)

    for case_id, opened_on, high_on in cases:
        # Referred and high risk: counted once, when both are first true.
        became = max(_as_date(opened_on), _as_date(high_on))
        if became > until:
            continue
        youth = any(youth_then(pid, dob, became) for pid, dob in born.get(case_id, ()))
        counts["high_risk_youth" if youth else "high_risk_adult"][became] += 1


def _young_interventions(session: Session, cfg: Config, until: date,
                         counts: dict[str, Counter]) -> None:
    youngest_perpetrator = (
        select(CaseParty.case_id, func.max(Person.date_of_birth).label("born"))
        .join(Person, Person.id == CaseParty.person_id)
        .where(CaseParty.role == "perpetrator")
        .group_by(CaseParty.case_id).subquery()
    )
    subject = Person.__table__.alias("subject")
    per_intervention = (
        select(Intervention.issued_on.label("issued_on"),
               func.coalesce(subject.c.date_of_birth, youngest_perpetrator.c.born).label("born"))
        .outerjoin(subject, subject.c.id == Intervention.person_id)
        .outerjoin(youngest_perpetrator, youngest_perpetrator.c.case_id == Intervention.case_id)
        .where(Intervention.issued_on <= until).subquery()
    )
    rows = session.execute(
        select(per_intervention.c.issued_on, per_intervention.c.born, func.count())
        .group_by(per_intervention.c.issued_on, per_intervention.c.born)
    )
    under = cfg.flags.youth_under
    for issued_on, born, n in rows:
        issued_on, born = _as_date(issued_on), _as_date(born)
        # Not known, or born in a year more than `under` before: never a youth that day,
        # so most rows skip the rule's calendar arithmetic.
        if born is None or issued_on.year - born.year > under:
            continue
        if rules_flags.is_youth(born, issued_on, under):
            counts["young_interventions"][issued_on] += n


def abc_steps(cfg: Config) -> list[str]:
    """The ladder steps that are Acceptable Behaviour Contracts."""
    return [step.key for step in cfg.ladder
            if step.key.upper() == "ABC" or "acceptable behaviour" in step.name.lower()]


def _abcs(session: Session, cfg: Config, until: date, counts: dict[str, Counter]) -> None:
    breached = select(Breach.id).where(Breach.intervention_id == Intervention.id).exists()
    rows = session.execute(
        select(Intervention.review_on, Intervention.updated_at)
        .where(Intervention.step.in_(abc_steps(cfg)),
               Intervention.outcome.in_(("complied", "expired")), ~breached)
    )
    for review_on, updated_at in rows:
        recorded = updated_at.date() if isinstance(updated_at, datetime) else updated_at
        review_on = _as_date(review_on)
        ended = min(review_on, recorded) if review_on else recorded
        if ended <= until:
            counts["abc_no_breach"][ended] += 1


class _Victim:
    """One victim's incidents in date order, with the dates the flag rules count."""

    def __init__(self, rows: list, asb: set[str]):
        self.rows = rows  # (person id, incident id, ref, occurred on, category, hate)
        self.dates, self.asb, self.hate = [], [], []
        for _, _, _, on, category, hate in rows:
            self.dates.append(on)
            if category in asb:
                self.asb.append(on)
            if hate:
                self.hate.append(on)

    def facts_until(self, day: date) -> list[IncidentFact]:
        """The incidents up to ``day``, as the rules read them (later ones never count)."""
        return [IncidentFact(incident_id, ref, on, category, bool(hate))
                for _, incident_id, ref, on, category, hate
                in self.rows[:bisect_right(self.dates, day)]]

    @staticmethod
    def enough(dates: list[date], count: int, months: int, day: date) -> bool:
        """At least ``count`` of the sorted ``dates`` in the rules' window ending on ``day``."""
        return bisect_right(dates, day) - bisect_left(dates, months_before(day, months)) >= count

    def first_met(self, rule, bounds: list[tuple[list[date], int, int]]) -> date | None:
        """The first day (an incident's date) on which ``rule(facts, day)`` holds.

        The rule counts separate incidents among some of the dates, so it cannot hold
        unless one of ``bounds`` (dates, count, months) has ``count`` of them in the
        window: it runs only on the days that pass that test, never before the
        ``count``-th date of some bound.
        """
        earliest = min((dates[count - 1] for dates, count, _ in bounds if len(dates) >= count),
                       default=None)
        if earliest is None:
            return None
        for day in dict.fromkeys(self.dates[bisect_left(self.dates, earliest):]):
            if (any(self.enough(dates, count, months, day) for dates, count, months in bounds)
                    and rule(self.facts_until(day), day) is not None):
                return day
        return None


def _victim_flags(session: Session, cfg: Config, until: date, counts: dict[str, Counter]) -> None:
    # (incident, person, role) is unique, so each victim's incident comes once.
    rows = session.execute(
        select(IncidentParty.person_id, Incident.id, Incident.source_ref, Incident.occurred_on,
               Incident.category, Incident.hate)
        .join(Incident, Incident.id == IncidentParty.incident_id)
        .where(IncidentParty.role == "victim", Incident.occurred_on <= until,
               IncidentParty.person_id.in_(select(CaseParty.person_id)))
        .order_by(IncidentParty.person_id, Incident.occurred_on)
    )
    asb = {category.key for category in cfg.categories if category.asb}
    trigger, repeat = cfg.flags.community_trigger, cfg.flags.repeat_victim

    def is_trigger(facts: list[IncidentFact], day: date):
        return rules_flags.community_trigger(facts, trigger, cfg.categories, day)

    def is_repeat(facts: list[IncidentFact], day: date):
        return rules_flags.repeat_victim(facts, repeat, cfg.categories, day)

    for _, person_rows in groupby(rows, key=itemgetter(0)):
        victim = _Victim(list(person_rows), asb)
        checks = (
            ("community_trigger", is_trigger, [(victim.asb, trigger.count, trigger.months),
                                               (victim.hate, trigger.hate_count, trigger.months)]),
            ("repeat_victims", is_repeat, [(victim.asb, repeat.count, repeat.months)]),
        )
        for key, rule, bounds in checks:
            met = victim.first_met(rule, bounds)
            if met is not None:
                counts[key][met] += 1


def quarterly_measures(session: Session, cfg: Config, until: date) -> QuarterlyMeasures:
    """Every measure, counted by day (and so by financial quarter), for events up to ``until``."""
    counts: dict[str, Counter] = {key: Counter() for key, _ in MEASURES}
    _high_risk(session, cfg, until, counts)
    _young_interventions(session, cfg, until, counts)
    _abcs(session, cfg, until, counts)
    _victim_flags(session, cfg, until, counts)
    for (received,) in session.execute(select(CaseReview.received_on)
                                       .where(CaseReview.received_on <= until)):
        counts["trigger_applications"][received] += 1
    # Referrals out to the services each configured measure names ([referrals.measures]).
    counts.update(referrals.counts_by_day(session, cfg, until))
    return QuarterlyMeasures(counts, first_data_on(session), measures_of(cfg))


def measures_of(cfg: Config) -> tuple[tuple[str, str], ...]:
    """Every measure counted, (key, name): the fixed ones, then those the partnership
    configures over its referrals out."""
    return (*MEASURES, *((m.key, m.name) for m in cfg.referrals.measures))
