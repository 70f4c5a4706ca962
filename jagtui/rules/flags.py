"""Flags the meeting must not miss: repeat victims, Community Triggers, repeat
locations, youth, vulnerability, hate and overdue reviews.

Charnwood's Community Trigger analysis named "failure to identify repeat and
vulnerable victims"; these rules identify them the same way every time.

Window rule, everywhere: an incident counts when
``months_before(today, months) <= occurred_on <= today``. Exactly N calendar
months ago counts, the day before does not, and future-dated incidents never
count. Separate incidents are distinct refs (compared ignoring case and outer
spaces; a blank ref falls back to the incident id), so one incident reported
twice counts once, while two incidents on the same day count twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from jagtui.rules.dates import fmt_date, months_before
from jagtui.rules.facts import IncidentFact

if TYPE_CHECKING:
    from jagtui.config import Category, CountRule, RepeatVictimRule, TriggerRule

__all__ = [
    "FLAG_CODES",
    "Flag",
    "IncidentFact",
    "community_trigger",
    "hate_flag",
    "is_youth",
    "repeat_location",
    "repeat_victim",
    "review_overdue_flag",
    "vulnerable",
    "vulnerable_flag",
    "youth_flag",
]

FLAG_CODES = ("repeat_victim", "community_trigger", "repeat_location", "review_overdue", "youth", "vulnerable", "hate")


@dataclass(frozen=True)
class Flag:
    code: str
    rule: str
    reason: str
    refs: tuple[str, ...]
    since: date | None


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _months(n: int) -> str:
    return _plural(n, "month")


def _label(incident: IncidentFact) -> str:
    return incident.ref.strip() or f"id {incident.id}"


def _separate(incidents: Iterable[IncidentFact], today: date, months: int) -> list[IncidentFact]:
    """In-window incidents, one per ref (its earliest report), oldest first."""
    start = months_before(today, months)
    first: dict[str, IncidentFact] = {}
    for incident in incidents:
        if not start <= incident.occurred_on <= today:
            continue
        key = _label(incident).casefold()
        kept = first.get(key)
        if kept is None or (incident.occurred_on, incident.id) < (kept.occurred_on, kept.id):
            first[key] = incident
    return sorted(first.values(), key=lambda i: (i.occurred_on, _label(i), i.id))


def _describe(found: list[IncidentFact], noun: str) -> str:
    """'3 ASB incidents since 12 Jun 2026: refs A, B, C' ('... on <date>: ref A' for one)."""
    refs = ", ".join(_label(i) for i in found)
    if len(found) == 1:
        return f"1 {noun} on {fmt_date(found[0].occurred_on)}: ref {refs}"
    return f"{len(found)} {noun}s since {fmt_date(found[0].occurred_on)}: refs {refs}"


def _flag(code: str, rule: str, reason: str, found: list[IncidentFact]) -> Flag:
    ordered = sorted(found, key=lambda i: (i.occurred_on, _label(i), i.id))
    refs = tuple(dict.fromkeys(_label(i) for i in ordered))
    return Flag(code, rule, reason, refs, ordered[0].occurred_on if ordered else None)


def _asb_keys(categories: Iterable[Category]) -> dict[str, str]:
    return {c.key: c.name for c in categories if c.asb}


def repeat_victim(
    incidents: Iterable[IncidentFact], rule: RepeatVictimRule, categories: Iterable[Category], today: date
) -> Flag | None:
    """``rule.count`` separate ASB incidents in ``rule.months``; with ``same_category``
    they must share a category (the category with most incidents is reported,
    ties going to the earliest start). ``since`` is the first counted incident."""
    asb = _asb_keys(categories)
    found = _separate((i for i in incidents if i.category in asb), today, rule.months)
    if not rule.same_category:
        if len(found) < rule.count:
            return None
        rule_text = f"{_plural(rule.count, 'ASB incident')} in {_months(rule.months)}"
        return _flag("repeat_victim", rule_text, _describe(found, "ASB incident"), found)
    groups: dict[str, list[IncidentFact]] = {}
    for incident in found:
        groups.setdefault(incident.category, []).append(incident)
    qualifying = [g for g in groups.values() if len(g) >= rule.count]
    if not qualifying:
        return None
    best = min(qualifying, key=lambda g: (-len(g), g[0].occurred_on, g[0].category))
    name = asb[best[0].category]
    rule_text = f"{_plural(rule.count, 'incident')} of {name} in {_months(rule.months)}"
    return _flag("repeat_victim", rule_text, _describe(best, f"{name} incident"), best)


def community_trigger(
    incidents: Iterable[IncidentFact], rule: TriggerRule, categories: Iterable[Category], today: date
) -> Flag | None:
    """LLR threshold: ``rule.count`` separate ASB incidents in ``rule.months``, or
    ``rule.hate_count`` hate incidents (any category) in the same window. When
    both are met the rule and the reason say both."""
    incidents = list(incidents)
    asb = _asb_keys(categories)
    asb_found = _separate((i for i in incidents if i.category in asb), today, rule.months)
    hate_found = _separate((i for i in incidents if i.hate), today, rule.months)
    rules: list[str] = []
    reasons: list[str] = []
    counted: list[IncidentFact] = []
    if len(asb_found) >= rule.count:
        rules.append(f"{_plural(rule.count, 'ASB incident')} in {_months(rule.months)}")
        reasons.append(_describe(asb_found, "ASB incident"))
        counted += asb_found
    if len(hate_found) >= rule.hate_count:
        what = "hate incident" if rule.hate_count == 1 else _plural(rule.hate_count, "hate incident")
        rules.append(f"{what} in {_months(rule.months)}")
        reasons.append(_describe(hate_found, "hate incident"))
        counted += hate_found
    if not rules:
        return None
    return _flag("community_trigger", " and ".join(rules), "; ".join(reasons), counted)


def repeat_location(incidents: Iterable[IncidentFact], rule: CountRule, today: date) -> Flag | None:
    """``rule.count`` separate incidents of any category at one place in ``rule.months``."""
    found = _separate(incidents, today, rule.months)
    if len(found) < rule.count:
        return None
    rule_text = f"{_plural(rule.count, 'incident')} in {_months(rule.months)}"
    return _flag("repeat_location", rule_text, _describe(found, "incident"), found)


def hate_flag(incidents: Iterable[IncidentFact], months: int, today: date) -> Flag | None:
    """Any hate incident in the window, so hate is recorded consistently (domain.md)."""
    found = _separate((i for i in incidents if i.hate), today, months)
    if not found:
        return None
    return _flag("hate", f"hate incident in {_months(months)}", _describe(found, "hate incident"), found)


def is_youth(dob: date | None, today: date, under: int) -> bool:
    """Under ``under`` years old today. The birthday itself is the first day of the
    new age; someone born on 29 Feb turns N on 1 Mar in a non-leap year. No date
    of birth: not known to be a youth."""
    if dob is None:
        return False
    birthday = dob + relativedelta(years=under)
    if (dob.month, dob.day) == (2, 29) and birthday.day == 28:
        birthday += relativedelta(days=1)
    return today < birthday


def youth_flag(dob: date | None, today: date, under: int) -> Flag | None:
    if not is_youth(dob, today, under):
        return None
    return Flag("youth", f"under {under}", f"Under {under}: born {fmt_date(dob)}", (), None)


def vulnerable(level: str | None) -> bool:
    """A vulnerable victim scores medium or high on the risk assessment (domain.md)."""
    return level in ("medium", "high")


def vulnerable_flag(level: str | None, assessed_on: date | None = None) -> Flag | None:
    if not vulnerable(level):
        return None
    return Flag("vulnerable", "medium or high risk", f"Assessed as {level} risk", (), assessed_on)


def review_overdue_flag(review_due: date | None, today: date) -> Flag | None:
    """A risk review past its due date (strictly after it, as risk.is_review_overdue)."""
    if review_due is None or not today > review_due:
        return None
    days = (today - review_due).days
    reason = f"Risk review was due on {fmt_date(review_due)}: {_plural(days, 'day')} overdue"
    return Flag("review_overdue", "risk review past its due date", reason, (), review_due)
