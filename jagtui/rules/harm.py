"""Harm index: a weighted sum of incidents by category (Cambridge Crime Harm Index approach).

Charnwood found practitioners "not consistent in assessing the Harm Index of a
case"; one computed score, its trend and what drives it fixes that. Weights are
the partnership's own, from config.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from jagtui.rules.facts import IncidentFact

if TYPE_CHECKING:
    from jagtui.config import Category, Harm

__all__ = ["Driver", "HarmResult", "IncidentFact", "harm_from_counts", "harm_from_incidents", "monthly_series", "windows"]

_ARROWS = {"up": "↑", "down": "↓", "flat": "→", "new": "•"}


def _num(x: float) -> str:
    """15.0 -> '15', 2.5 -> '2.5': weights read as the config wrote them."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


@dataclass(frozen=True)
class Driver:
    category: str
    name: str
    count: int
    weight: float
    subtotal: float


@dataclass(frozen=True)
class HarmResult:
    index: float
    previous: float
    trend: str
    drivers: tuple[Driver, ...]

    @property
    def arrow(self) -> str:
        return _ARROWS[self.trend]

    def explain(self) -> str:
        """The sum in words, biggest driver first: '1 x Assault (90) = 90 + ... → 105'."""
        if not self.drivers:
            return f"no incidents → {_num(self.index)}"
        parts = [f"{d.count} x {d.name} ({_num(d.weight)}) = {_num(d.subtotal)}" for d in self.drivers]
        return f"{' + '.join(parts)} → {_num(self.index)}"


def windows(today: date, window_days: int) -> tuple[date, date, date]:
    """``(previous_start, current_start, today)``; both windows are inclusive day ranges.

    Current window: ``current_start <= day <= today``, exactly ``window_days`` days
    (``current_start = today - window_days + 1``). Previous window:
    ``previous_start <= day < current_start``, the same length just before.
    """
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    current_start = today - timedelta(days=window_days - 1)
    return current_start - timedelta(days=window_days), current_start, today


def _trend(index: float, previous: float) -> str:
    if math.isclose(index, previous, rel_tol=1e-9, abs_tol=1e-9):
        return "flat"
    if previous == 0:
        return "new"
    return "up" if index > previous else "down"


def harm_from_counts(
    current: Mapping[str, int], previous: Mapping[str, int], categories: Iterable[Category]
) -> HarmResult:
    """Weighted sums of the two windows' counts. Unknown category keys weigh 0
    and are left out of the drivers; zero counts are left out too."""
    by_key = {c.key: c for c in categories}
    for counts in (current, previous):
        for key, n in counts.items():
            if n < 0:
                raise ValueError(f"Incident count for {key!r} cannot be negative")

    def total(counts: Mapping[str, int]) -> float:
        return float(sum(by_key[k].harm_weight * n for k, n in counts.items() if k in by_key))

    drivers = [
        Driver(k, by_key[k].name, n, by_key[k].harm_weight, by_key[k].harm_weight * n)
        for k, n in current.items()
        if k in by_key and n > 0
    ]
    drivers.sort(key=lambda d: (-d.subtotal, d.category))
    index, before = total(current), total(previous)
    return HarmResult(index, before, _trend(index, before), tuple(drivers))


def _distinct(incidents: Iterable[IncidentFact]) -> list[IncidentFact]:
    """One fact per incident id: a join that repeats an incident must not double its harm."""
    return list({i.id: i for i in incidents}.values())


def harm_from_incidents(
    incidents: Iterable[IncidentFact], categories: Iterable[Category], harm_cfg: Harm, today: date
) -> HarmResult:
    """Reference implementation: bucket by :func:`windows`, then :func:`harm_from_counts`.

    Incidents after today or before the previous window are ignored; an
    incident id counts once.
    """
    previous_start, current_start, end = windows(today, harm_cfg.window_days)
    current: Counter[str] = Counter()
    previous: Counter[str] = Counter()
    for incident in _distinct(incidents):
        if current_start <= incident.occurred_on <= end:
            current[incident.category] += 1
        elif previous_start <= incident.occurred_on < current_start:
            previous[incident.category] += 1
    return harm_from_counts(current, previous, categories)


def monthly_series(
    incidents: Iterable[IncidentFact], categories: Iterable[Category], today: date, months: int = 12
) -> list[float]:
    """Harm per calendar month, oldest first, the current month (to today) last; for a sparkline."""
    if months < 1:
        raise ValueError("months must be at least 1")
    weights = {c.key: c.harm_weight for c in categories}
    series = [0.0] * months
    for incident in _distinct(incidents):
        d = incident.occurred_on
        back = (today.year - d.year) * 12 + today.month - d.month
        if 0 <= back < months and d <= today:
            series[months - 1 - back] += weights.get(incident.category, 0.0)
    return series
