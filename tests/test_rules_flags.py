"""Tests for jagtui.rules.flags: repeat victims, Community Trigger, locations, youth, vulnerability."""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jagtui.config import DEFAULTS_PATH, Category, CountRule, RepeatVictimRule, TriggerRule, load_config
from jagtui.rules.dates import months_before
from jagtui.rules.flags import (
    FLAG_CODES,
    Flag,
    IncidentFact,
    community_trigger,
    hate_flag,
    is_youth,
    repeat_location,
    repeat_victim,
    review_overdue_flag,
    vulnerable,
    vulnerable_flag,
    youth_flag,
)

CFG = load_config(DEFAULTS_PATH)
CATS = CFG.categories
RV = CFG.flags.repeat_victim  # 3 in 3 months
CT = CFG.flags.community_trigger  # 3 ASB in 6 months, or 1 hate
RL = CFG.flags.repeat_location  # 5 in 3 months
TODAY = date(2026, 12, 12)
SIX_AGO = date(2026, 6, 12)


def inc(n, on, category="ASB-PERSONAL", ref=None, hate=False):
    return IncidentFact(id=n, ref=f"STORM-{n}" if ref is None else ref, occurred_on=on, category=category, hate=hate)


def test_shipped_rules_are_the_domain_defaults():
    assert (RV.count, RV.months, RV.same_category) == (3, 3, False)
    assert (CT.count, CT.months, CT.hate_count) == (3, 6, 1)
    assert (RL.count, RL.months) == (5, 3)
    assert CFG.flags.youth_under == 18


# --- Community Trigger --------------------------------------------------------------


def test_three_asb_incidents_in_six_months_trigger():
    incidents = [inc(3, date(2026, 12, 1)), inc(1, SIX_AGO, "NOISE"), inc(2, date(2026, 9, 1), "ASB-NUISANCE")]
    flag = community_trigger(incidents, CT, CATS, TODAY)
    assert flag == Flag(
        code="community_trigger",
        rule="3 ASB incidents in 6 months",
        reason="3 ASB incidents since 12 Jun 2026: refs STORM-1, STORM-2, STORM-3",
        refs=("STORM-1", "STORM-2", "STORM-3"),
        since=SIX_AGO,
    )


def test_exactly_six_months_ago_counts_but_the_day_before_does_not():
    recent = [inc(2, date(2026, 9, 1)), inc(3, date(2026, 12, 1))]
    assert community_trigger([inc(1, SIX_AGO), *recent], CT, CATS, TODAY) is not None
    assert community_trigger([inc(1, SIX_AGO - timedelta(days=1)), *recent], CT, CATS, TODAY) is None


def test_two_asb_plus_one_outside_the_window_does_not_trigger():
    incidents = [inc(1, date(2026, 10, 1)), inc(2, date(2026, 11, 1)), inc(3, date(2026, 1, 1))]
    assert community_trigger(incidents, CT, CATS, TODAY) is None


def test_future_incidents_do_not_count():
    incidents = [inc(1, date(2026, 10, 1)), inc(2, TODAY), inc(3, TODAY + timedelta(days=1))]
    assert community_trigger(incidents, CT, CATS, TODAY) is None


def test_today_counts():
    incidents = [inc(1, date(2026, 10, 1)), inc(2, date(2026, 11, 1)), inc(3, TODAY)]
    assert community_trigger(incidents, CT, CATS, TODAY) is not None


def test_same_day_separate_refs_count_separately():
    incidents = [inc(1, TODAY), inc(2, TODAY), inc(3, TODAY)]
    flag = community_trigger(incidents, CT, CATS, TODAY)
    assert flag is not None
    assert flag.refs == ("STORM-1", "STORM-2", "STORM-3")


def test_the_same_ref_counts_once():
    incidents = [inc(1, TODAY, ref="STORM-9"), inc(2, date(2026, 11, 1), ref="STORM-9"), inc(3, date(2026, 10, 1))]
    assert community_trigger(incidents, CT, CATS, TODAY) is None


