"""Shared-screen privacy for the case screens: people as initials, places as localities.

Pure functions over the case file's parties, so the rules are tested without a
terminal. Free text (notes, descriptions) is redacted by replacing the case's
known names and addresses, which is what the room must not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jagtui.display import initials
from jagtui.store.casefile import Party


def where(locality: str, beat: str) -> str:
    """A place as the room may see it: its locality, else its beat."""
    return locality or (f"Beat {beat}" if beat else "(location)")


def party_name(party: Party, private: bool) -> str:
    if not private:
        return party.name
    return initials(party.name) if party.is_person else where(party.locality, party.beat)


def party_address(party: Party, private: bool) -> str:
    if not private:
        return ", ".join(part for part in (party.address, party.postcode) if part)
    return where(party.locality, party.beat) if (party.locality or party.beat) else ""


def person_name(name: str, private: bool) -> str:
    return initials(name) if private else name


def redact(text: str, parties: Iterable[Party], private: bool) -> str:
    """``text`` with the parties' names, addresses and postcodes masked when private."""
    if not private or not text:
        return text
    swaps: list[tuple[str, str]] = []
    for party in parties:
        shown = party_name(party, True)
        place = where(party.locality, party.beat)
        street = party.address.split(",")[0]  # "12 Larkspur Close" of "12 Larkspur Close, Shelthorpe"
        for value, mask in ((party.name, shown), (party.address, place), (street, place),
                            (party.postcode, place)):
            if value and len(value.strip()) > 1:
                swaps.append((value.strip(), mask))
    # Longest first, so "Ann Example" goes before a shorter name inside it.
    for value, mask in sorted(swaps, key=lambda pair: -len(pair[0])):
        text = re.sub(re.escape(value), mask, text, flags=re.IGNORECASE)
    return text
