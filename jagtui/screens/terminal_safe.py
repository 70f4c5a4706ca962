"""No stored text can move the terminal (issue 13, "terminal-safe text everywhere").

A name imported with ``ESC ]0;pwned BEL`` or ``ESC [2J`` in it, put into a text
box (a person picked as a case subject, an incident being edited, a restored
draft), reached the terminal raw: the window title changed, the screen was wiped.
U+202E reordered what the room read. Two layers, for every screen:

- What enters a widget is shown as codes (``\\x1b]0;pwned\\x07``, ``\\u202e``) by
  :func:`jagtui.display.visible`: notifications, titles, and every Input and
  TextArea value, whoever set it (their ``Changed`` message reaches the app).
- Whatever a widget still draws with such a character in it (text someone put on
  screen without :func:`~jagtui.display.literal`) loses it on the way out: every
  line of every widget passes :class:`SafeLines`, so nothing raw is ever written.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.content import Content
from textual.filter import LineFilter
from textual.widgets import Input, TextArea

from jagtui.display import UNSAFE, visible


class SafeLines(LineFilter):
    """Drops control and bidi characters from drawn text (each takes no column, so
    the line keeps its width); the terminal's own control segments pass."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(UNSAFE.search(text) for text, _style, control in segments if not control):
            return segments
        return [segment if segment.control else Segment(UNSAFE.sub("", segment.text),
                                                         segment.style)
                for segment in segments]


class TerminalSafe:
    """App mixin: stored text shown as codes where it enters a widget, and never drawn raw."""

    _safe_lines = SafeLines()

    def get_line_filters(self):
        return [*super().get_line_filters(), self._safe_lines]

    def notify(self, message: str, *, title: str = "", **kwargs) -> None:
        super().notify(visible(message), title=visible(title, one_line=True), **kwargs)

    def format_title(self, title: str, sub_title: str) -> Content:
        return super().format_title(visible(title, one_line=True), visible(sub_title, one_line=True))

    def on_input_changed(self, event: Input.Changed) -> None:
        shown = visible(event.value, one_line=True)
        if shown != event.value:
            event.input.value = shown

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        area = event.text_area
        shown = visible(area.text)
        if shown != area.text:
            area.load_text(shown)
            area.move_cursor(area.document.end)