def test_refs_match_ignoring_case_and_spaces():
    incidents = [inc(1, TODAY, ref="storm-9 "), inc(2, TODAY, ref="STORM-9"), inc(3, date(2026, 10, 1))]
    assert community_trigger(incidents, CT, CATS, TODAY) is None


def test_blank_refs_fall_back_to_the_incident_id():
    incidents = [inc(1, TODAY, ref=""), inc(2, TODAY, ref=" "), inc(3, date(2026, 10, 1))]
    flag = community_trigger(incidents, CT, CATS, TODAY)
    assert flag is not None
    assert flag.refs == ("STORM-3", "id 1", "id 2")


def test_non_asb_and_unknown_categories_do_not_count_towards_asb():
    incidents = [inc(1, TODAY, "ASSAULT"), inc(2, TODAY, "BURGLARY"), inc(3, TODAY, "NO-SUCH"), inc(4, TODAY)]
    assert community_trigger(incidents, CT, CATS, TODAY) is None


def test_a_hate_incident_alone_triggers():
    flag = community_trigger([inc(1, date(2026, 8, 3), "ASSAULT", hate=True)], CT, CATS, TODAY)
    assert flag == Flag(
        code="community_trigger",
        rule="hate incident in 6 months",
        reason="1 hate incident on 3 Aug 2026: ref STORM-1",
        refs=("STORM-1",),
        since=date(2026, 8, 3),
    )


def test_hate_in_an_unknown_category_still_triggers():
    assert community_trigger([inc(1, TODAY, "NO-SUCH", hate=True)], CT, CATS, TODAY) is not None


def test_a_hate_incident_outside_the_window_does_not_trigger():
    assert community_trigger([inc(1, SIX_AGO - timedelta(days=1), hate=True)], CT, CATS, TODAY) is None
    assert community_trigger([inc(1, SIX_AGO, hate=True)], CT, CATS, TODAY) is not None


def test_both_limbs_met_says_both():
    incidents = [
        inc(1, date(2026, 7, 1)),
        inc(2, date(2026, 8, 1)),
        inc(3, date(2026, 9, 1), hate=True),
        inc(4, date(2026, 10, 1), "THREATS", hate=True),
    ]
    flag = community_trigger(incidents, CT, CATS, TODAY)
    assert flag.rule == "3 ASB incidents in 6 months and hate incident in 6 months"
    assert flag.reason == (
        "3 ASB incidents since 1 Jul 2026: refs STORM-1, STORM-2, STORM-3; "
        "2 hate incidents since 1 Sep 2026: refs STORM-3, STORM-4"
    )
    assert flag.refs == ("STORM-1", "STORM-2", "STORM-3", "STORM-4")
    assert flag.since == date(2026, 7, 1)


def test_more_than_the_threshold_lists_all_oldest_first():
    incidents = [inc(n, date(2026, 12, n)) for n in (5, 1, 4, 2, 3)]
    flag = community_trigger(incidents, CT, CATS, TODAY)
    assert flag.reason.startswith("5 ASB incidents since 1 Dec 2026")
    assert flag.refs == ("STORM-1", "STORM-2", "STORM-3", "STORM-4", "STORM-5")


def test_hate_count_above_one():
    rule = TriggerRule(count=3, months=6, hate_count=2)
    assert community_trigger([inc(1, TODAY, hate=True)], rule, CATS, TODAY) is None
    flag = community_trigger([inc(1, TODAY, hate=True), inc(2, TODAY, hate=True)], rule, CATS, TODAY)
    assert flag.rule == "2 hate incidents in 6 months"


def test_community_trigger_empty():
    assert community_trigger([], CT, CATS, TODAY) is None


def test_community_trigger_accepts_a_generator():
    flag = community_trigger((inc(n, TODAY) for n in range(3)), CT, CATS, TODAY)
    assert flag is not None


