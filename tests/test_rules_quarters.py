"""Financial quarters read back, bounded and stepped through; the baseline year."""

from __future__ import annotations

from datetime import date

import pytest

from jagtui.rules.dates import financial_quarter
from jagtui.rules.quarters import (
    QuarterError, earliest_full_year, label, parse_quarter, parse_year, quarter_end, quarter_of,
    quarter_start, quarters,
)


def test_parse_and_label_round_trip():
    assert parse_quarter("2026/27 Q3") == (2026, 3)
    assert parse_quarter(" 2026/27q3 ") == (2026, 3)
    assert parse_quarter("1999/00 Q4") == (1999, 4)
    assert label(2026, 3) == "2026/27 Q3" and label(1999) == "1999/00"
    assert parse_year("2022/23") == 2022
    for bad in ("2026 Q3", "2026/28 Q1", "2026/27 Q5", "Q3", ""):
        with pytest.raises(QuarterError):
            parse_quarter(bad)
    with pytest.raises(QuarterError):
        parse_year("2022/24")


@pytest.mark.parametrize("quarter, start, end", [
    ((2026, 1), date(2026, 4, 1), date(2026, 6, 30)),
    ((2026, 2), date(2026, 7, 1), date(2026, 9, 30)),
    ((2026, 3), date(2026, 10, 1), date(2026, 12, 31)),
    ((2026, 4), date(2027, 1, 1), date(2027, 3, 31)),
])
def test_bounds_agree_with_financial_quarter(quarter, start, end):
    assert (quarter_start(*quarter), quarter_end(*quarter)) == (start, end)
    for day in (start, end):
        assert quarter_of(day) == quarter
        assert financial_quarter(day) == label(*quarter)


def test_quarters_step_over_the_year_end():
    assert quarters((2025, 3), (2026, 2)) == [(2025, 3), (2025, 4), (2026, 1), (2026, 2)]
    assert quarters((2026, 2), (2026, 1)) == []


def test_earliest_full_year():
    # data from before 1 April 2023: 2023/24 is the first full year, and it has ended
    assert earliest_full_year(date(2023, 2, 10), date(2026, 11, 22)) == (2023, True)
    # data from 1 April exactly: that year is full
    assert earliest_full_year(date(2022, 4, 1), date(2026, 11, 22)) == (2022, True)
    # data from May 2025: 2026/27 is not over, so the part year 2025/26 it started in
    assert earliest_full_year(date(2025, 5, 10), date(2026, 12, 31)) == (2025, False)
    assert earliest_full_year(None, date(2026, 11, 22)) == (2026, False)
