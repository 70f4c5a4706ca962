"""ASB case reviews (the Community Trigger): the threshold test in words, and the
steps of an application with their due dates in working days.

s.104 ASB, Crime and Policing Act 2014: the applicant is told whether the
threshold is met and, after the review, its outcome and recommendations; an
applicant who is dissatisfied may ask for the escalation route. The Act sets no
timescales: each step's are the partnership's (config ``[case_reviews]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from jagtui.rules.dates import fmt_date, months_before
from jagtui.rules.facts import IncidentFact
from jagtui.rules.flags import community_trigger
from jagtui.rules.working_days import BankHolidays, add_working_days

if TYPE_CHECKING:
    from jagtui.config import CaseReviews, Category, TriggerRule

MET, NOT_MET = "met", "not met"
DECISIONS = ("", MET, NOT_MET)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def rule_words(rule: TriggerRule) -> str:
    """'3 separate ASB incidents in 6 months, or 1 hate incident in 6 months'."""
    months = _plural(rule.months, "month")
    return (f"{_plural(rule.count, 'separate ASB incident')} in {months}, "
            f"or {_plural(rule.hate_count, 'hate incident')} in {months}")


@dataclass(frozen=True)
class IncidentLine:
    """One incident reported, and what the test made of it."""

    fact: IncidentFact
    category_name: str
    counts: bool
    why: str

    @property
    def words(self) -> str:
        ref = self.fact.ref.strip() or f"id {self.fact.id}"
        hate = ", hate" if self.fact.hate else ""
        return f"{fmt_date(self.fact.occurred_on)} · ref {ref} · {self.category_name}{hate}: {self.why}"


@dataclass(frozen=True)
class ThresholdTest:
    met: bool
    rule: str
    summary: str
    lines: tuple[IncidentLine, ...]


def threshold_test(incidents: Iterable[IncidentFact], rule: TriggerRule,
                   categories: Iterable[Category], received_on: date) -> ThresholdTest:
    """The configured rule applied to the incidents reported, on the day the
    application was received (the window is the months before it), in words."""
    incidents = sorted(incidents, key=lambda i: (i.occurred_on, i.ref, i.id))
    categories = list(categories)
    by_key = {c.key: c for c in categories}
    start = months_before(received_on, rule.months)
    flag = community_trigger(incidents, rule, categories, received_on)
    lines, seen = [], set()
    asb: set[str] = set()
    hate: set[str] = set()
    for fact in incidents:
        category = by_key.get(fact.category)
        name = category.name if category else fact.category
        ref = fact.ref.strip() or f"id {fact.id}"
        kinds = [k for k, yes in (("ASB", category is not None and category.asb),
                                  ("hate", fact.hate)) if yes]
        if fact.occurred_on > received_on:
            why, counts = "after the application: not counted", False
        elif fact.occurred_on < start:
            why, counts = f"before {fmt_date(start)}: outside the window", False
        elif not kinds:
            why, counts = "neither ASB nor hate: not counted", False
        elif ref.casefold() in seen:
            why, counts = "the same incident reported again: counted once", False
        else:
            why, counts = f"counts ({', '.join(kinds)})", True
            seen.add(ref.casefold())
            if "ASB" in kinds:
                asb.add(ref.casefold())
            if fact.hate:
                hate.add(ref.casefold())
        lines.append(IncidentLine(fact, name, counts, why))
    window = f"between {fmt_date(start)} and {fmt_date(received_on)}"
    found = (f"{_plural(len(asb), 'separate ASB incident')} (the rule needs {rule.count}) and "
             f"{_plural(len(hate), 'hate incident')} (the rule needs {rule.hate_count}) {window}")
    if flag is not None:
        summary = f"Meets the threshold: found {found}."
    else:
        summary = f"Does not meet the threshold: found {found}."
    return ThresholdTest(flag is not None, rule_words(rule), summary, tuple(lines))


@dataclass(frozen=True)
class Dates:
    """An application's dates and decision, as the rules need them."""

    received_on: date
    threshold: str = ""
    decided_on: date | None = None
    told_decision_on: date | None = None
    review_on: date | None = None
    told_outcome_on: date | None = None
    escalation_requested_on: date | None = None
    escalation_decided_on: date | None = None


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    due: date
    done: date | None
    basis: str  # "statutory" or "local"
    days: int

    def overdue(self, today: date) -> bool:
        return self.done is None and today > self.due

    def late(self) -> bool:
        return self.done is not None and self.done > self.due

    def words(self, today: date) -> str:
        if self.done is not None:
            return f"{self.name}: done {fmt_date(self.done)}" + (" (late)" if self.late() else "")
        state = "OVERDUE, was due" if self.overdue(today) else "due"
        return f"{self.name}: {state} {fmt_date(self.due)} ({self.days} working days, {self.basis})"


def steps(d: Dates, timescales: CaseReviews, holidays: BankHolidays) -> list[Step]:
    """The steps that apply to this application so far, in order, each with its due date."""
    ts = timescales

    def due(start: date, scale) -> date:
        return add_working_days(start, scale.days, holidays)

    decision_due = due(d.received_on, ts.decision)
    found = [
        Step("decision", "Threshold decision", decision_due, d.decided_on, ts.decision.basis,
             ts.decision.days),
        Step("told_decision", "Applicant told of the decision", decision_due, d.told_decision_on,
             ts.decision.basis, ts.decision.days),
    ]
    if d.threshold == MET:
        review_due = due(d.decided_on or decision_due, ts.review)
        found.append(Step("review", "Review meeting", review_due, d.review_on, ts.review.basis,
                          ts.review.days))
        found.append(Step("told_outcome", "Applicant told of the outcome and recommendations",
                          due(d.review_on or review_due, ts.outcome), d.told_outcome_on,
                          ts.outcome.basis, ts.outcome.days))
    if d.escalation_requested_on is not None:
        found.append(Step("escalation", "Escalation outcome",
                          due(d.escalation_requested_on, ts.escalation), d.escalation_decided_on,
                          ts.escalation.basis, ts.escalation.days))
    return found


def next_step(found: list[Step]) -> Step | None:
    """The first step not yet done, if any."""
    return next((step for step in found if step.done is None), None)


def status(d: Dates, found: list[Step]) -> str:
    """Where the application stands, in the words of the register."""
    pending = next_step(found)
    if d.escalation_requested_on is not None:
        return "escalation decided" if d.escalation_decided_on else "escalated"
    if pending is None:
        return "threshold not met" if d.threshold == NOT_MET else "review complete"
    return {"decision": "awaiting decision", "told_decision": "to tell the applicant",
            "review": "awaiting review", "told_outcome": "to tell the outcome"}.get(pending.key,
                                                                                      "open")
