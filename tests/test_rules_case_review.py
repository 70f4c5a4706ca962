"""ASB case review rules: the threshold test in words and the steps' due dates."""

from __future__ import annotations

from datetime import date

from jagtui.config import CaseReviews, Timescale, load_config
from jagtui.rules.case_review import (
    MET, NOT_MET, Dates, next_step, rule_words, status, steps, threshold_test,
)
from jagtui.rules.facts import IncidentFact
from jagtui.rules.working_days import load_bank_holidays

CFG = load_config()
RULE = CFG.flags.community_trigger
CAL = load_bank_holidays()
TS = CaseReviews()
RECEIVED = date(2026, 12, 1)


def fact(n, on, category="ASB-PERSONAL", hate=False, ref=None):
    return IncidentFact(n, ref if ref is not None else f"R{n}", on, category, hate)


def test_rule_in_words():
    assert rule_words(RULE) == "3 separate ASB incidents in 6 months, or 1 hate incident in 6 months"


def test_three_asb_incidents_meet_it_and_each_says_why():
    found = threshold_test([fact(1, date(2026, 7, 1)), fact(2, date(2026, 9, 1)),
                            fact(3, date(2026, 11, 30)), fact(4, date(2026, 5, 31)),
                            fact(5, date(2026, 12, 2)), fact(6, date(2026, 9, 1), ref="r2")],
                           RULE, CFG.categories, RECEIVED)
    assert found.met
    assert found.summary.startswith("Meets the threshold: found 3 separate ASB incidents (the rule needs 3)")
    assert "between 1 Jun 2026 and 1 Dec 2026" in found.summary
    why = {line.fact.id: line.why for line in found.lines}
    assert why[1] == why[2] == why[3] == "counts (ASB)"
    assert why[4] == "before 1 Jun 2026: outside the window"
    assert why[5] == "after the application: not counted"
    assert why[6] == "the same incident reported again: counted once"
    assert found.lines[0].words.startswith("31 May 2026 · ref R4 · ")


def test_two_asb_incidents_do_not_and_the_words_say_what_is_missing():
    found = threshold_test([fact(1, date(2026, 7, 1)), fact(2, date(2026, 9, 1))], RULE,
                           CFG.categories, RECEIVED)
    assert not found.met
    assert found.summary == ("Does not meet the threshold: found 2 separate ASB incidents (the rule "
                             "needs 3) and 0 hate incidents (the rule needs 1) between 1 Jun 2026 "
                             "and 1 Dec 2026.")


def test_one_hate_incident_meets_it_whatever_its_category():
    found = threshold_test([fact(1, date(2026, 11, 1), category="ASSAULT", hate=True)], RULE,
                           CFG.categories, RECEIVED)
    assert found.met and found.lines[0].why == "counts (hate)"


def test_a_non_asb_incident_is_not_counted():
    found = threshold_test([fact(1, date(2026, 11, 1), category="ASSAULT")], RULE,
                           CFG.categories, RECEIVED)
    assert not found.met and found.lines[0].why == "neither ASB nor hate: not counted"


def test_window_edge_exactly_six_months_counts():
    found = threshold_test([fact(1, date(2026, 6, 1)), fact(2, date(2026, 6, 2)),
                            fact(3, date(2026, 12, 1))], RULE, CFG.categories, RECEIVED)
    assert found.met


def test_steps_fresh_application():
    found = steps(Dates(RECEIVED), TS, CAL)
    assert [(s.key, s.due) for s in found] == [("decision", date(2026, 12, 15)),
                                               ("told_decision", date(2026, 12, 15))]
    assert next_step(found).key == "decision"
    assert status(Dates(RECEIVED), found) == "awaiting decision"
    assert not found[0].overdue(date(2026, 12, 15)) and found[0].overdue(date(2026, 12, 16))
    assert found[0].words(date(2026, 12, 16)) == (
        "Threshold decision: OVERDUE, was due 15 Dec 2026 (10 working days, local)")


def test_steps_met_then_review_over_christmas():
    d = Dates(RECEIVED, MET, date(2026, 12, 10), date(2026, 12, 11))
    found = steps(d, TS, CAL)
    review = next(s for s in found if s.key == "review")
    # 20 working days from 10 Dec 2026 skip 25 and 28 Dec and 1 Jan 2027.
    assert review.due == date(2027, 1, 12)
    told = next(s for s in found if s.key == "told_outcome")
    assert told.due == date(2027, 1, 19)
    assert status(d, found) == "awaiting review"
    done = Dates(RECEIVED, MET, date(2026, 12, 10), date(2026, 12, 11), date(2027, 1, 5),
                 date(2027, 1, 8))
    found = steps(done, TS, CAL)
    assert next(s for s in found if s.key == "told_outcome").due == date(2027, 1, 12)
    assert next_step(found) is None and status(done, found) == "review complete"


def test_not_met_closes_once_told_and_late_is_marked():
    d = Dates(RECEIVED, NOT_MET, date(2026, 12, 16), date(2026, 12, 17))
    found = steps(d, TS, CAL)
    assert [s.key for s in found] == ["decision", "told_decision"]
    assert status(d, found) == "threshold not met"
    assert found[0].late() and found[0].words(date(2027, 1, 1)) == "Threshold decision: done 16 Dec 2026 (late)"


def test_escalation_step():
    d = Dates(RECEIVED, NOT_MET, date(2026, 12, 10), date(2026, 12, 10),
              escalation_requested_on=date(2027, 1, 4))
    found = steps(d, TS, CAL)
    assert found[-1].key == "escalation" and found[-1].due == date(2027, 2, 1)
    assert status(d, found) == "escalated"
    d2 = Dates(**{**d.__dict__, "escalation_decided_on": date(2027, 1, 20)})
    assert status(d2, steps(d2, TS, CAL)) == "escalation decided"


def test_statutory_basis_and_own_days_from_config():
    ts = CaseReviews(decision=Timescale(days=5, basis="statutory"))
    found = steps(Dates(RECEIVED), ts, CAL)
    assert found[0].due == date(2026, 12, 8)
    assert "(5 working days, statutory)" in found[0].words(RECEIVED)
