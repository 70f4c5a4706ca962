"""UK postcodes as people type them ("le11  3ab", "LE113AB") kept one way ("LE11 3AB"),
so the same place is written, searched and redacted alike."""

from __future__ import annotations

import re

# An outward code (LE11, B1, EC1A) and an inward code (3AB), with or without a space.
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


def tidy_postcode(text: str) -> str:
    """A whole postcode in its usual form; anything else (an outward code alone, "n/a")
    upper case with its spaces collapsed, never dropped."""
    words = " ".join((text or "").upper().split())
    whole = POSTCODE.fullmatch(words)
    return f"{whole[1]} {whole[2]}" if whole else words
