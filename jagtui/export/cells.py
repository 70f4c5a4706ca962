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


def formula_like(text: str) -> bool:
    """Would a spreadsheet (with either separator) run some part of ``text`` as a formula?"""
    return text.startswith(FORMULA_START) or _AFTER_SEPARATOR.search(text) is not None


def csv_text(value: object) -> str:
    """A CSV field's text: visible codes for controls, ``'`` before each would-be formula."""
    text = visible(value)
    if not formula_like(text):
        return text
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def sheet_text(value: object) -> str:
    """An .xlsx string cell's text: visible codes for controls, otherwise as typed."""
    return visible(value)
