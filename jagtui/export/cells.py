"""Text for a spreadsheet cell: never a formula, never a hidden control code.

The OWASP CSV-injection advice: a cell a spreadsheet would run as a formula
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; some
spreadsheets (Japanese Excel) take the full-width ``＝ ＋ － ＠`` as well. A
comma-separated file opened by a reader that splits on semicolons (Excel in
much of Europe) starts a new cell after every ``;`` inside a field, and a reader
that ignores quoting does the same after a ``,``; so a would-be formula after
either separator is neutralised too, and every CSV field is quoted.

In a CSV a ``'`` before the formula is the only defence (the spreadsheet shows
it, which is the point: the reader sees the text was not a number). An .xlsx
string cell is already inert, so :func:`sheet_text` adds nothing visible; the
writer marks such cells ``quotePrefix`` so that editing one keeps it text.

Control characters (ESC, the other C0 and C1 codes) and bidirectional
overrides (U+202A-E, U+2066-9, which reorder what the reader sees) become
visible codes such as ``\\x1b`` and ``\\u202e``; tab and line feed stay.
"""

from __future__ import annotations

import re

from jagtui.display import visible

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_STARTS = "".join(re.escape(c) for c in FORMULA_START)
# A separator a reader may split on, then what would start a formula there.
_AFTER_SEPARATOR = re.compile(f"([;,])(?=[{_STARTS}])")
_FORMULA = re.compile(f"^[{_STARTS}]|[;,][{_STARTS}]")
# What display.visible would change: searched first, as most text holds none of it.
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                     r"\ud800-\udfff\ufffe\uffff]")


def formula_like(text: str) -> bool:
    """Would a spreadsheet (with either separator) run some part of ``text`` as a formula?"""
    return _FORMULA.search(text) is not None


def sheet_text(value: object) -> str:
    """An .xlsx string cell's text: visible codes for controls, otherwise as typed."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return visible(text) if _HIDDEN.search(text) else text


_JOIN = "\ue000"  # a private-use character: never typed, never hidden, never a formula
_ROW_TROUBLE = re.compile(f"(?:^|{_JOIN})[{_STARTS}]|[;,][{_STARTS}]|{_HIDDEN.pattern}")


def clean(texts: list[str]) -> bool:
    """True when none of ``texts`` needs anything done (the usual row): checked in one
    search, not one per cell."""
    return _ROW_TROUBLE.search(_JOIN.join(texts)) is None


def csv_text(value: object) -> str:
    """A CSV field's text: visible codes for controls, ``'`` before each would-be formula."""
    text = sheet_text(value)
    if _FORMULA.search(text) is None:
        return text
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_START) else text
