"""Plain facts the rules read, so the rules never depend on the database layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class IncidentFact:
    """One recorded incident as the rules see it.

    ``ref`` is the source reference (STORM, Sentinel, ...): two facts with the
    same ref are the same incident reported twice. ``id`` is the store's row id.
    """

    id: int
    ref: str
    occurred_on: date
    category: str
    hate: bool
