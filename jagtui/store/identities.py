"""Everyone and everywhere the database holds, for the redaction engine.

Redaction must know every person and place held, not only those on the case
in hand: a surname typed into a note about another case must not leak either.
:func:`load_lexicon` reads them all in two queries and indexes them
(:class:`jagtui.redaction.lexicon.Lexicon`). The screens mask free text many
times a second, so :func:`cached_lexicon` keeps one index per database and
rebuilds it only when a person or place has changed (a cheap check, made at
most every few seconds).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.redaction.lexicon import Lexicon, Place, Subject
from jagtui.store.models import (
    Action, Attendance, Case, CaseParty, Location, Meeting, Person, User,
)

CHECK_SECONDS = 3.0


def people(session: Session) -> list[Subject]:
    rows = session.connection().execute(
        select(Person.id, Person.name, Person.date_of_birth, Person.address, Person.postcode,
               Person.beat, Person.phone, Person.vulnerabilities).order_by(Person.id))
    return [Subject(pid, name or "", dob, address or "", postcode or "", beat or "", phone or "",
                    vulnerable or "")
            for pid, name, dob, address, postcode, beat, phone, vulnerable in rows]


def places(session: Session) -> list[Place]:
    rows = session.connection().execute(
        select(Location.id, Location.name, Location.address, Location.postcode, Location.beat,
               Location.locality).order_by(Location.id))
    return [Place(lid, *(value or "" for value in rest)) for lid, *rest in rows]


def staff_names(session: Session) -> list[str]:
    """Names of the partnership's staff: users, attendees, chairs, lead officers, owners."""
    found: set[str] = set()
    for query in (select(User.display_name), select(Attendance.name).distinct(),
                  select(Meeting.chair).distinct(), select(Case.lead_officer).distinct(),
                  select(Action.owner).distinct()):
        found.update(name for name in session.scalars(query) if name and name.strip())
    return sorted(found)


def load_lexicon(session: Session, keep: Iterable[str] = (),
                 common_words: Iterable[str] = ()) -> Lexicon:
    """The index of every person and place held; ``keep`` the localities and agencies."""
    return Lexicon(people(session), places(session), keep=keep, common_words=common_words)


def stamp(session: Session) -> tuple:
    """Changes whenever a person or place is added, changed or removed."""
    return tuple(session.execute(select(func.count(), func.max(table.updated_at), func.max(table.id)))
                 .one() for table in (Person, Location))


class _Cached:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp: tuple | None = None
        self.checked = 0.0
        self.lexicon: Lexicon | None = None
        self.staff: tuple[str, ...] = ()
        self.building = False


# By the store's id, with a weak reference to tell a new store from one that reused the id.
_CACHE: dict[int, tuple[weakref.ref, _Cached]] = {}
_CACHE_LOCK = threading.Lock()


def _entry(store) -> _Cached:
    with _CACHE_LOCK:
        held = _CACHE.get(id(store))
        if held is None or held[0]() is not store:
            for key in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
                del _CACHE[key]
            held = (weakref.ref(store), _Cached())
            _CACHE[id(store)] = held
        return held[1]


def cached_lexicon(store, keep: tuple[str, ...] = (),
                   common_words: tuple[str, ...] = ()) -> tuple[Lexicon, tuple[str, ...]]:
    """The index of everyone held and the staff's names, rebuilt when people or places change.

    The first call builds it (about 2 s for 25,000 people on the 2-core VM); after a
    change the old index keeps serving while a thread builds the new one, so a
    screen never waits on it. The case in hand's own parties are always known to
    the screen's redactor, whatever the index's age.
    """
    entry = _entry(store)
    with entry.lock:
        now = time.monotonic()
        if entry.lexicon is not None and (now - entry.checked < CHECK_SECONDS or entry.building):
            return entry.lexicon, entry.staff
        entry.checked = now
        with store.read() as session:
            current = stamp(session)
            if entry.lexicon is None:
                entry.lexicon = load_lexicon(session, keep, common_words)
                entry.staff = tuple(staff_names(session))
                entry.stamp = current
        if current != entry.stamp:
            entry.building = True
            threading.Thread(target=_rebuild, args=(entry, store, current, keep, common_words),
                             daemon=True).start()
        return entry.lexicon, entry.staff


def _rebuild(entry: _Cached, store, current: tuple, keep, common_words) -> None:
    try:
        with store.read() as session:
            lexicon = load_lexicon(session, keep, common_words)
            staff = tuple(staff_names(session))
        with entry.lock:
            entry.lexicon, entry.staff, entry.stamp = lexicon, staff, current
    except Exception:  # the old index keeps serving; the next check tries again
        pass
    finally:
        entry.building = False


def case_roles(session: Session, case_ids: Iterable[int]) -> list[tuple[int, str, int]]:
    """(case id, role, person id) of everyone on these cases, primary first."""
    ids = list(case_ids)
    if not ids:
        return []
    return [tuple(row) for row in session.execute(
        select(CaseParty.case_id, CaseParty.role, CaseParty.person_id)
        .where(CaseParty.case_id.in_(ids), CaseParty.person_id.is_not(None))
        .order_by(CaseParty.case_id, CaseParty.primary.desc(), CaseParty.id))]


def case_subjects(session: Session, case_ids: Iterable[int]) -> tuple[
        list[tuple[int, str, Subject]], list[Place]]:
    """The people (case id, role, subject) and places on these cases, with their ids, so a
    redactor knows them even before the index of everyone held has caught up with them."""
    ids = list(case_ids)
    if not ids:
        return [], []
    rows = session.connection().execute(
        select(CaseParty.case_id, CaseParty.role, Person.id, Person.name, Person.date_of_birth,
               Person.address, Person.postcode, Person.beat, Person.phone,
               Person.vulnerabilities, Location.id, Location.name, Location.address,
               Location.postcode, Location.beat, Location.locality)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(CaseParty.case_id.in_(ids)))
    parties, places = [], {}
    for case_id, role, pid, name, dob, address, postcode, beat, phone, vulnerable, *place in rows:
        if pid is not None:
            parties.append((case_id, role, Subject(pid, name or "", dob, address or "",
                                                   postcode or "", beat or "", phone or "",
                                                   vulnerable or "")))
        elif place[0] is not None:
            places[place[0]] = Place(place[0], *(value or "" for value in place[1:]))
    return parties, list(places.values())
