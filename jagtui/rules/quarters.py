"""UK financial years and quarters as the plan reports them: ``2026/27``, ``2026/27 Q3``.

Q1 is April to June. The labels are the ones :func:`jagtui.rules.dates.financial_quarter`
gives a date; these helpers read them back, bound them and step through them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from jagtui.rules.dates import financial_quarter

_QUARTER = re.compile(r"(\d{4})\s*/\s*(\d{2})\s*q\s*([1-4])", re.IGNORECASE)
_YEAR = re.compile(r"(\d{4})\s*/\s*(\d{2})")


class QuarterError(ValueError):
    """Text that is not a financial quarter; the message is a sentence for the user."""


def parse_quarter(text: str) -> tuple[int, int]:
    """``"2026/27 Q3"`` -> (2026, 3): the year the financial year starts and the quarter."""
    match = _QUARTER.fullmatch(text.strip())
    if not match:
        raise QuarterError(f"Not a financial quarter: {text.strip()!r} (try 2026/27 Q3)")
    start, end, quarter = int(match[1]), int(match[2]), int(match[3])
    if (start + 1) % 100 != end:
        raise QuarterError(f"{text.strip()!r}: the years must follow on "
                           f"(e.g. {label(start, quarter)})")
    return start, quarter


def parse_year(text: str) -> int:
    """``"2022/23"`` -> 2022."""
    match = _YEAR.fullmatch(text.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise QuarterError(f"Not a financial year: {text.strip()!r} (try 2022/23)")
    return int(match[1])


def label(start_year: int, quarter: int | None = None) -> str:
    year = f"{start_year}/{(start_year + 1) % 100:02d}"
    return f"{year} Q{quarter}" if quarter else year


def quarter_start(start_year: int, quarter: int) -> date:
    month = 4 + 3 * (quarter - 1)
    return date(start_year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_end(start_year: int, quarter: int) -> date:
    following = (start_year + 1, 1) if quarter == 4 else (start_year, quarter + 1)
    return quarter_start(*following) - timedelta(days=1)


def year_of(d: date) -> int:
    """The start year of the financial year holding ``d``."""
    return d.year if d.month >= 4 else d.year - 1


def quarter_of(d: date) -> tuple[int, int]:
    return parse_quarter(financial_quarter(d))


def quarters(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every quarter from ``first`` to ``last`` inclusive, oldest first."""
    out, (year, q) = [], first
    while (year, q) <= last:
        out.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def earliest_full_year(first_data: date | None, until: date) -> tuple[int, bool]:
    """The baseline year: the earliest financial year the data covers from its first day
    and that has ended by ``until``; (start year, True). Failing that, the year the data
    starts in (or ``until``'s year), marked partial: (start year, False)."""
    if first_data is None:
        return year_of(until), False
    year = year_of(first_data)
    if first_data > date(year, 4, 1):
        year += 1
    if date(year + 1, 3, 31) <= until:
        return year, True
    return year_of(first_data), False
