"""Tests for jagtui.rules.harm: harm index, trend, drivers, windows and the monthly series."""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jagtui.config import DEFAULTS_PATH, Category, Harm, load_config
from jagtui.rules import facts, flags
from jagtui.rules.harm import (
    Driver,
    HarmResult,
    IncidentFact,
    harm_from_counts,
    harm_from_incidents,
    monthly_series,
    windows,
)

CFG = load_config(DEFAULTS_PATH)
CATS = CFG.categories
TODAY = date(2026, 6, 12)

A = Category(key="A", name="Alpha", harm_weight=10, asb=True)
B = Category(key="B", name="Beta", harm_weight=10, asb=False)
Z = Category(key="Z", name="Zero", harm_weight=0, asb=True)
H = Category(key="H", name="Half", harm_weight=0.1, asb=False)
SMALL = [A, B, Z, H]


def inc(n, on, category="ASB-PERSONAL", ref=None, hate=False):
    return IncidentFact(id=n, ref=ref or f"STORM-{n}", occurred_on=on, category=category, hate=hate)


def test_incident_fact_is_shared_with_flags():
    assert IncidentFact is facts.IncidentFact is flags.IncidentFact


# --- windows --------------------------------------------------------------------


def test_windows_shipped_ninety_days():
    previous_start, current_start, end = windows(TODAY, CFG.harm.window_days)
    assert end == TODAY
    assert (end - current_start).days + 1 == 90  # current window: 90 days inclusive
    assert (current_start - previous_start).days == 90  # previous window: the 90 days before
    assert current_start == date(2026, 3, 15)
    assert previous_start == date(2025, 12, 15)


def test_windows_one_day():
    assert windows(TODAY, 1) == (TODAY - timedelta(days=1), TODAY, TODAY)


def test_windows_rejects_zero():
    with pytest.raises(ValueError):
        windows(TODAY, 0)


@given(today=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)), days=st.integers(1, 3660))
def test_windows_are_equal_and_adjacent(today, days):
    previous_start, current_start, end = windows(today, days)
    assert (end - current_start).days + 1 == days
    assert (current_start - previous_start).days == days


def test_incident_window_boundaries():
    harm = Harm(window_days=10)
    cats = [A]
    # current: 3..12 Jun inclusive; previous: 24 May..2 Jun inclusive
    cases = {
        date(2026, 6, 12): (10, 0),  # today: current
        date(2026, 6, 3): (10, 0),  # first day of current window
        date(2026, 6, 2): (0, 10),  # last day of previous window
        date(2026, 5, 24): (0, 10),  # first day of previous window
        date(2026, 5, 23): (0, 0),  # before both
        date(2026, 6, 13): (0, 0),  # future: not counted
    }
    for on, (index, previous) in cases.items():
        result = harm_from_incidents([inc(1, on, "A")], cats, harm, TODAY)
        assert (result.index, result.previous) == (index, previous), on


# --- harm_from_counts -----------------------------------------------------------


def test_counts_weighted_sum_and_drivers():
    result = harm_from_counts({"ASB-PERSONAL": 3, "ASSAULT": 1}, {}, CATS)
    assert result.index == 105
    assert result.previous == 0
    assert result.drivers == (
        Driver("ASSAULT", "Assault", 1, 90.0, 90.0),
        Driver("ASB-PERSONAL", "ASB - personal", 3, 5.0, 15.0),
    )


def test_explain():
    result = harm_from_counts({"ASB-PERSONAL": 3, "ASSAULT": 1}, {}, CATS)
    assert result.explain() == "1 x Assault (90) = 90 + 3 x ASB - personal (5) = 15 → 105"


def test_explain_empty_and_fractional():
    assert harm_from_counts({}, {}, CATS).explain() == "no incidents → 0"
    assert harm_from_counts({"H": 3}, {}, SMALL).explain() == "3 x Half (0.1) = 0.3 → 0.3"


def test_drivers_sorted_by_subtotal_then_key():
    result = harm_from_counts({"B": 1, "A": 1, "H": 20}, {}, SMALL)
    assert [d.category for d in result.drivers] == ["A", "B", "H"]


def test_zero_counts_and_unknown_keys_are_omitted():
    result = harm_from_counts({"A": 0, "NOPE": 7, "B": 2}, {"NOPE": 3}, SMALL)
    assert [d.category for d in result.drivers] == ["B"]
    assert result.index == 20
    assert result.previous == 0
    assert result.trend == "new"


def test_zero_weight_category_is_listed_but_adds_nothing():
    result = harm_from_counts({"Z": 4}, {}, SMALL)
    assert result.index == 0
    assert result.drivers == (Driver("Z", "Zero", 4, 0.0, 0.0),)
    assert result.trend == "flat"


def test_negative_count_raises():
    with pytest.raises(ValueError):
        harm_from_counts({"A": -1}, {}, SMALL)
    with pytest.raises(ValueError):
        harm_from_counts({}, {"A": -1}, SMALL)


