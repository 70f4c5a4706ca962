"""What the case list's search looks in, read once so each keystroke filters in memory.

A case is found by its reference, its title, or any party's name, place name or
locality (the fields the SQL search of ``caselist.case_rows`` looks in). A user who
may not see names (the restricted role) finds cases by reference and locality only:
the searchable text then holds no name, title or address, so typing a surname or a
street lists nothing (the store does not know roles: the caller says). The text is
casefolded here, in Python, because SQLite's ``lower()`` folds ASCII only: a
search for "ö" or "ł" must find "Ö" and "Ł" on both databases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, select

from jagtui.store.models import Case, CaseParty, Location, Person

# Between fields, so a match cannot run from one into the next: NUL is never
# stored (hooks.check_text) and is left out of what is searched for.
_BETWEEN = "\x00"


def search_key(search: str) -> str:
    """A typed search as it is matched: trimmed, casefolded, without NUL (as ``like_pattern``)."""
    return search.strip().replace("\x00", "").casefold()


def case_search_texts(session: Session, case_ids: Iterable[int], *, names: bool = True,
                      localities: Iterable[str] = ()) -> dict[int, str]:
    """Each case's searchable text, casefolded: reference, title, parties' names and places.

    ``names=False`` (a role that may not see names): the reference and the localities
    only: a location's locality, and any of ``localities`` (the configured ones) named
    in the title or a party's address; never a name, title or address.
    """
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Case.id, Case.reference, Case.title, Person.name, Location.name, Location.locality,
               Person.address, Location.address)
        .outerjoin(CaseParty, CaseParty.case_id == Case.id)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(Case.id.in_(ids))
    )
    known = [(place.casefold(), re.compile(rf"(?<!\w){re.escape(place.casefold())}(?!\w)"))
             for place in localities if place.strip()]
    fields: dict[int, list[str]] = {}
    for case_id, reference, title, person, place, locality, home, where in rows:
        if names:
            found = fields.setdefault(case_id, [reference, title])
            found.extend(value for value in (person, place, locality) if value)
            continue
        found = fields.setdefault(case_id, [reference])
        if locality:
            found.append(locality)
        written = _BETWEEN.join(value for value in (title, home, where) if value).casefold()
        found.extend(name for name, pattern in known if pattern.search(written))
    return {case_id: _BETWEEN.join(dict.fromkeys(found)).casefold()
            for case_id, found in fields.items()}

