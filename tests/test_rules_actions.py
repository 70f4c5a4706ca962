"""Tests for jagtui.rules.actions: when an action-log entry is overdue."""

from datetime import date

import pytest

from jagtui.rules.actions import ACTION_STATUSES, is_overdue

TODAY = date(2026, 6, 12)


def test_statuses():
    assert ACTION_STATUSES == ("open", "complete", "cancelled")


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [
        (date(2026, 6, 11), "open", True),  # due yesterday
        (date(2025, 1, 1), "open", True),
        (date(2026, 6, 12), "open", False),  # due today: not yet overdue
        (date(2026, 6, 13), "open", False),
        (None, "open", False),  # no complete-by date
        (date(2026, 6, 11), "complete", False),
        (date(2026, 6, 11), "cancelled", False),
        (None, "complete", False),
    ],
)
def test_is_overdue(due, status, overdue):
    assert is_overdue(due, status, TODAY) is overdue


@pytest.mark.parametrize("status", ["Open", "done", "", "closed"])
def test_unknown_status_raises(status):
    with pytest.raises(ValueError, match="Unknown action status"):
        is_overdue(date(2026, 6, 1), status, TODAY)
