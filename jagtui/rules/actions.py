"""Action-log rules: an open action past its complete-by date is overdue."""

from __future__ import annotations

from datetime import date

ACTION_STATUSES = ("open", "complete", "cancelled")


def is_overdue(due_on: date | None, status: str, today: date) -> bool:
    """Open and due strictly before today; due today is not yet overdue.

    An unknown status is a programming error, so it raises ValueError rather
    than silently hiding an overdue action.
    """
    if status not in ACTION_STATUSES:
        raise ValueError(f"Unknown action status {status!r}: expected one of {', '.join(ACTION_STATUSES)}")
    return status == "open" and due_on is not None and due_on < today
