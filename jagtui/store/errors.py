"""Store errors: each carries a message a user can act on."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """A database problem explained for the user in one line."""


class NotFound(StoreError):
    """No record with that identifier."""


class Invalid(StoreError):
    """A value the store refuses (unknown code, blank required field)."""


class Conflict(StoreError):
    """Someone else changed the record since it was read.

    ``theirs`` and ``yours`` hold the clashing field values so both can be shown.
    """

    def __init__(self, what: str, theirs: dict[str, Any], yours: dict[str, Any], by: str):
        self.theirs, self.yours, self.by = theirs, yours, by
        fields = ", ".join(sorted(yours))
        super().__init__(f"{what} was changed by {by or 'someone else'} while you edited it ({fields})")
