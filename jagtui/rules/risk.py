"""Victim risk questionnaire: score, level, judgement override and review date.

Charnwood's review found risk assessments "not regularly reviewed or not
recorded", so every result carries what was unanswered and the review is dated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jagtui.config import Question, Risk

LEVELS = ("standard", "medium", "high")
# Review of a standard-risk case with no meeting scheduled: six weeks, the JAG cadence.
DEFAULT_NEXT_REVIEW_DAYS = 42


def answer_from_key(question: Question, key: str) -> int | None:
    """One keypress answers a question: y/n for yes-no, a digit 0..max for a scale."""
    if question.kind == "yn":
        return {"y": 1, "Y": 1, "n": 0, "N": 0}.get(key)
    if len(key) == 1 and key in "0123456789" and int(key) <= question.max:
        return int(key)
    return None


def _value_ok(question: Question, value: object) -> bool:
    top = 1 if question.kind == "yn" else question.max
    return isinstance(value, int) and 0 <= value <= top


def score(risk_cfg: Risk, answers: Mapping[str, int | None]) -> float:
    """Sum of weight x value over answered questions; ``None`` means unanswered.

    An unknown key or an impossible value is a programming error: ValueError.
    """
    by_key = {q.key: q for q in risk_cfg.questions}
    total = 0.0
    for key, value in answers.items():
        question = by_key.get(key)
        if question is None:
            raise ValueError(f"Unknown risk question {key!r}")
        if value is None:
            continue
        if not _value_ok(question, value):
            top = 1 if question.kind == "yn" else question.max
            raise ValueError(f"Answer {value!r} to {key!r} is out of range: expected 0 to {top}")
        total += question.weight * int(value)
    return total


def level_for(score: float, risk_cfg: Risk) -> str:
    """Thresholds are inclusive: a score equal to ``high_from`` is high."""
    if score >= risk_cfg.high_from:
        return "high"
    if score >= risk_cfg.medium_from:
        return "medium"
    return "standard"


@dataclass(frozen=True)
class RiskResult:
    score: float
    computed_level: str
    level: str
    unanswered: tuple[str, ...]
    overridden: bool


def assess(
    risk_cfg: Risk,
    answers: Mapping[str, int | None],
    override_level: str | None = None,
    override_reason: str = "",
) -> RiskResult:
    """Score the answers and apply professional judgement, which (as DASH allows)
    may only raise the level and must give a reason. Overriding to the computed
    level itself is not an override.
    """
    total = score(risk_cfg, answers)
    computed = level_for(total, risk_cfg)
    unanswered = tuple(q.key for q in risk_cfg.questions if answers.get(q.key) is None)
    level = computed
    if override_level is not None:
        if override_level not in LEVELS:
            raise ValueError(f"Unknown risk level {override_level!r}: choose standard, medium or high")
        if LEVELS.index(override_level) < LEVELS.index(computed):
            raise ValueError(
                f"Professional judgement can only raise the level: the answers give {computed}, "
                f"so it cannot be lowered to {override_level}"
            )
        if override_level != computed and not override_reason.strip():
            raise ValueError(f"Give a reason for raising the level from {computed} to {override_level}")
        level = override_level
    return RiskResult(total, computed, level, unanswered, level != computed)


def whom_problem(case_type: str, roles: Mapping[int, set[str]], person_id: int | None) -> str | None:
    """Why a risk assessment cannot be recorded for this person on this case, or None.

    The questionnaire (the ASB risk matrix) scores a victim's risk: never a party who is
    only the perpetrator on the case, and never a case with nobody to assess but its
    perpetrator. ``roles`` holds each person on the case with their roles there.
    """
    if person_id is not None:
        held = roles.get(person_id, set())
        if "perpetrator" in held and "victim" not in held:
            return ("The risk assessment scores a victim's risk: this person is the perpetrator "
                    "on the case, not its victim")
        return None
    if any("victim" in held for held in roles.values()):
        return None
    if case_type == "perpetrator" or any("perpetrator" in held for held in roles.values()):
        return ("No victim on this case: the risk assessment scores a victim's risk. "
                "Link the victim to the case first")
    return None


def review_due(level: str, assessed_on: date, risk_cfg: Risk, next_meeting: date | None) -> date:
    """Assessed date plus the level's review days; 0 days means at the next meeting
    (or six weeks on if none is scheduled)."""
    if level not in LEVELS:
        raise ValueError(f"Unknown risk level {level!r}: choose standard, medium or high")
    days = getattr(risk_cfg.review_days, level)
    if days:
        return assessed_on + timedelta(days=days)
    return next_meeting if next_meeting is not None else assessed_on + timedelta(days=DEFAULT_NEXT_REVIEW_DAYS)


def is_review_overdue(review_due: date | None, today: date) -> bool:
    """Overdue only after the due day: a review due today is still in time."""
    return review_due is not None and today > review_due
