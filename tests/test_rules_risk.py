"""Tests for jagtui.rules.risk: the victim risk questionnaire."""

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jagtui.config import DEFAULTS_PATH, Question, ReviewDays, Risk, load_config
from jagtui.rules.risk import (
    LEVELS,
    RiskResult,
    answer_from_key,
    assess,
    is_review_overdue,
    level_for,
    review_due,
    score,
)

CFG = load_config(DEFAULTS_PATH)
RISK = CFG.risk
DAY = date(2026, 6, 12)

YN = Question(key="yn", text="Yes or no?", kind="yn", weight=2)
SCALE = Question(key="sc", text="How many? (0-5)", kind="scale", weight=1.5, max=5)
SMALL = Risk(
    medium_from=4,
    high_from=6,
    review_days=ReviewDays(standard=0, medium=28, high=14),
    questions=[YN, SCALE],
)


def small(**days):
    rd = {"standard": 0, "medium": 28, "high": 14, **days}
    return Risk(medium_from=4, high_from=6, review_days=ReviewDays(**rd), questions=[YN, SCALE])


# --- answer_from_key ---------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [("y", 1), ("Y", 1), ("n", 0), ("N", 0)])
def test_yes_no_keys(key, value):
    assert answer_from_key(YN, key) == value


@pytest.mark.parametrize("key", ["1", "0", "x", "", " ", "yes", "no", "yy", "enter", "escape", "\n"])
def test_yes_no_refuses_other_keys(key):
    assert answer_from_key(YN, key) is None


@pytest.mark.parametrize("digit", range(6))
def test_scale_digits_up_to_max(digit):
    assert answer_from_key(SCALE, str(digit)) == digit


@pytest.mark.parametrize("key", ["6", "9", "y", "n", "", "10", "-1", "05", " 1", "½", "٣", "５"])
def test_scale_refuses_out_of_range_and_non_digits(key):
    assert answer_from_key(SCALE, key) is None


def test_shipped_frequency_question_takes_nine():
    frequency = next(q for q in RISK.questions if q.key == "frequency")
    assert answer_from_key(frequency, "9") == 9
    assert answer_from_key(frequency, "y") is None


@given(st.text(max_size=5))
def test_fuzz_answer_from_key_is_none_or_in_range(key):
    for question in (YN, SCALE, *RISK.questions):
        value = answer_from_key(question, key)
        top = 1 if question.kind == "yn" else question.max
        assert value is None or (isinstance(value, int) and 0 <= value <= top)


# --- score --------------------------------------------------------------------


def test_score_empty_is_zero():
    assert score(RISK, {}) == 0


def test_score_weights_yes_answers_and_scales():
    assert score(SMALL, {"yn": 1, "sc": 3}) == 2 + 4.5
    assert score(SMALL, {"yn": 0, "sc": 0}) == 0
    assert score(SMALL, {"sc": 5}) == 7.5


def test_score_shipped_all_yes_and_max():
    answers = {q.key: (1 if q.kind == "yn" else q.max) for q in RISK.questions}
    expected = sum(q.weight * (1 if q.kind == "yn" else q.max) for q in RISK.questions)
    assert score(RISK, answers) == expected == 40


def test_score_none_is_unanswered():
    assert score(SMALL, {"yn": None, "sc": 2}) == 3


def test_score_accepts_bools_for_yes_no():
    assert score(SMALL, {"yn": True}) == 2


def test_score_unknown_key_raises():
    with pytest.raises(ValueError, match="Unknown risk question 'nope'"):
        score(SMALL, {"nope": 1})


@pytest.mark.parametrize(("key", "value"), [("yn", 2), ("yn", -1), ("sc", 6), ("sc", -1), ("sc", 1.5), ("yn", "1")])
def test_score_out_of_range_raises(key, value):
    with pytest.raises(ValueError, match="out of range"):
        score(SMALL, {key: value})


# --- level_for ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "level"),
    [(0, "standard"), (3.99, "standard"), (4, "medium"), (5.99, "medium"), (6, "high"), (100, "high")],
)
def test_level_thresholds_are_inclusive(value, level):
    assert level_for(value, SMALL) == level


@pytest.mark.parametrize(
    ("value", "level"), [(11, "standard"), (12, "medium"), (21.5, "medium"), (22, "high"), (40, "high")]
)
def test_shipped_thresholds(value, level):
    assert level_for(value, RISK) == level


def test_levels_are_in_rising_order():
    assert LEVELS == ("standard", "medium", "high")


# --- assess ----------------------------------------------------------------------


def test_assess_without_override():
    result = assess(SMALL, {"yn": 1, "sc": 2})
    assert result == RiskResult(score=5.0, computed_level="medium", level="medium", unanswered=(), overridden=False)


