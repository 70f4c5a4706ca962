"""Tests for jagtui.rules.dates: parsing what the meeting types, and UK date rules."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jagtui.rules.dates import (
    DateInputError,
    action_ref,
    financial_quarter,
    fmt_date,
    meeting_code,
    months_before,
    next_meeting,
    next_meeting_date,
    parse_date,
)

TODAY = date(2026, 6, 12)
NEXT = date(2026, 7, 24)


# --- months_before ---------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2024, 8, 31), 6, date(2024, 2, 29)),  # leap year: clamped to 29 Feb
        (date(2023, 8, 31), 6, date(2023, 2, 28)),  # non-leap: clamped to 28 Feb
        (date(2025, 8, 31), 6, date(2025, 2, 28)),
        (date(2026, 6, 12), 6, date(2025, 12, 12)),  # across a year end
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 5, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 15), 12, date(2025, 1, 15)),
        (date(2026, 1, 15), 120, date(2016, 1, 15)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
    ],
)
def test_months_before(d, n, expected):
    assert months_before(d, n) == expected


# --- parse_date: accepted forms --------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026-1-5", date(2026, 1, 5)),
        ("  2026-12-01  ", date(2026, 12, 1)),
        ("01/12/2026", date(2026, 12, 1)),  # UK order: day first
        ("1/12/2026", date(2026, 12, 1)),
        ("1/12/26", date(2026, 12, 1)),
        ("12/1/26", date(2026, 1, 12)),
        ("01.12.2026", date(2026, 12, 1)),
        ("01-12-2026", date(2026, 12, 1)),
        ("29/02/2024", date(2024, 2, 29)),
        ("31/12/1900", date(1900, 12, 31)),
        ("1/1/1900", date(1900, 1, 1)),
        ("31/12/2100", date(2100, 12, 31)),
        ("today", TODAY),
        ("Today", TODAY),
        ("TODAY", TODAY),
        ("tomorrow", date(2026, 6, 13)),
        ("yesterday", date(2026, 6, 11)),
        ("+6w", date(2026, 7, 24)),
        ("+10d", date(2026, 6, 22)),
        ("+3m", date(2026, 9, 12)),
        ("-2d", date(2026, 6, 10)),
        ("-1w", date(2026, 6, 5)),
        ("-6m", date(2025, 12, 12)),
        ("+1y", date(2027, 6, 12)),
        ("+0d", TODAY),
        ("+ 6 w", date(2026, 7, 24)),
        ("+6W", date(2026, 7, 24)),
        ("6w", date(2026, 7, 24)),  # no sign means forward
        ("next meeting", NEXT),
        ("Next Meeting", NEXT),
        ("  next    MEETING ", NEXT),
        ("nextmeeting", NEXT),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text, TODAY, NEXT) == expected


def test_parse_months_clamps_to_month_end():
    assert parse_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_date("+1m", date(2024, 1, 31)) == date(2024, 2, 29)
    assert parse_date("-6m", date(2024, 8, 31)) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("1/12/65", date(2026, 6, 12), date(1965, 12, 1)),  # a date of birth
        ("1/12/46", date(2026, 6, 12), date(2046, 12, 1)),  # up to 20 years ahead
        ("1/12/47", date(2026, 6, 12), date(1947, 12, 1)),
        ("1/1/00", date(2026, 6, 12), date(2000, 1, 1)),
        ("1/1/99", date(2026, 6, 12), date(1999, 1, 1)),
        ("1/1/10", date(2095, 1, 1), date(2010, 1, 1)),
    ],
)
def test_two_digit_years_pivot_on_today(text, today, expected):
    assert parse_date(text, today) == expected


def test_next_meeting_without_a_meeting_is_a_clear_error():
    with pytest.raises(DateInputError) as err:
        parse_date("next meeting", TODAY, None)
    assert str(err.value) == "No next meeting is scheduled: type a date instead"


# --- parse_date: refused ----------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "   \t\n"])
def test_empty_text_asks_for_a_date(text):
    with pytest.raises(DateInputError) as err:
        parse_date(text, TODAY)
    assert str(err.value).startswith("Type a date")


def test_impossible_day_message_is_a_sentence():
    with pytest.raises(DateInputError) as err:
        parse_date("31/02/2026", TODAY)
    assert str(err.value) == (
        "Could not read '31/02/2026' as a date: try 2026-12-01, 01/12/2026, +6w, +10d, +3m, today or next meeting"
    )


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",
        "29/02/2026",  # not a leap year
        "2026-13-01",
        "2026-00-10",
        "00/12/2026",
        "32/01/2026",
        "2026/12/01",
        "1/12/202",
        "01/12-2026",  # mixed separators
        "12 June 2026",
        "next week",
        "+6",
        "+w",
        "++6w",
        "+6x",
        "+1234567d",  # too many digits
        "soon",
        "2026-12-01x",
        "١/١٢/٢٠٢٦",  # Arabic-Indic digits are not read as a date
        "２０２６-１２-０１",  # full-width digits
    ],
)
def test_unreadable_text_is_refused(text):
    with pytest.raises(DateInputError) as err:
        parse_date(text, TODAY, NEXT)
    assert "as a date" in str(err.value)


@pytest.mark.parametrize("text", ["1899-12-31", "2101-01-01", "31/12/1899", "1/1/2101", "0000-01-01", "9999-12-31"])
def test_years_outside_range_are_refused(text):
    with pytest.raises(DateInputError) as err:
        parse_date(text, TODAY)
    assert "between 1900 and 2100" in str(err.value)


@pytest.mark.parametrize("text", ["+999999d", "+999999w", "+999999m", "+999999y", "-999999d", "-999999y", "+100y"])
def test_far_relative_dates_are_refused(text):
    with pytest.raises(DateInputError) as err:
        parse_date(text, TODAY)
    assert "between 1900 and 2100" in str(err.value)


def test_long_input_is_shortened_in_the_message():
    with pytest.raises(DateInputError) as err:
        parse_date("x" * 500, TODAY)
    assert len(str(err.value)) < 200
    assert "..." in str(err.value)


def test_date_input_error_is_a_value_error():
    assert issubclass(DateInputError, ValueError)


@settings(max_examples=600)
@given(text=st.text(max_size=40), today=st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31)))
def test_fuzz_parse_date_only_raises_date_input_error(text, today):
    try:
        result = parse_date(text, today, NEXT)
    except DateInputError as exc:
        assert str(exc)
    else:
        assert isinstance(result, date)
        assert 1900 <= result.year <= 2100


@settings(max_examples=300)
@given(
    text=st.from_regex(r"[+-]?\s*[0-9]{1,7}\s*[dwmyDWMY]", fullmatch=True)
    | st.from_regex(r"[0-9]{1,5}[/.-][0-9]{1,3}[/.-][0-9]{1,5}", fullmatch=True)
)
def test_fuzz_parse_date_near_misses(text):
    try:
        result = parse_date(text, TODAY)
    except DateInputError:
        pass
    else:
        assert 1900 <= result.year <= 2100


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_iso_and_uk_round_trip(d):
    assert parse_date(d.isoformat(), TODAY) == d
    assert parse_date(f"{d.day:02d}/{d.month:02d}/{d.year}", TODAY) == d


# --- next_meeting_date -------------------------------------------------------


def test_next_meeting_without_a_last_meeting_is_one_cadence_away():
    assert next_meeting_date(None, TODAY, 6) == TODAY + timedelta(weeks=6)


@pytest.mark.parametrize(
    ("last", "today", "expected"),
    [
        (date(2026, 1, 1), date(2026, 1, 2), date(2026, 2, 12)),
        (date(2026, 1, 1), date(2026, 2, 12), date(2026, 2, 12)),  # due today by cadence
        (date(2026, 1, 1), date(2026, 2, 13), date(2026, 3, 26)),
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 2, 12)),  # held today: the next is after
        (date(2026, 1, 1), date(2025, 12, 1), date(2026, 2, 12)),  # last meeting after today
        (date(2025, 1, 1), date(2026, 6, 12), date(2026, 7, 1)),  # 13 cadences on
    ],
)
def test_next_meeting_date(last, today, expected):
    assert next_meeting_date(last, today, 6) == expected


@given(
    last=st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)),
    weeks=st.integers(min_value=1, max_value=52),
)
def test_next_meeting_is_first_cadence_on_or_after_today(last, today, weeks):
    result = next_meeting_date(last, today, weeks)
    step = timedelta(weeks=weeks)
    assert result >= today
    assert result > last
    assert (result - last).days % step.days == 0
    assert result - step < today or result - step == last  # no earlier cadence qualifies


def test_next_meeting_with_shipped_cadence():
    from jagtui.config import DEFAULTS_PATH, load_config

    cfg = load_config(DEFAULTS_PATH)
    assert next_meeting_date(date(2021, 5, 20), date(2021, 5, 21), cfg.meetings.cadence_weeks) == date(2021, 7, 1)


def test_next_meeting_rejects_zero_cadence():
    with pytest.raises(ValueError):
        next_meeting_date(None, TODAY, 0)


# --- next_meeting: the one meaning of "next meeting" ---------------------------


@pytest.mark.parametrize(
    ("last_held", "scheduled", "expected"),
    [
        # A planned meeting (or the date the last meeting agreed) wins over the cadence.
        (date(2026, 5, 1), (date(2026, 6, 20), None), date(2026, 6, 20)),
        (date(2026, 5, 1), (None, date(2026, 6, 25)), date(2026, 6, 25)),
        (date(2026, 5, 1), (date(2026, 6, 30), date(2026, 6, 25)), date(2026, 6, 25)),
        # After today, always: not a meeting planned for today, nor the cadence's today.
        (date(2026, 5, 2), (TODAY,), date(2026, 6, 13)),
        (date(2026, 5, 1), (), TODAY + timedelta(weeks=6)),
        (TODAY, (TODAY,), TODAY + timedelta(weeks=6)),
        (TODAY, (date(2026, 7, 1),), date(2026, 7, 1)),
        # Dates in the past are ignored: the cadence from the last meeting decides.
        (date(2026, 5, 2), (date(2026, 6, 1),), date(2026, 6, 13)),
        (None, (), TODAY + timedelta(weeks=6)),
    ],
)
def test_next_meeting_prefers_the_diary_then_the_cadence(last_held, scheduled, expected):
    assert next_meeting(TODAY, 6, last_held=last_held, scheduled=scheduled) == expected


# --- codes and formats -------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "code"),
    [
        (date(2021, 5, 20), "200521"),
        (date(2021, 2, 25), "250221"),
        (date(2000, 1, 1), "010100"),
        (date(2009, 12, 31), "311209"),
    ],
)
def test_meeting_code(d, code):
    assert meeting_code(d) == code


def test_action_ref():
    assert action_ref(date(2021, 5, 20), 7) == "200521 Item 7"
    assert action_ref(date(2021, 2, 25), 4) == "250221 Item 4"
    assert action_ref(date(2021, 2, 25), 12) == "250221 Item 12"


@pytest.mark.parametrize("item", [0, -1])
def test_action_ref_items_count_from_one(item):
    with pytest.raises(ValueError):
        action_ref(date(2021, 5, 20), item)


@pytest.mark.parametrize(
    ("d", "quarter"),
    [
        (date(2026, 11, 22), "2026/27 Q3"),
        (date(2027, 2, 1), "2026/27 Q4"),
        (date(2026, 4, 1), "2026/27 Q1"),  # first day of the financial year
        (date(2026, 3, 31), "2025/26 Q4"),  # last day of the previous one
        (date(2026, 6, 30), "2026/27 Q1"),
        (date(2026, 7, 1), "2026/27 Q2"),
        (date(2026, 9, 30), "2026/27 Q2"),
        (date(2026, 10, 1), "2026/27 Q3"),
        (date(2026, 12, 31), "2026/27 Q3"),
        (date(2027, 1, 1), "2026/27 Q4"),
        (date(1999, 5, 1), "1999/00 Q1"),  # century roll-over
        (date(2017, 4, 1), "2017/18 Q1"),
    ],
)
def test_financial_quarter(d, quarter):
    assert financial_quarter(d) == quarter


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2026, 6, 12), "12 Jun 2026"),
        (date(2026, 3, 3), "3 Mar 2026"),
        (date(2026, 1, 1), "1 Jan 2026"),
        (date(2026, 9, 30), "30 Sep 2026"),
        (date(2026, 12, 25), "25 Dec 2026"),
        (None, ""),
    ],
)
def test_fmt_date(d, text):
    assert fmt_date(d) == text


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_fmt_date_is_read_back_as_the_same_month(d):
    day, month, year = fmt_date(d).split()
    assert int(day) == d.day and int(year) == d.year
    assert ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.month - 1] == month


def test_words_at_the_edge_of_the_year_range():
    with pytest.raises(DateInputError, match="between 1900 and 2100"):
        parse_date("yesterday", date(1900, 1, 1))
    with pytest.raises(DateInputError, match="between 1900 and 2100"):
        parse_date("tomorrow", date(2100, 12, 31))
    assert parse_date("today", date(2100, 12, 31)) == date(2100, 12, 31)
