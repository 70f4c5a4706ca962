"""What the case list's search looks in, read once so each keystroke filters in memory.

A case is found by its reference, its title, or any party's name, place name or
locality (the fields the SQL search of ``caselist.case_rows`` looks in). The text is
casefolded here, in Python, because SQLite's ``lower()`` folds ASCII only: a
search for "ö" or "ł" must find "Ö" and "Ł" on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from jagtui.store.models import Case, CaseParty, Location, Person

# Between fields, so a match cannot run from one into the next: NUL is never
# stored (hooks.check_text) and is left out of what is searched for.
_BETWEEN = "\x00"


def search_key(search: str) -> str:
    """A typed search as it is matched: trimmed, casefolded, without NUL (as ``like_pattern``)."""
    return search.strip().replace("\x00", "").casefold()


def case_search_texts(session: Session, case_ids: Iterable[int]) -> dict[int, str]:
    """Each case's searchable text, casefolded: reference, title, parties' names and places."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Case.id, Case.reference, Case.title, Person.name, Location.name, Location.locality)
        .outerjoin(CaseParty, CaseParty.case_id == Case.id)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(Case.id.in_(ids))
    )
    fields: dict[int, list[str]] = {}
    for case_id, reference, title, person, place, locality in rows:
        found = fields.setdefault(case_id, [reference, title])
        found.extend(value for value in (person, place, locality) if value)
    return {case_id: _BETWEEN.join(found).casefold() for case_id, found in fields.items()}

