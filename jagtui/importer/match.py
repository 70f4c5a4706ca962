"""Who and where an imported row is about: the matching rules, pure and testable.

People, in order:
1. exact: the same name and the same date of birth (case, spaces and punctuation
   ignored; "Bloggs, Jo" is "Jo Bloggs") is the same person;
2. possible: a similar name (difflib ratio at least ``NAME_SIMILARITY``) with the
   same date of birth, or the same address or postcode, is only a candidate — it
   is shown for confirmation, never merged silently;
3. otherwise a new person.
Locations match on their name or address, normalised the same way; else new.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache

from jagtui.rules.postcodes import POSTCODE
from jagtui.store.imports import LocationRecord, PersonRecord

NAME_SIMILARITY = 0.85
MAX_CANDIDATES = 3
_PUNCTUATION = re.compile(r"[^\w\s]")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """'  BLOGGS,  Jo ' -> 'jo bloggs'; "O'Neill" -> 'oneill'; 'Mary-Jane' -> 'mary jane'."""
    text = name.replace("-", " ")
    if text.count(",") == 1:
        surname, given = text.split(",")
        text = f"{given} {surname}"
    return " ".join(_PUNCTUATION.sub("", text).split()).casefold()


@lru_cache(maxsize=65536)
def address_key(text: str) -> str:
    """'12, Elm  Road.' -> '12 elm road'."""
    return " ".join(_PUNCTUATION.sub(" ", text).split()).casefold()


@lru_cache(maxsize=65536)
def postcode_of(text: str) -> str:
    """The UK postcode in ``text``, compact and upper case ('LE11 2AB' -> 'LE112AB'), or ''."""
    found = POSTCODE.search(text or "")
    return f"{found[1]}{found[2]}".upper() if found else ""


def formatted_postcode(compact: str) -> str:
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, name_key(a), name_key(b)).ratio()


@dataclass(frozen=True, slots=True)
class IncomingPerson:
    """A person named on an incoming row."""

    slot: int
    column: str
    role: str
    name: str
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""  # compact, upper case ("LE112AB"); see postcode_of

    @property
    def identity(self) -> tuple:
        """Rows naming the same identity within one file are one person."""
        if self.date_of_birth is not None:
            return (name_key(self.name), self.date_of_birth)
        return (name_key(self.name), None, address_key(self.address))


def same_row_people(people: list[IncomingPerson]) -> tuple[IncomingPerson, ...]:
    """A name given twice on one row (the caller is the victim) is one person: the
    mention without a date of birth takes the other's, so both match alike."""
    keys = [name_key(p.name) for p in people]
    if len(set(keys)) == len(keys):
        return tuple(people)  # the usual row: nobody named twice
    known = {name_key(p.name): p for p in people if p.date_of_birth is not None}
    merged = []
    for person in people:
        fuller = known.get(name_key(person.name))
        if person.date_of_birth is None and fuller is not None:
            person = replace(person, date_of_birth=fuller.date_of_birth,
                             address=person.address or fuller.address,
                             postcode=person.postcode or fuller.postcode)
        merged.append(person)
    return tuple(merged)


@dataclass(frozen=True)
class PersonMatch:
    kind: str  # "exact", "possible" or "new"
    person_id: int | None = None
    candidates: tuple[tuple[PersonRecord, float, str], ...] = ()


class PersonIndex:
    """Existing people, indexed by the identifiers the rules compare."""

    def __init__(self, people: list[PersonRecord]):
        self.exact: dict[tuple, list[int]] = defaultdict(list)
        self.by_birth: dict[date, list[PersonRecord]] = defaultdict(list)
        self.by_postcode: dict[str, list[PersonRecord]] = defaultdict(list)
        self.by_address: dict[str, list[PersonRecord]] = defaultdict(list)
        for person in sorted(people, key=lambda p: p.id):
            if person.date_of_birth is not None:
                self.exact[(name_key(person.name), person.date_of_birth)].append(person.id)
                self.by_birth[person.date_of_birth].append(person)
            postcode = postcode_of(person.postcode) or postcode_of(person.address)
            if postcode:
                self.by_postcode[postcode].append(person)
            if person.address.strip():
                self.by_address[address_key(person.address)].append(person)

    def match(self, incoming: IncomingPerson) -> PersonMatch:
        dob = incoming.date_of_birth
        if dob is not None:
            same = self.exact.get((name_key(incoming.name), dob), [])
            if len(same) == 1:
                return PersonMatch("exact", same[0])
        reasons: dict[int, tuple[PersonRecord, list[str]]] = {}

        def consider(people: list[PersonRecord], why: str) -> None:
            for person in people:
                reasons.setdefault(person.id, (person, []))[1].append(why)

        if dob is not None:
            consider(self.by_birth.get(dob, []), "same date of birth")
        if incoming.postcode:
            consider(self.by_postcode.get(incoming.postcode, []), "same postcode")
        if incoming.address.strip():
            consider(self.by_address.get(address_key(incoming.address), []), "same address")
        scored = []
        for person, whys in reasons.values():
            score = similarity(incoming.name, person.name)
            if score >= NAME_SIMILARITY:
                name = "same name" if score == 1 else f"similar name ({score:.0%})"
                scored.append((person, score, ", ".join([name, *dict.fromkeys(whys)])))
        scored.sort(key=lambda item: (-item[1], item[0].id))
        if scored:
            return PersonMatch("possible", candidates=tuple(scored[:MAX_CANDIDATES]))
        return PersonMatch("new")


class LocationIndex:
    """Existing locations by normalised name and address."""

    def __init__(self, locations: list[LocationRecord]):
        self.by_key: dict[str, LocationRecord] = {}
        for location in sorted(locations, key=lambda loc: loc.id, reverse=True):
            for text in (location.address, location.name):
                if text.strip():
                    self.by_key[address_key(text)] = location

    def find(self, text: str) -> LocationRecord | None:
        return self.by_key.get(address_key(text))