def test_assess_lists_unanswered_in_question_order():
    assert assess(SMALL, {}).unanswered == ("yn", "sc")
    assert assess(SMALL, {"sc": 1}).unanswered == ("yn",)
    assert assess(SMALL, {"yn": None, "sc": 1}).unanswered == ("yn",)
    assert assess(RISK, {}).unanswered == tuple(q.key for q in RISK.questions)


def test_assess_empty_answers_is_standard():
    result = assess(RISK, {})
    assert (result.score, result.level, result.overridden) == (0, "standard", False)


@pytest.mark.parametrize(
    ("answers", "override", "level"),
    [
        ({}, "medium", "medium"),
        ({}, "high", "high"),
        ({"yn": 1, "sc": 2}, "high", "high"),
    ],
)
def test_override_raises_the_level_with_a_reason(answers, override, level):
    result = assess(SMALL, answers, override, "Victim disclosed threats to their family")
    assert result.level == level
    assert result.overridden is True
    assert result.computed_level != level


@pytest.mark.parametrize(("answers", "override"), [({"sc": 5}, "medium"), ({"sc": 5}, "standard"), ({"sc": 3}, "standard")])
def test_override_cannot_lower(answers, override):
    with pytest.raises(ValueError, match="can only raise the level"):
        assess(SMALL, answers, override, "Situation has calmed down")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_override_needs_a_reason(reason):
    with pytest.raises(ValueError, match="Give a reason"):
        assess(SMALL, {}, "high", reason)


def test_override_to_the_computed_level_is_not_an_override():
    result = assess(SMALL, {"sc": 5}, "high", "")
    assert result.level == "high"
    assert result.overridden is False


def test_override_unknown_level():
    with pytest.raises(ValueError, match="Unknown risk level"):
        assess(SMALL, {}, "critical", "because")


def test_assess_unknown_key_raises():
    with pytest.raises(ValueError):
        assess(SMALL, {"other": 1})


def test_risk_result_is_frozen():
    result = assess(SMALL, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.level = "high"  # type: ignore[misc]


@given(st.fixed_dictionaries({}, optional={"yn": st.sampled_from([0, 1, None]), "sc": st.integers(0, 5) | st.none()}))
def test_assess_level_matches_score(answers):
    result = assess(SMALL, answers)
    assert result.level == result.computed_level == level_for(result.score, SMALL)
    assert set(result.unanswered) == {k for k in ("yn", "sc") if answers.get(k) is None}


# --- review dates --------------------------------------------------------------------


def test_review_due_by_level_shipped():
    assert review_due("high", DAY, RISK, None) == date(2026, 6, 26)
    assert review_due("medium", DAY, RISK, None) == date(2026, 7, 10)


def test_standard_review_is_at_the_next_meeting():
    assert review_due("standard", DAY, RISK, date(2026, 7, 24)) == date(2026, 7, 24)


def test_standard_review_without_a_meeting_is_six_weeks():
    assert review_due("standard", DAY, RISK, None) == date(2026, 7, 24)


def test_any_level_with_zero_days_uses_the_next_meeting():
    cfg = small(high=0)
    assert review_due("high", DAY, cfg, date(2026, 6, 30)) == date(2026, 6, 30)
    assert review_due("medium", DAY, cfg, date(2026, 6, 30)) == date(2026, 7, 10)


def test_standard_with_days_ignores_the_meeting():
    cfg = small(standard=90)
    assert review_due("standard", DAY, cfg, date(2026, 6, 30)) == date(2026, 9, 10)


def test_review_due_unknown_level():
    with pytest.raises(ValueError):
        review_due("severe", DAY, RISK, None)


@pytest.mark.parametrize(
    ("due", "today", "overdue"),
    [
        (date(2026, 6, 12), date(2026, 6, 12), False),  # due today: still in time
        (date(2026, 6, 12), date(2026, 6, 13), True),
        (date(2026, 6, 12), date(2026, 6, 11), False),
        (None, date(2026, 6, 13), False),
    ],
)
def test_is_review_overdue(due, today, overdue):
    assert is_review_overdue(due, today) is overdue


def test_the_questionnaire_is_a_victims_never_a_perpetrators():
    from jagtui.rules.risk import whom_problem

    roles = {1: {"victim"}, 2: {"perpetrator"}, 3: {"witness"}}
    assert whom_problem("victim", roles, 1) is None
    assert "perpetrator" in whom_problem("victim", roles, 2)
    assert whom_problem("victim", roles, None) is None             # the case's victim, unnamed
    assert whom_problem("perpetrator", {2: {"perpetrator", "victim"}}, 2) is None
    assert "No victim" in whom_problem("perpetrator", {2: {"perpetrator"}}, None)
    assert "No victim" in whom_problem("perpetrator", {}, None)
    assert "No victim" in whom_problem("location", {2: {"perpetrator"}}, None)
    assert whom_problem("location", {}, None) is None
