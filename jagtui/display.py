"""How values look on screen: literal text, privacy masking, flag badges.

Pure functions, so the shared-screen privacy rules are unit-tested without a
terminal. Anything a user typed goes through :func:`literal`: Rich markup and
terminal escape sequences in it are shown as characters, never obeyed.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0/C1 control characters (ESC, BEL, CSI ...) except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same with tab and newline, for one-line text boxes.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidirectional overrides that could reorder what the room reads, and code points
# no document may hold (XML 1.0 refuses them: a .docx export would fail).
_AS_CODE = re.compile(r"[\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
# Anything that may move or reorder a terminal if written to it: every C0 (tab and
# newline too), DEL, C1 and the bidi overrides and isolates. None of them takes a
# column, so a rendered line without them keeps its width.
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

FLAG_BADGES = {
    "community_trigger": ("CT", "Community Trigger threshold met"),
    "repeat_victim": ("RV", "Repeat victim"),
    "repeat_location": ("RL", "Repeat location"),
    "vulnerable": ("VV", "Vulnerable victim (medium or high risk)"),
    "hate": ("H", "Hate incident"),
    "youth": ("Y", "Youth"),
    "review_overdue": ("OD", "Risk review overdue"),
    "case_review_overdue": ("CR", "ASB case review step overdue"),
    "referral_overdue": ("RF", "Referral unanswered"),
}
RISK_STYLES = {"high": "bold red", "medium": "yellow", "standard": "green"}
RAG_STYLES = {"red": "bold white on red", "amber": "black on yellow", "green": "black on green"}


def visible(value: object, one_line: bool = False) -> str:
    """Control, bidi-override and non-characters made visible as ``\\xNN``/``\\uNNNN``.

    The one function for stored text on its way to the screen or a document. Tab
    and newline are kept unless ``one_line`` (a one-line text box shows them as codes).
    """
    text = "" if value is None else str(value)
    control = _CONTROL_ONE_LINE if one_line else _CONTROL
    text = control.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return _AS_CODE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def literal(value: object, style: str = "") -> Text:
    """User text for a widget: never parsed as markup, escapes shown not run."""
    return Text(visible(value), style=style, no_wrap=False)


def cell(value: object, style: str = "") -> Text:
    """User text for a one-line table cell: literal, cut with an ellipsis, never wrapped."""
    return Text(visible(value), style=style, no_wrap=True, overflow="ellipsis")


def initials(name: str) -> str:
    """'Mary-Jane O'Neill' -> 'M.O.'; used when the room is not cleared for names."""
    words = [w for w in re.split(r"[\s\-]+", name.strip()) if w and w[0].isalnum()]
    if not words:
        return "?"
    letters = [words[0][0]] + ([words[-1][0]] if len(words) > 1 else [])
    return "".join(f"{letter.upper()}." for letter in letters)


def masked_subject(subject: str, is_person: bool, locality: str, private: bool) -> str:
    """The subject as the room may see it: people as initials, places as their locality."""
    if not private:
        return subject
    if is_person:
        return initials(subject)
    return locality or "(location)"


def flag_badges(codes: list[str] | tuple[str, ...]) -> str:
    return " ".join(FLAG_BADGES[code][0] for code in codes if code in FLAG_BADGES)
