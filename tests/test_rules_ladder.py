"""Tests for jagtui.rules.ladder: the ASB incremental approach."""

import dataclasses
from datetime import date

import pytest

from jagtui.config import DEFAULTS_PATH, LadderStep, load_config
from jagtui.rules.ladder import (
    OUTCOMES,
    InterventionFact,
    LadderState,
    default_review_on,
    expiring,
    ladder_state,
    lapsed,
)

CFG = load_config(DEFAULTS_PATH)
LADDER = CFG.ladder
KEYS = [s.key for s in LADDER]
TODAY = date(2026, 6, 12)
TOP = "already at the top of the ladder: refer for court action review"


def fact(n, step, issued=date(2026, 1, 5), outcome="active", review=None, breaches=()):
    return InterventionFact(id=n, step=step, issued_on=issued, review_on=review, outcome=outcome, breaches=breaches)


def test_shipped_ladder_order():
    assert KEYS == ["ADVICE", "LETTER", "ABC", "CPW", "CPN", "INJUNCTION"]
    assert OUTCOMES == ("active", "complied", "breached", "expired")


def test_empty_history_suggests_the_first_step():
    state = ladder_state(LADDER, [])
    assert state == LadderState(None, -1, LADDER[0], "No interventions yet: start with Advice / verbal warning")


@pytest.mark.parametrize("i", range(len(LADDER) - 1))
def test_breach_at_each_step_proposes_the_next(i):
    step = LADDER[i]
    state = ladder_state(LADDER, [fact(1, step.key, outcome="breached", breaches=(date(2026, 3, 3),))])
    assert state.current == step
    assert state.current_index == i
    assert state.suggested == LADDER[i + 1]
    assert state.note == f"Breach of {step.name} on 3 Mar 2026: propose {LADDER[i + 1].name}"


def test_breach_note_example_from_the_brief():
    state = ladder_state(LADDER, [fact(1, "ABC", outcome="breached", breaches=(date(2026, 3, 3),))])
    assert state.note == "Breach of Acceptable Behaviour Contract on 3 Mar 2026: propose Community Protection Warning"


def test_breach_outcome_without_a_date():
    state = ladder_state(LADDER, [fact(1, "LETTER", outcome="breached")])
    assert state.suggested.key == "ABC"
    assert state.note == "Breach of Warning letter: propose Acceptable Behaviour Contract"


def test_a_breach_date_on_an_active_intervention_is_a_breach():
    state = ladder_state(LADDER, [fact(1, "CPW", outcome="active", breaches=(date(2026, 2, 1),))])
    assert state.suggested.key == "CPN"
    assert state.note.startswith("Breach of Community Protection Warning on 1 Feb 2026")


def test_several_breaches_name_the_latest():
    f = fact(1, "ABC", outcome="breached", breaches=(date(2026, 3, 3), date(2026, 4, 9), date(2026, 2, 1)))
    assert ladder_state(LADDER, [f]).note == (
        "3 breaches of Acceptable Behaviour Contract, latest on 9 Apr 2026: propose Community Protection Warning"
    )


def test_breach_at_the_top_stays_at_the_top():
    state = ladder_state(LADDER, [fact(1, "INJUNCTION", outcome="breached", breaches=(date(2026, 5, 1),))])
    assert state.current == LADDER[-1]
    assert state.current_index == len(LADDER) - 1
    assert state.suggested == LADDER[-1]
    assert state.note == f"Breach of Civil Injunction / CBO / closure order on 1 May 2026: {TOP}"


def test_active_suggests_the_next_step_with_its_review_date():
    state = ladder_state(LADDER, [fact(1, "ABC", review=date(2026, 7, 5))])
    assert state.current.key == "ABC"
    assert state.suggested.key == "CPW"
    assert state.note == "Acceptable Behaviour Contract active until 5 Jul 2026: if breached, propose Community Protection Warning"


def test_active_without_a_review_date():
    state = ladder_state(LADDER, [fact(1, "ADVICE")])
    assert state.suggested.key == "LETTER"
    assert "active, no review date set" in state.note


def test_active_at_the_top():
    state = ladder_state(LADDER, [fact(1, "INJUNCTION", review=date(2027, 1, 5))])
    assert state.suggested.key == "INJUNCTION"
    assert state.note.endswith(TOP)


@pytest.mark.parametrize("outcome", ["complied", "expired"])
def test_complied_or_expired_stays_at_the_current_step(outcome):
    state = ladder_state(LADDER, [fact(1, "LETTER", outcome=outcome)])
    assert state.current.key == "LETTER"
    assert state.suggested.key == "LETTER"
    assert state.note == f"Warning letter {outcome}: no escalation needed"


def test_current_is_the_highest_step_reached_not_the_latest():
    history = [
        fact(1, "ADVICE", date(2025, 1, 1), "breached"),
        fact(2, "CPW", date(2025, 6, 1), "complied"),
        fact(3, "LETTER", date(2026, 1, 1), "breached"),  # a later, lower step
    ]
    state = ladder_state(LADDER, history)
    assert state.current.key == "CPW"
    assert state.current_index == 3
    assert state.suggested.key == "CPW"


