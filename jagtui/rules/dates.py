"""Dates as the meeting types and reads them: forgiving input, UK output, no locale.

Everything takes ``today`` as an argument so the rules stay pure and testable.
"""

from __future__ import annotations

import re
from functools import lru_cache
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

MIN_YEAR = 1900
MAX_YEAR = 2100
# Two-digit years land in the century that puts them no more than this many
# years after today ("65" is 1965, "26" is 2026, for a today in 2026), and
# never after MAX_YEAR.
TWO_DIGIT_YEAR_AHEAD = 20

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HINT = "try 2026-12-01, 01/12/2026, +6w, +10d, +3m, today or next meeting"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_UK = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})", re.ASCII)
_RELATIVE = re.compile(r"([+-]?)\s*(\d{1,6})\s*([dwmy])", re.ASCII)
_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}


class DateInputError(ValueError):
    """Text that is not a date; the message is a plain sentence for the user."""


@lru_cache(maxsize=4096)
def months_before(d: date, n: int) -> date:
    """Calendar months back, the day clamped to the month's end (31 Aug - 6m = 28/29 Feb).

    Cached: the flag rules ask for the same window start once per case.
    """
    return d - relativedelta(months=n)


# Echoed text must not carry terminal escapes or bidi overrides into a message.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(text: str) -> str:
    text = text.strip()
    text = text if len(text) <= 40 else text[:37] + "..."
    return _UNSHOWABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _checked(result: date, text: str) -> date:
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise DateInputError(
            f"'{_shown(text)}' gives the year {result.year}: type a date between {MIN_YEAR} and {MAX_YEAR}"
        )
    return result


def _make(year: int, month: int, day: int, text: str) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateInputError(f"The year {year} is out of range: type a year between {MIN_YEAR} and {MAX_YEAR}")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateInputError(f"Could not read '{_shown(text)}' as a date: {_HINT}") from None


def _full_year(yy: int, today: date) -> int:
    latest = min(today.year + TWO_DIGIT_YEAR_AHEAD, MAX_YEAR)
    return latest - ((latest - yy) % 100)


def _relative(sign: str, amount: int, unit: str, today: date, text: str) -> date:
    n = -amount if sign == "-" else amount
    try:
        if unit == "d":
            result = today + timedelta(days=n)
        elif unit == "w":
            result = today + timedelta(weeks=n)
        elif unit == "m":
            result = today + relativedelta(months=n)
        else:
            result = today + relativedelta(years=n)
    except (OverflowError, ValueError):
        raise DateInputError(
            f"'{_shown(text)}' is too far away: type a date between {MIN_YEAR} and {MAX_YEAR}"
        ) from None
    return _checked(result, text)


def parse_date(text: str, today: date, next_meeting: date | None = None) -> date:
    """Read a typed date; only ever raises DateInputError, with a sentence to show.

    Accepts ISO ``2026-12-01``; UK ``01/12/2026``, ``1/12/26`` (also with ``.`` or
    ``-``); ``today``, ``tomorrow``, ``yesterday``; ``+6w``, ``+10d``, ``+3m``
    (month end clamped), ``+1y``, the same with ``-`` (no sign means ``+``);
    ``next meeting``.
    Case and extra spaces do not matter.
    """
    words = " ".join(text.split()).lower()
    if not words:
        raise DateInputError(f"Type a date: {_HINT}")
    if words in _WORDS:
        return _checked(today + timedelta(days=_WORDS[words]), text)
    if words.replace(" ", "") == "nextmeeting":
        if next_meeting is None:
            raise DateInputError("No next meeting is scheduled: type a date instead")
        return next_meeting
    if m := _ISO.fullmatch(words):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _UK.fullmatch(words):
        year = int(m[4]) if len(m[4]) == 4 else _full_year(int(m[4]), today)
        return _make(year, int(m[3]), int(m[1]), text)
    if m := _RELATIVE.fullmatch(words):
        return _relative(m[1], int(m[2]), m[3], today, text)
    raise DateInputError(f"Could not read '{_shown(text)}' as a date: {_HINT}")


def next_meeting_date(last_meeting: date | None, today: date, cadence_weeks: int) -> date:
    """The first cadence step after the last meeting that is today or later.

    The last meeting has been held, so the answer is always at least one cadence
    after it (k >= 1); a meeting due today by the cadence is the next meeting.
    With no meeting yet, today plus one cadence.
    """
    if cadence_weeks < 1:
        raise ValueError("cadence_weeks must be at least 1")
    step = timedelta(weeks=cadence_weeks)
    if last_meeting is None:
        return today + step
    k = max(1, -(-(today - last_meeting).days // step.days))
    return last_meeting + k * step


def next_meeting(today: date, cadence_weeks: int, *, last_held: date | None,
                 scheduled: tuple[date | None, ...] = ()) -> date:
    """What "next meeting" means everywhere (date fields, review dates, the agenda's
    last item, the end of a meeting): the group's next meeting after today.

    ``scheduled`` are dates already in the diary (a planned meeting, the date the last
    meeting agreed): the earliest after today wins. Otherwise the cadence from the
    last meeting held or started (``last_held``), the first step after today; with
    none held, one cadence from today. In a meeting, ``today`` is its date: its next
    meeting is never itself.
    """
    ahead = [d for d in scheduled if d is not None and d > today]
    if ahead:
        return min(ahead)
    if last_held is None:
        return today + timedelta(weeks=cadence_weeks)
    return next_meeting_date(last_held, today + timedelta(days=1), cadence_weeks)


def meeting_code(d: date) -> str:
    """DDMMYY, the code the seed action logs use (20 May 2021 -> ``200521``)."""
    return f"{d.day:02d}{d.month:02d}{d.year % 100:02d}"


def action_ref(meeting_on: date, item_number: int) -> str:
    """Action-log reference as in the seeds, e.g. ``200521 Item 7``; items count from 1."""
    if item_number < 1:
        raise ValueError("Agenda items are numbered from 1")
    return f"{meeting_code(meeting_on)} Item {item_number}"


def financial_quarter(d: date) -> str:
    """UK financial year quarter (Q1 = Apr-Jun), as plan updates report it: ``2026/27 Q3``."""
    start = d.year if d.month >= 4 else d.year - 1
    quarter = (d.month - 4) % 12 // 3 + 1
    return f"{start}/{(start + 1) % 100:02d} Q{quarter}"


def fmt_date(d: date | None) -> str:
    """``12 Jun 2026``: unambiguous for UK readers and independent of the locale."""
    if d is None:
        return ""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