@pytest.mark.parametrize(
    ("today", "start"),
    [(date(2024, 8, 31), date(2024, 2, 29)), (date(2025, 8, 31), date(2025, 2, 28))],
)
def test_leap_year_window_starts(today, start):
    assert months_before(today, 6) == start
    recent = [inc(2, today), inc(3, today - timedelta(days=1))]
    assert community_trigger([inc(1, start), *recent], CT, CATS, today) is not None
    assert community_trigger([inc(1, start - timedelta(days=1)), *recent], CT, CATS, today) is None


# --- repeat victim -------------------------------------------------------------------


def test_repeat_victim_three_in_three_months():
    incidents = [inc(1, date(2026, 9, 12)), inc(2, date(2026, 10, 1), "NOISE"), inc(3, date(2026, 11, 1), "HATE")]
    flag = repeat_victim(incidents, RV, CATS, TODAY)
    assert flag == Flag(
        code="repeat_victim",
        rule="3 ASB incidents in 3 months",
        reason="3 ASB incidents since 12 Sep 2026: refs STORM-1, STORM-2, STORM-3",
        refs=("STORM-1", "STORM-2", "STORM-3"),
        since=date(2026, 9, 12),
    )


def test_repeat_victim_window_boundary():
    recent = [inc(2, date(2026, 10, 1)), inc(3, date(2026, 11, 1))]
    assert repeat_victim([inc(1, date(2026, 9, 12)), *recent], RV, CATS, TODAY) is not None
    assert repeat_victim([inc(1, date(2026, 9, 11)), *recent], RV, CATS, TODAY) is None


def test_repeat_victim_ignores_non_asb_unknown_and_duplicates():
    incidents = [
        inc(1, TODAY),
        inc(2, TODAY, "ASSAULT"),
        inc(3, TODAY, "MYSTERY"),
        inc(4, TODAY, ref="STORM-1"),
    ]
    assert repeat_victim(incidents, RV, CATS, TODAY) is None


def test_repeat_victim_same_day_counts_separately():
    assert repeat_victim([inc(n, TODAY) for n in range(3)], RV, CATS, TODAY) is not None


def test_repeat_victim_empty():
    assert repeat_victim([], RV, CATS, TODAY) is None


def test_repeat_victim_same_category():
    rule = RepeatVictimRule(count=3, months=3, same_category=True)
    mixed = [inc(1, TODAY), inc(2, TODAY, "NOISE"), inc(3, TODAY, "HATE")]
    assert repeat_victim(mixed, rule, CATS, TODAY) is None
    similar = [*mixed, inc(4, date(2026, 10, 1), "NOISE"), inc(5, date(2026, 11, 1), "NOISE")]
    flag = repeat_victim(similar, rule, CATS, TODAY)
    assert flag == Flag(
        code="repeat_victim",
        rule="3 incidents of Noise nuisance in 3 months",
        reason="3 Noise nuisance incidents since 1 Oct 2026: refs STORM-4, STORM-5, STORM-2",
        refs=("STORM-4", "STORM-5", "STORM-2"),
        since=date(2026, 10, 1),
    )


def test_repeat_victim_same_category_reports_the_largest():
    rule = RepeatVictimRule(count=2, months=3, same_category=True)
    incidents = [
        inc(1, date(2026, 10, 1), "NOISE"),
        inc(2, date(2026, 10, 2), "NOISE"),
        inc(3, date(2026, 11, 1)),
        inc(4, date(2026, 11, 2)),
        inc(5, date(2026, 11, 3)),
    ]
    flag = repeat_victim(incidents, rule, CATS, TODAY)
    assert flag.rule == "2 incidents of ASB - personal in 3 months"
    assert flag.refs == ("STORM-3", "STORM-4", "STORM-5")


