"""Working days with England's bank holidays: the calendar is data, the counting pure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.easter import easter

from jagtui.rules.working_days import (
    ENGLAND, NO_HOLIDAYS, CalendarError, add_working_days, is_working_day, load_bank_holidays,
    parse_bank_holidays, uncovered_years, working_days_between,
)

CAL = load_bank_holidays()


def _last_monday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return d - timedelta(days=d.weekday())


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _substitute(day: date, taken: set[date]) -> date:
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


def _expected(year: int) -> set[date]:
    """England's bank holidays by their rules, worked out independently of the data file."""
    days = {easter(year) - timedelta(days=2), easter(year) + timedelta(days=1),
            _first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)}
    days.add(_substitute(date(year, 1, 1), set()))
    christmas = _substitute(date(year, 12, 25), set())
    days.add(christmas)
    days.add(_substitute(date(year, 12, 26), {christmas}))
    return days


def test_shipped_calendar_covers_2024_to_2028():
    assert (CAL.first_year, CAL.last_year) == (2024, 2028)
    assert ENGLAND.suffix == ".toml"  # data, not code


@pytest.mark.parametrize("year", range(2024, 2029))
def test_each_year_matches_the_rules_of_england(year):
    listed = {d for d in CAL.days if d.year == year}
    assert listed == _expected(year)
    assert len(listed) == 8


def test_known_dates_and_names():
    assert CAL.name(date(2026, 12, 28)) == "Boxing Day (substitute day)"
    assert date(2027, 12, 27) in CAL.days and date(2027, 12, 28) in CAL.days
    assert date(2028, 1, 3) in CAL.days and date(2028, 1, 1) not in CAL.days
    assert date(2026, 4, 3) in CAL.days and date(2026, 4, 6) in CAL.days


def test_no_weekend_in_the_calendar():
    assert all(d.weekday() < 5 for d in CAL.days)


@pytest.mark.parametrize("day,working", [
    (date(2026, 12, 4), True),     # Friday
    (date(2026, 12, 5), False),    # Saturday
    (date(2026, 12, 6), False),    # Sunday
    (date(2026, 12, 25), False),   # Christmas Day
    (date(2026, 12, 28), False),   # Boxing Day substitute
    (date(2026, 12, 29), True),
])
def test_is_working_day(day, working):
    assert is_working_day(day, CAL) is working


@pytest.mark.parametrize("start,n,due", [
    (date(2026, 12, 4), 0, date(2026, 12, 4)),     # day 0 is the day itself
    (date(2026, 12, 4), 1, date(2026, 12, 7)),     # Friday + 1 = Monday
    (date(2026, 12, 5), 1, date(2026, 12, 7)),     # Saturday + 1 = Monday
    (date(2026, 12, 6), 1, date(2026, 12, 7)),     # Sunday + 1 = Monday
    (date(2026, 12, 1), 10, date(2026, 12, 15)),   # two plain weeks
    (date(2026, 12, 18), 5, date(2026, 12, 29)),   # over Christmas and the substitute
    (date(2026, 12, 24), 1, date(2026, 12, 29)),
    (date(2027, 12, 24), 1, date(2027, 12, 29)),   # both substitute days
    (date(2026, 4, 2), 1, date(2026, 4, 7)),       # Easter: Good Friday and Monday
    (date(2026, 5, 22), 1, date(2026, 5, 26)),     # spring bank holiday
    (date(2027, 12, 31), 1, date(2028, 1, 4)),     # New Year substitute, next year
    (date(2026, 12, 15), -10, date(2026, 12, 1)),  # counting back
    (date(2026, 12, 29), -1, date(2026, 12, 24)),
])
def test_add_working_days(start, n, due):
    assert add_working_days(start, n, CAL) == due


def test_between_is_the_inverse_of_add():
    start = date(2024, 1, 1)
    for offset in range(0, 1900, 7):
        s = start + timedelta(days=offset)
        for n in (0, 1, 5, 10, 20, 25, 60):
            e = add_working_days(s, n, CAL)
            assert working_days_between(s, e, CAL) == n
            assert working_days_between(e, s, CAL) == -n or not is_working_day(s, CAL)


def test_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 4), CAL) == 0
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 7), CAL) == 1
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29), CAL) == 1
    assert working_days_between(date(2026, 12, 7), date(2026, 12, 4), CAL) == -1


def test_every_working_day_in_the_range_is_counted_once():
    """Exhaustive: across the whole calendar, each day after another advances by one working day
    exactly when it is a weekday and not a holiday."""
    day, count = date(2024, 1, 1), 0
    while day < date(2028, 12, 31):
        nxt = day + timedelta(days=1)
        count += is_working_day(nxt, CAL)
        assert working_days_between(date(2024, 1, 1), nxt, CAL) == count if nxt.day == 1 else True
        day = nxt
    # The weekdays after 1 Jan 2024 to 31 Dec 2028, less the 39 holidays after day 0.
    weekdays = sum(1 for k in range(1, (date(2028, 12, 31) - date(2024, 1, 1)).days + 1)
                   if (date(2024, 1, 1) + timedelta(days=k)).weekday() < 5)
    assert count == weekdays - 39
    assert working_days_between(date(2024, 1, 1), date(2028, 12, 31), CAL) == count


def test_outside_the_calendar_counts_weekends_only_and_says_so():
    assert add_working_days(date(2029, 12, 24), 1, CAL) == date(2029, 12, 25)
    assert uncovered_years([date(2029, 1, 2), None, date(2026, 1, 1), date(2023, 5, 5)], CAL) == [2023, 2029]
    assert add_working_days(date(2026, 12, 24), 1, NO_HOLIDAYS) == date(2026, 12, 25)


@pytest.mark.parametrize("data,message", [
    ({}, "needs first_year"),
    ({"first_year": 2027, "last_year": 2026, "holidays": {}}, "is after"),
    ({"first_year": 2026, "last_year": 2026, "holidays": {"26-12-25": "x"}}, "not a date"),
    ({"first_year": 2026, "last_year": 2026, "holidays": {"2027-01-01": "x"}}, "outside"),
    ({"first_year": 2026, "last_year": 2026, "holidays": {"2026-12-26": "Boxing"}}, "weekend"),
    ({"first_year": 2026, "last_year": 2026, "holidays": ["2026-12-25"]}, "table"),
])
def test_a_bad_calendar_is_a_sentence(data, message):
    with pytest.raises(CalendarError, match=message):
        parse_bank_holidays(data, "my.toml")


def test_a_missing_or_broken_file_is_a_sentence(tmp_path):
    with pytest.raises(CalendarError, match="not found"):
        load_bank_holidays(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("first_year = [", encoding="utf-8")
    with pytest.raises(CalendarError, match="cannot be read"):
        load_bank_holidays(broken)


def test_a_partnership_calendar_file(tmp_path):
    own = tmp_path / "wales.toml"
    own.write_text('first_year = 2026\nlast_year = 2026\n[holidays]\n"2026-03-02" = "St David\'s Day"\n',
                   encoding="utf-8")
    cal = load_bank_holidays(own)
    assert add_working_days(date(2026, 2, 27), 1, cal) == date(2026, 3, 3)