@pytest.mark.parametrize(
    ("current", "previous", "trend", "arrow"),
    [
        ({"A": 2}, {"A": 1}, "up", "↑"),
        ({"A": 1}, {"A": 2}, "down", "↓"),
        ({"A": 1}, {"B": 1}, "flat", "→"),
        ({"A": 1}, {}, "new", "•"),
        ({}, {}, "flat", "→"),
        ({}, {"A": 1}, "down", "↓"),
    ],
)
def test_trend_and_arrow(current, previous, trend, arrow):
    result = harm_from_counts(current, previous, SMALL)
    assert result.trend == trend
    assert result.arrow == arrow


def test_flat_despite_float_rounding():
    # 3 x 0.1 is 0.30000000000000004 in floating point
    result = harm_from_counts({"H": 3}, {"Q": 1}, [H, Category(key="Q", name="Q", harm_weight=0.3, asb=False)])
    assert result.trend == "flat"


def test_harm_result_is_frozen():
    result = harm_from_counts({}, {}, SMALL)
    assert isinstance(result, HarmResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.index = 1  # type: ignore[misc]


# --- harm_from_incidents ----------------------------------------------------------


def test_from_incidents_empty():
    result = harm_from_incidents([], CATS, CFG.harm, TODAY)
    assert (result.index, result.previous, result.trend, result.drivers) == (0, 0, "flat", ())


def test_from_incidents_shipped_config():
    incidents = [
        inc(1, TODAY, "ASB-PERSONAL"),
        inc(2, TODAY, "ASB-PERSONAL"),  # same day, another incident
        inc(3, date(2026, 4, 1), "ASB-PERSONAL"),
        inc(4, date(2026, 3, 15), "ASSAULT"),  # first day of the 90-day window
        inc(5, date(2026, 3, 14), "BURGLARY"),  # last day of the previous window
        inc(6, date(2025, 12, 14), "BURGLARY"),  # before both windows
        inc(7, date(2026, 6, 13), "ASSAULT"),  # future
        inc(8, date(2026, 5, 1), "UNKNOWN"),  # unknown category: weight 0
    ]
    result = harm_from_incidents(incidents, CATS, CFG.harm, TODAY)
    assert result.index == 105
    assert result.previous == 180
    assert result.trend == "down"
    assert result.explain() == "1 x Assault (90) = 90 + 3 x ASB - personal (5) = 15 → 105"


def test_from_incidents_counts_an_incident_id_once():
    one = inc(1, TODAY, "A")
    assert harm_from_incidents([one, one, one], [A], Harm(window_days=30), TODAY).index == 10


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from([c.key for c in CATS] + ["OTHER"])),
        max_size=30,
    )
)
def test_from_incidents_matches_counts(rows):
    incidents = [inc(i, TODAY - timedelta(days=back), cat) for i, (back, cat) in enumerate(rows)]
    result = harm_from_incidents(incidents, CATS, CFG.harm, TODAY)
    current, previous = {}, {}
    for back, cat in rows:
        if back < 90:
            current[cat] = current.get(cat, 0) + 1
        elif back < 180:
            previous[cat] = previous.get(cat, 0) + 1
    assert result == harm_from_counts(current, previous, CATS)


# --- monthly_series ------------------------------------------------------------------


def test_monthly_series_empty_is_twelve_zeros():
    assert monthly_series([], CATS, TODAY) == [0.0] * 12


def test_monthly_series_places_months_oldest_first():
    incidents = [
        inc(1, date(2026, 6, 1), "ASSAULT"),  # current month: last
        inc(2, date(2026, 6, 12), "ASB-PERSONAL"),  # today
        inc(3, date(2026, 5, 31), "THEFT"),  # previous month
        inc(4, date(2025, 7, 1), "BURGLARY"),  # oldest month shown
        inc(5, date(2025, 6, 30), "BURGLARY"),  # thirteen months back: not shown
        inc(6, date(2026, 6, 13), "BURGLARY"),  # future day in this month: not shown
        inc(7, date(2026, 7, 1), "BURGLARY"),  # future month
        inc(8, date(2026, 5, 2), "NOT-A-CATEGORY"),
    ]
    series = monthly_series(incidents, CATS, TODAY)
    assert len(series) == 12
    assert series[-1] == 95
    assert series[-2] == 7
    assert series[0] == 180
    assert sum(series) == 95 + 7 + 180


def test_monthly_series_across_year_end_and_custom_length():
    today = date(2026, 1, 31)
    incidents = [inc(1, date(2025, 12, 31), "A"), inc(2, date(2025, 11, 1), "B"), inc(3, date(2026, 1, 1), "A")]
    assert monthly_series(incidents, SMALL, today, months=3) == [10.0, 10.0, 10.0]
    assert monthly_series(incidents, SMALL, today, months=1) == [10.0]


def test_monthly_series_counts_an_id_once():
    one = inc(1, TODAY, "A")
    assert monthly_series([one, one], SMALL, TODAY, months=2) == [0.0, 10.0]


def test_monthly_series_rejects_zero_months():
    with pytest.raises(ValueError):
        monthly_series([], SMALL, TODAY, months=0)