def test_repeat_victim_same_category_tie_goes_to_the_earliest():
    rule = RepeatVictimRule(count=2, months=3, same_category=True)
    incidents = [inc(3, date(2026, 11, 1)), inc(4, date(2026, 11, 2)), inc(1, date(2026, 10, 1), "NOISE"), inc(2, TODAY, "NOISE")]
    assert repeat_victim(incidents, rule, CATS, TODAY).rule == "2 incidents of Noise nuisance in 3 months"


def test_repeat_victim_hand_built_categories():
    cats = [Category(key="X", name="X thing", harm_weight=1, asb=True), Category(key="Y", name="Y", harm_weight=1, asb=False)]
    rule = RepeatVictimRule(count=1, months=1)
    assert repeat_victim([inc(1, TODAY, "Y")], rule, cats, TODAY) is None
    flag = repeat_victim([inc(1, TODAY, "X")], rule, cats, TODAY)
    assert flag.rule == "1 ASB incident in 1 month"
    assert flag.reason == "1 ASB incident on 12 Dec 2026: ref STORM-1"


def test_repeat_victim_leap_day_window():
    rule = RepeatVictimRule(count=2, months=6)
    today = date(2024, 8, 31)
    assert repeat_victim([inc(1, date(2024, 2, 29)), inc(2, today)], rule, CATS, today) is not None
    assert repeat_victim([inc(1, date(2024, 2, 28)), inc(2, today)], rule, CATS, today) is None


# --- repeat location ------------------------------------------------------------------


def test_repeat_location_counts_every_category():
    cats = ["ASSAULT", "THEFT", "NOISE", "BURGLARY", "SOMETHING-NEW"]
    incidents = [inc(n, date(2026, 10, n + 1), c) for n, c in enumerate(cats)]
    flag = repeat_location(incidents, RL, TODAY)
    assert flag.code == "repeat_location"
    assert flag.rule == "5 incidents in 3 months"
    assert flag.reason == "5 incidents since 1 Oct 2026: refs STORM-0, STORM-1, STORM-2, STORM-3, STORM-4"
    assert flag.since == date(2026, 10, 1)


def test_repeat_location_below_count_and_boundary():
    four = [inc(n, TODAY) for n in range(4)]
    assert repeat_location(four, RL, TODAY) is None
    assert repeat_location([*four, inc(9, date(2026, 9, 12))], RL, TODAY) is not None
    assert repeat_location([*four, inc(9, date(2026, 9, 11))], RL, TODAY) is None
    assert repeat_location([*four, inc(9, TODAY + timedelta(days=1))], RL, TODAY) is None
    assert repeat_location([*four, inc(9, TODAY, ref="STORM-0")], RL, TODAY) is None


def test_repeat_location_empty_and_hand_built_rule():
    assert repeat_location([], RL, TODAY) is None
    assert repeat_location([inc(1, TODAY)], CountRule(count=1, months=1), TODAY).reason == (
        "1 incident on 12 Dec 2026: ref STORM-1"
    )


@given(
    st.lists(st.tuples(st.integers(-10, 400), st.booleans()), max_size=15),
    st.integers(1, 5),
    st.integers(1, 12),
)
def test_window_rule_property(rows, count, months):
    """The flag fires exactly when enough distinct refs fall in [months_before(today), today]."""
    incidents = [inc(n, TODAY - timedelta(days=back), hate=hate) for n, (back, hate) in enumerate(rows)]
    start = months_before(TODAY, months)
    inside = [i for i in incidents if start <= i.occurred_on <= TODAY]
    flag = repeat_location(incidents, CountRule(count=count, months=months), TODAY)
    assert (flag is not None) == (len(inside) >= count)
    if flag:
        assert list(flag.refs) == [i.ref for i in sorted(inside, key=lambda i: (i.occurred_on, i.ref))]
        assert flag.since == min(i.occurred_on for i in inside)
    hate = hate_flag(incidents, months, TODAY)
    assert (hate is not None) == any(i.hate for i in inside)


# --- hate, youth, vulnerability, reviews -------------------------------------------------


