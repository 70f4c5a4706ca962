"""The ASB incremental approach: where a perpetrator is on the ladder and what comes next.

A breach "prompts the next step" (LLR); the rules say which step, in words the
meeting can minute, and which interventions need reviewing soon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from jagtui.rules.dates import fmt_date

if TYPE_CHECKING:
    from jagtui.config import LadderStep

OUTCOMES = ("active", "complied", "breached", "expired")
TOP_NOTE = "already at the top of the ladder: refer for court action review"


@dataclass(frozen=True)
class InterventionFact:
    id: int
    step: str
    issued_on: date
    review_on: date | None
    outcome: str
    breaches: tuple[date, ...] = ()

    @property
    def breached(self) -> bool:
        """Breached when so recorded, or when any breach date is logged."""
        return self.outcome == "breached" or bool(self.breaches)


@dataclass(frozen=True)
class LadderState:
    current: LadderStep | None
    current_index: int
    suggested: LadderStep | None
    note: str


def _breach_words(step: LadderStep, latest: InterventionFact) -> str:
    if not latest.breaches:
        return f"Breach of {step.name}"
    when = fmt_date(max(latest.breaches))
    if len(latest.breaches) == 1:
        return f"Breach of {step.name} on {when}"
    return f"{len(latest.breaches)} breaches of {step.name}, latest on {when}"


def ladder_state(ladder: Sequence[LadderStep], history: Sequence[InterventionFact]) -> LadderState:
    """Current = the highest step ever reached; the suggestion follows the latest
    intervention at that step: breached -> next step up (the top stays the top,
    with a court-review note); active -> the next step if it is breached, noting
    when it runs to; complied or expired -> stay at the current step.
    Unknown steps or outcomes raise ValueError.
    """
    if not ladder:
        raise ValueError("The intervention ladder has no steps")
    index = {step.key: i for i, step in enumerate(ladder)}
    for fact in history:
        if fact.step not in index:
            raise ValueError(f"Unknown intervention step {fact.step!r} (not on the configured ladder)")
        if fact.outcome not in OUTCOMES:
            raise ValueError(f"Unknown intervention outcome {fact.outcome!r}: expected one of {', '.join(OUTCOMES)}")
    if not history:
        return LadderState(None, -1, ladder[0], f"No interventions yet: start with {ladder[0].name}")
    top = len(ladder) - 1
    current_index = max(index[f.step] for f in history)
    current = ladder[current_index]
    latest = max((f for f in history if f.step == current.key), key=lambda f: (f.issued_on, f.id))
    following = ladder[min(current_index + 1, top)]
    if latest.breached:
        lead = _breach_words(current, latest)
        if current_index == top:
            return LadderState(current, current_index, current, f"{lead}: {TOP_NOTE}")
        return LadderState(current, current_index, following, f"{lead}: propose {following.name}")
    if latest.outcome == "active":
        until = f"active until {fmt_date(latest.review_on)}" if latest.review_on else "active, no review date set"
        then = TOP_NOTE if current_index == top else f"if breached, propose {following.name}"
        return LadderState(current, current_index, following, f"{current.name} {until}: {then}")
    return LadderState(current, current_index, current, f"{current.name} {latest.outcome}: no escalation needed")


def default_review_on(step: LadderStep, issued_on: date) -> date | None:
    """Issued date plus the step's review months (month end clamped); None when 0."""
    if step.review_months == 0:
        return None
    return issued_on + relativedelta(months=step.review_months)


def expiring(history: Iterable[InterventionFact], today: date, within_days: int) -> list[InterventionFact]:
    """Active interventions reviewed within ``[today, today + within_days]``, soonest first."""
    end = today + timedelta(days=within_days)
    due = [f for f in history if f.outcome == "active" and f.review_on is not None and today <= f.review_on <= end]
    return sorted(due, key=lambda f: (f.review_on, f.id))


def lapsed(history: Iterable[InterventionFact], today: date) -> list[InterventionFact]:
    """Active interventions whose review date has passed without an outcome, oldest first."""
    late = [f for f in history if f.outcome == "active" and f.review_on is not None and f.review_on < today]
    return sorted(late, key=lambda f: (f.review_on, f.id))