def test_latest_intervention_at_the_current_step_decides():
    history = [
        fact(1, "ABC", date(2025, 1, 1), "breached", breaches=(date(2025, 2, 1),)),
        fact(2, "ABC", date(2025, 6, 1), "complied"),  # a fresh ABC, kept
    ]
    assert ladder_state(LADDER, history).suggested.key == "ABC"
    history.append(fact(3, "ABC", date(2026, 1, 1), "breached"))
    assert ladder_state(LADDER, list(reversed(history))).suggested.key == "CPW"


def test_same_issue_date_tie_goes_to_the_later_id():
    history = [fact(2, "ABC", date(2026, 1, 1), "breached"), fact(1, "ABC", date(2026, 1, 1), "complied")]
    assert ladder_state(LADDER, history).suggested.key == "CPW"


def test_whole_escalation():
    history = []
    expected = ["ADVICE", "LETTER", "ABC", "CPW", "CPN", "INJUNCTION", "INJUNCTION"]
    assert ladder_state(LADDER, history).suggested.key == expected[0]
    for n, key in enumerate(KEYS):
        history.append(fact(n, key, date(2025, 1, 1 + n), "breached"))
        assert ladder_state(LADDER, history).suggested.key == expected[n + 1]


def test_unknown_step_raises():
    with pytest.raises(ValueError, match="Unknown intervention step 'ASBO'"):
        ladder_state(LADDER, [fact(1, "ASBO")])


def test_unknown_outcome_raises():
    with pytest.raises(ValueError, match="Unknown intervention outcome"):
        ladder_state(LADDER, [fact(1, "ABC", outcome="withdrawn")])


def test_empty_ladder_raises():
    with pytest.raises(ValueError):
        ladder_state([], [])


def test_hand_built_two_step_ladder():
    ladder = [LadderStep(key="W", name="Warning", review_months=0), LadderStep(key="C", name="Court", review_months=0)]
    assert ladder_state(ladder, [fact(1, "W", outcome="breached")]).suggested.key == "C"
    state = ladder_state(ladder, [fact(1, "C", outcome="breached")])
    assert (state.suggested.key, state.note) == ("C", f"Breach of Court: {TOP}")


def test_state_is_frozen():
    state = ladder_state(LADDER, [])
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.note = ""  # type: ignore[misc]


# --- review dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "issued", "expected"),
    [
        ("ADVICE", date(2026, 1, 31), date(2026, 2, 28)),  # clamped to month end
        ("LETTER", date(2026, 1, 15), date(2026, 4, 15)),
        ("ABC", date(2025, 8, 31), date(2026, 2, 28)),
        ("ABC", date(2023, 8, 31), date(2024, 2, 29)),
        ("CPN", date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_default_review_on(key, issued, expected):
    step = next(s for s in LADDER if s.key == key)
    assert default_review_on(step, issued) == expected


def test_default_review_on_none_when_zero_months():
    assert default_review_on(LadderStep(key="X", name="X", review_months=0), TODAY) is None


def test_expiring_window_is_inclusive():
    history = [
        fact(1, "ABC", review=TODAY),  # today: included
        fact(2, "ABC", review=date(2026, 6, 26)),  # today + 14: included
        fact(3, "ABC", review=date(2026, 6, 27)),  # today + 15: excluded
        fact(4, "ABC", review=date(2026, 6, 11)),  # lapsed: excluded
        fact(5, "ABC", review=date(2026, 6, 20), outcome="complied"),  # not active
        fact(6, "ABC", review=None),
        fact(7, "LETTER", review=date(2026, 6, 13)),
    ]
    assert [f.id for f in expiring(history, TODAY, 14)] == [1, 7, 2]
    assert [f.id for f in expiring(history, TODAY, 0)] == [1]


def test_lapsed():
    history = [
        fact(1, "ABC", review=date(2026, 6, 11)),
        fact(2, "ABC", review=TODAY),  # due today: not lapsed
        fact(3, "ABC", review=date(2025, 1, 1)),
        fact(4, "ABC", review=date(2025, 1, 1), outcome="expired"),
        fact(5, "ABC", review=None),
    ]
    assert [f.id for f in lapsed(history, TODAY)] == [3, 1]


def test_expiring_and_lapsed_empty():
    assert expiring([], TODAY, 30) == []
    assert lapsed([], TODAY) == []


def test_breached_property():
    assert fact(1, "ABC", outcome="breached").breached
    assert fact(1, "ABC", breaches=(TODAY,)).breached
    assert not fact(1, "ABC").breached


def test_latest_is_by_issue_date_not_by_entry_order():
    # a back-dated entry (higher id, earlier date) does not hide the later breach
    history = [fact(1, "ABC", date(2026, 3, 1), "breached"), fact(2, "ABC", date(2025, 9, 1), "complied")]
    assert ladder_state(LADDER, history).suggested.key == "CPW"
