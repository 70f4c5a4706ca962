"""Widgets the forms share."""

from __future__ import annotations

from datetime import date

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from jagtui.rules.dates import DateInputError, fmt_date, parse_date


class _DateValidator(Validator):
    def __init__(self, field: DateField) -> None:
        super().__init__()
        self.field = field

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() and self.field.optional:
            return self.success()
        try:
            parse_date(value, self.field.today, self.field.next_meeting)
        except DateInputError as error:
            return self.failure(str(error))
        return self.success()


class DateField(Input):
    """A date typed as ``2026-12-01``, ``01/12/2026``, ``+6w``, ``+10d``, ``+3m``,
    ``today`` or ``next meeting``. Invalid text stays in the box (nothing typed is
    lost) and the reason is in ``validation_message``; ``date`` is the parsed value.
    """

    def __init__(self, value: date | str | None = None, *, today: date,
                 next_meeting: date | None = None, optional: bool = False, **kwargs) -> None:
        self.today = today
        self.next_meeting = next_meeting
        self.optional = optional
        text = value.isoformat() if isinstance(value, date) else (value or "")
        kwargs.setdefault("placeholder", "2026-12-01, +6w or next meeting")
        super().__init__(text, validators=[_DateValidator(self)], valid_empty=False, **kwargs)

    @property
    def date(self) -> date | None:
        """The parsed date, or None when empty or unreadable."""
        try:
            return parse_date(self.value, self.today, self.next_meeting) if self.value.strip() else None
        except DateInputError:
            return None

    @property
    def validation_message(self) -> str:
        if not self.value.strip():
            return "" if self.optional else "Type a date"
        try:
            parsed = parse_date(self.value, self.today, self.next_meeting)
        except DateInputError as error:
            return str(error)
        return f"= {fmt_date(parsed)}"
