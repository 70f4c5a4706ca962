"""Working days: Monday to Friday, less England's bank holidays.

ASB case review timescales are set in working days ("the applicant is told
within 10 working days"). The holidays are data (``bank_holidays_england.toml``,
or a file the partnership names in config), read once; every function here
takes the calendar as an argument, so the rules stay pure and testable.

Counting rule, everywhere: the day something happened is day 0; "N working
days after" is the Nth working day after it, so a step received on Friday with
1 working day is due on Monday (or Tuesday after a bank holiday Monday). A step
done on its due date is on time; it is overdue from the day after.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

ENGLAND = Path(__file__).with_name("bank_holidays_england.toml")


class CalendarError(ValueError):
    """A bank-holiday file that cannot be used; the message names the file and the fault."""


@dataclass(frozen=True)
class BankHolidays:
    """The holidays known, and the years the list covers (inclusive)."""

    days: frozenset[date]
    first_year: int
    last_year: int
    names: tuple[tuple[date, str], ...] = ()

    def covers(self, d: date) -> bool:
        return self.first_year <= d.year <= self.last_year

    def name(self, d: date) -> str:
        return dict(self.names).get(d, "")


NO_HOLIDAYS = BankHolidays(frozenset(), 1, 9999)


def parse_bank_holidays(data: dict, source: str = "bank holidays") -> BankHolidays:
    """The calendar from a TOML table: ``first_year``, ``last_year`` and
    ``[holidays]`` of ``"YYYY-MM-DD" = "name"``. Every date must be a weekday in
    the years covered: a weekend date is a typing slip (holidays on a weekend are
    listed on their substitute day)."""
    try:
        first, last = int(data["first_year"]), int(data["last_year"])
        table = data["holidays"]
    except (KeyError, TypeError, ValueError):
        raise CalendarError(f"{source}: needs first_year, last_year and a [holidays] table") from None
    if first > last:
        raise CalendarError(f"{source}: first_year {first} is after last_year {last}")
    if not isinstance(table, dict):
        raise CalendarError(f"{source}: [holidays] must be a table of \"YYYY-MM-DD\" = \"name\"")
    named = []
    for key, name in table.items():
        try:
            day = date.fromisoformat(str(key))
        except ValueError:
            raise CalendarError(f"{source}: {key!r} is not a date (write YYYY-MM-DD)") from None
        if not first <= day.year <= last:
            raise CalendarError(f"{source}: {day.isoformat()} is outside {first}-{last}")
        if day.weekday() >= 5:
            raise CalendarError(f"{source}: {day.isoformat()} is a weekend day "
                                "(list the substitute weekday instead)")
        named.append((day, str(name)))
    named.sort()
    return BankHolidays(frozenset(d for d, _ in named), first, last, tuple(named))


@lru_cache(maxsize=8)
def load_bank_holidays(path: str | Path | None = None) -> BankHolidays:
    """The calendar in ``path`` (default: England's, shipped with jagtui)."""
    chosen = Path(path) if path else ENGLAND
    try:
        with chosen.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise CalendarError(f"{chosen}: file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalendarError(f"{chosen}: cannot be read as TOML: {exc}") from None
    return parse_bank_holidays(data, str(chosen))


def is_working_day(d: date, holidays: BankHolidays) -> bool:
    return d.weekday() < 5 and d not in holidays.days


def add_working_days(start: date, n: int, holidays: BankHolidays) -> date:
    """The ``n``th working day after ``start`` (``start`` itself is day 0, whatever
    day it is). ``n`` of 0 is ``start``; a negative ``n`` counts back."""
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    while left:
        day += timedelta(days=step)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date, holidays: BankHolidays) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when
    ``end`` is before ``start``: minus those after ``end`` up to and including
    ``start``). ``add_working_days(s, working_days_between(s, e))`` is ``e``
    whenever ``e`` is a working day after ``s``."""
    if end < start:
        return -working_days_between(end, start, holidays)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def uncovered_years(days: list[date | None], holidays: BankHolidays) -> list[int]:
    """The years among ``days`` the calendar does not cover (counted with weekends only)."""
    return sorted({d.year for d in days if d is not None and not holidays.covers(d)})
