"""Store errors: each carries a message a user can act on."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class StoreError(Exception):
    """A database problem explained for the user in one line."""


class NotFound(StoreError):
    """No record with that identifier."""


class Invalid(StoreError):
    """A value the store refuses (unknown code, blank required field)."""


class Busy(StoreError):
    """Another user's save held the database for longer than jagtui waits.

    Nothing was written and nothing is lost: the same save can simply be tried again.
    """


class Conflict(StoreError):
    """Someone else changed the record since it was read.

    Everything a form needs to show the clash and let the user resolve it:
    ``theirs`` and ``yours`` hold the clashing field values (field -> value),
    ``by`` and ``at`` say who saved theirs and when (UTC), ``version`` is the
    record's version now (save again against it to keep yours, knowingly), and
    ``record_id`` and ``table`` say which record it was.
    """

    def __init__(self, what: str, theirs: dict[str, Any], yours: dict[str, Any], by: str,
                 at: datetime | None = None, *, version: int | None = None,
                 record_id: int | None = None, table: str = ""):
        self.what, self.theirs, self.yours, self.by, self.at = what, theirs, yours, by, at
        self.version, self.record_id, self.table = version, record_id, table
        fields = ", ".join(sorted(yours)) or "its details"
        when = f" at {at.astimezone():%H:%M}" if at is not None else ""
        super().__init__(
            f"{what} was changed by {by or 'someone else'}{when} while you edited it ({fields})")

    @property
    def fields(self) -> list[str]:
        """The clashing fields, in a stable order."""
        return sorted(set(self.yours) | set(self.theirs))