def test_hate_flag():
    assert hate_flag([], 6, TODAY) is None
    assert hate_flag([inc(1, TODAY)], 6, TODAY) is None
    flag = hate_flag([inc(1, date(2026, 7, 1), "THEFT", hate=True)], 6, TODAY)
    assert flag == Flag("hate", "hate incident in 6 months", "1 hate incident on 1 Jul 2026: ref STORM-1", ("STORM-1",), date(2026, 7, 1))


@pytest.mark.parametrize(
    ("dob", "today", "youth"),
    [
        (date(2008, 6, 12), date(2026, 6, 11), True),  # day before 18th birthday
        (date(2008, 6, 12), date(2026, 6, 12), False),  # 18 today
        (date(2008, 6, 12), date(2026, 6, 13), False),
        (date(2008, 2, 29), date(2026, 2, 28), True),  # leap-day birthday, non-leap year
        (date(2008, 2, 29), date(2026, 3, 1), False),  # turns 18 on 1 March
        (date(2010, 2, 29 - 1), date(2028, 2, 28), False),  # ordinary 28 Feb birthday
        (date(2006, 2, 28), date(2024, 2, 27), True),
        (date(2006, 2, 28), date(2024, 2, 28), False),
        (date(2012, 1, 1), date(2026, 6, 12), True),
        (date(1970, 1, 1), date(2026, 6, 12), False),
        (None, date(2026, 6, 12), False),
    ],
)
def test_is_youth_under_eighteen(dob, today, youth):
    assert is_youth(dob, today, CFG.flags.youth_under) is youth


def test_leap_day_birthday_in_a_leap_year():
    assert is_youth(date(2000, 2, 29), date(2016, 2, 28), 16) is True
    assert is_youth(date(2000, 2, 29), date(2016, 2, 29), 16) is False  # 2016 is a leap year


def test_is_youth_other_ages():
    assert is_youth(date(2016, 6, 12), date(2026, 6, 11), 10) is True
    assert is_youth(date(2016, 6, 12), date(2026, 6, 12), 10) is False
    assert is_youth(date(2001, 6, 12), date(2026, 6, 11), 25) is True


def test_youth_flag():
    assert youth_flag(None, TODAY, 18) is None
    assert youth_flag(date(1990, 1, 1), TODAY, 18) is None
    flag = youth_flag(date(2010, 3, 4), TODAY, 18)
    assert (flag.code, flag.rule, flag.reason) == ("youth", "under 18", "Under 18: born 4 Mar 2010")


@pytest.mark.parametrize(
    ("level", "result"), [("high", True), ("medium", True), ("standard", False), (None, False), ("", False)]
)
def test_vulnerable(level, result):
    assert vulnerable(level) is result


def test_vulnerable_flag():
    assert vulnerable_flag("standard") is None
    assert vulnerable_flag(None) is None
    flag = vulnerable_flag("high", date(2026, 11, 1))
    assert (flag.code, flag.reason, flag.since) == ("vulnerable", "Assessed as high risk", date(2026, 11, 1))


def test_review_overdue_flag():
    assert review_overdue_flag(None, TODAY) is None
    assert review_overdue_flag(TODAY, TODAY) is None
    flag = review_overdue_flag(date(2026, 12, 11), TODAY)
    assert flag.reason == "Risk review was due on 11 Dec 2026: 1 day overdue"
    assert review_overdue_flag(date(2026, 12, 2), TODAY).reason.endswith("10 days overdue")


def test_flag_codes_and_frozen():
    assert set(FLAG_CODES) == {
        "repeat_victim",
        "community_trigger",
        "repeat_location",
        "review_overdue",
        "youth",
        "vulnerable",
        "hate",
    }
    flag = hate_flag([inc(1, TODAY, hate=True)], 6, TODAY)
    assert flag.code in FLAG_CODES
    with pytest.raises(dataclasses.FrozenInstanceError):
        flag.code = "x"  # type: ignore[misc]
