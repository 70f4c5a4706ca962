"""Every identifying phrase of the people and places held, indexed word by word (pure).

A :class:`Lexicon` is built once per document (or once per change of the
database, for the screens) and then finds every phrase in a text in one pass
over its words: a trie keyed by folded words (``patterns.fold``), so a text
costs the same whether 10 or 100,000 people are held.

What each person gives: the full name (and without middle names), ``Surname,
First``, the surname and the first name alone (and ``O'Neill`` as ``ONeill``),
the surname's plural ("the Smiths"), the address (whole, each line, the street
without the number, the street's stem when distinctive: "Larkspur residents";
"X Wharf" and "Xwharf" alike), the postcode with and without its space, the
clauses of their recorded vulnerabilities, the phone number and date of birth.
A name part on the common-word stop-list ("Will", "Grace", "Green") is only
matched alone when it cannot be read as the ordinary word (see ``engine``).
Localities and other phrases to keep are indexed too, so they are never broken up.

A document's lexicon is given the document's words (a
:class:`~jagtui.redaction.vocabulary.Vocabulary`) and indexes only the phrases
made of them: the part of the whole index its text can reach, built in a
fraction of the time (see that module). A text with other words widens it
(:meth:`Lexicon.cover`), so nothing is missed if a caller forgets a text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from jagtui.redaction.patterns import (
    HOUSE_NUMBER, LEADING, NUMBER_WORDS, RANKS, STREET_TYPES, TITLES, category_of, phone_digits,
    words,
)
from jagtui.redaction.vocabulary import Vocabulary

# Claim kinds: what a phrase is of.
FULL, PART, ADDRESS, PLACE, VULN, KEEP = "full", "part", "address", "place", "vuln", "keep"
# Claim flags.
WEAK = 1     # a common word: alone only when titled ("Mr Green") or, for a party, capitalised
STREET = 2   # a street without a house number: a locality of the same name wins
CAPITAL = 4  # only when written with a capital ("the Bells", not "bells rang")


@dataclass(frozen=True)
class Subject:
    """A person held: everything about them that identifies them."""

    id: int
    name: str
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""
    beat: str = ""
    phone: str = ""
    vulnerabilities: str = ""
    locality: str = ""


@dataclass(frozen=True)
class Place:
    """A location held: shown only as its locality and beat."""

    id: int
    name: str
    address: str = ""
    postcode: str = ""
    beat: str = ""
    locality: str = ""


@dataclass(frozen=True)
class Claim:
    kind: str
    owner: int | None = None      # person or place id
    flags: int = 0
    of_place: bool = False        # an address claim: the owner is a place, not a person
    category: str = ""            # a vulnerability's category


class Lexicon:
    """The phrase index of the people and places given, plus the phrases to keep."""

    def __init__(self, people: Iterable[Subject] = (), places: Iterable[Place] = (), *,
                 keep: Iterable[str] = (), common_words: Iterable[str] = (),
                 vocabulary: Iterable[str] | None = None):
        self.trie: dict = {}
        self.common = frozenset(w for word in common_words for w in words(word))
        self.people: dict[int, Subject] = {}
        self.places: dict[int, Place] = {}
        self.dobs: dict[date, set[int]] = defaultdict(set)
        self.phones: dict[str, int] = {}
        self.keep: set[tuple[str, ...]] = set()
        self.localities: dict[tuple[str, ...], str] = {}
        # None: everything held is indexed (the screens); else only phrases of these words.
        self.vocabulary = None if vocabulary is None else Vocabulary(vocabulary)
        self.builds = 1  # how many times the index was built (a document's: once)
        self._keep_order: list[tuple[str, ...]] = []
        for phrase in keep:
            self.add_keep(phrase)
        for person in people:
            self.add_person(person)
        for place in places:
            self.add_place(place)

    def cover(self, tokens: Iterable[str]) -> None:
        """Make sure every phrase of these words is indexed: a text with words outside the
        vocabulary widens it and the index is built again (the same order, so the same
        claims in the same order on every phrase as an index of everything)."""
        if self.vocabulary is None or self.vocabulary.covers(tokens):
            return
        self.vocabulary.add(tokens)
        people, places = list(self.people.values()), list(self.places.values())
        self.trie, self.people, self.places = {}, {}, {}
        self.dobs, self.phones = defaultdict(set), {}
        for phrase in self._keep_order:
            self.add(phrase, Claim(KEEP))
        for person in people:
            self.add_person(person)
        for place in places:
            self.add_place(place)
        self.builds += 1

    # -- building -----------------------------------------------------------------

    def fits(self, tokens: tuple[str, ...]) -> bool:
        """Whether a phrase can be in the document: all its words are (always, without one)."""
        if self.vocabulary is None:
            return True
        known = self.vocabulary.words
        for token in tokens:
            if token not in known:
                return False
        return True

    def add(self, tokens: tuple[str, ...], claim: Claim) -> None:
        if not tokens or not self.fits(tokens):
            return  # a phrase with a word the document lacks: it cannot be found there
        node = self.trie
        for token in tokens:
            node = node.setdefault(token, {})
        node.setdefault(None, []).append(claim)

    def add_keep(self, phrase: str, locality: bool = True) -> None:
        tokens = words(phrase)
        if tokens and tokens not in self.keep:
            self.keep.add(tokens)
            self._keep_order.append(tokens)
            if locality:
                self.localities[tokens] = phrase
            self.add(tokens, Claim(KEEP))

    def add_person(self, person: Subject) -> None:
        if person.id in self.people:
            return
        self.people[person.id] = person
        if person.date_of_birth:
            self.dobs[person.date_of_birth].add(person.id)
        digits = phone_digits(person.phone) if person.phone else ""
        if len(digits) >= 6:
            self.phones[digits] = person.id
        vocabulary = self.vocabulary  # None, or skip what cannot be in the document
        if vocabulary is None or vocabulary.may_name_name(person.name):
            for tokens, kind, flags in self._name_phrases(person):
                if self.fits(tokens):
                    self.add(tokens, Claim(kind, person.id, flags))
        self._add_address(person.address, person.postcode, person.id, False)
        if vocabulary is not None and not vocabulary.may_name_text(person.vulnerabilities):
            return
        for clause in _clauses(person.vulnerabilities):
            self.add(clause, Claim(VULN, person.id, category=category_of(" ".join(clause))))

    def add_place(self, place: Place) -> None:
        if place.id in self.places:
            return
        self.places[place.id] = place
        if self.vocabulary is not None and not self.vocabulary.may_name_name(place.name):
            names = ()
        else:
            names = {place.name, re.sub(r"\s*\([^)]*\)\s*$", "", place.name)}
        for name in names:
            tokens = words(name)
            if not tokens or tokens in self.keep:
                continue
            if len(tokens) == 1 and (len(tokens[0]) < 3 or tokens[0] in self.common):
                continue
            self.add(tokens, Claim(PLACE, place.id))
        self._add_address(place.address, place.postcode, place.id, True)

    def _name_phrases(self, person: Subject):
        parts = [words(part) for part in person.name.split()]
        parts = [part for part in parts if part]
        while len(parts) > 1 and len(parts[0]) == 1 and parts[0][0] in TITLES:
            parts = parts[1:]  # "Mrs Ann Example" is stored now and then
        if not parts:
            return
        full = tuple(t for part in parts for t in part)
        yield full, FULL, 0
        if len(parts) >= 2:
            yield parts[0] + parts[-1], FULL, 0
            yield parts[-1] + parts[0], FULL, 0
        last = len(parts) - 1
        for n, part in enumerate(parts):
            forms = [part]
            if len(part) > 1:  # O'Neill, Smith-Jones: also written ONeill, and each half alone
                forms.append(("".join(part),))
                forms += [(t,) for t in part if len(t) >= 3]
            for form in forms:
                if len(form) == 1 and len(form[0]) < 2:
                    continue
                weak = len(form) == 1 and (form[0] in self.common or len(form[0]) == 2)
                yield form, PART, WEAK if weak else 0
                if n == last and len(parts) > 1 and len(form) == 1:
                    for plural in _plurals(form[0]):
                        yield (plural,), PART, CAPITAL | (WEAK if weak else 0)

    def _add_address(self, address: str, postcode: str, owner: int, of_place: bool) -> None:
        def put(tokens: tuple[str, ...], flags: int = 0) -> None:
            if self.fits(tokens):
                self.add(tokens, Claim(ADDRESS, owner, flags, of_place))

        vocabulary = self.vocabulary
        whole = words(address or "")
        if vocabulary is not None and not vocabulary.may_name_any_line(whole):
            whole = ()  # no phrase of the address can be in the document
        lines = [line for line in re.split(r"[,\n;]+", address or "") if words(line)] \
            if whole else []
        if len(lines) >= 2 and len(whole) >= 2:
            put(whole)
        for n, line in enumerate(lines):
            tokens = words(line)
            if vocabulary is not None and not vocabulary.may_name_line(tokens):
                continue  # none of this line's phrases can be in the document
            street = tokens
            while street and (HOUSE_NUMBER.fullmatch(street[0]) or street[0] in NUMBER_WORDS
                              or street[0] in LEADING):
                street = street[1:]
            numbered = street != tokens and any(HOUSE_NUMBER.fullmatch(t) for t in tokens)
            if numbered and len(tokens) >= 2:
                put(tokens)
            if not street or street in self.keep:
                continue
            typed = street[-1] in STREET_TYPES or _typed_word(street[-1]) is not None
            if not (numbered or typed or (n == 0 and len(street) >= 2)):
                continue  # a town or county line: "Loughborough", "Market Harborough"
            put(street, STREET)
            variants = []
            if len(street) >= 2:
                variants.append(street[:-2] + (street[-2] + street[-1],))  # "Xwharf"
            split = _typed_word(street[-1])
            if split:
                variants.append(street[:-1] + split)  # "X Wharf"
            for variant in variants:
                put(variant, STREET)
            stem = street[:-1] if street[-1] in STREET_TYPES else (
                street[:-1] + split[:1] if split else ())
            if (stem and stem not in self.keep and not all(t in self.common for t in stem)
                    and len("".join(stem)) >= 4 and not all(t.isdigit() for t in stem)):
                put(stem, STREET)  # "Larkspur residents"
        code = words(postcode or "")
        if code and (vocabulary is None or vocabulary.may_name_code(code)):
            put(code)
            if len(code) > 1:
                put(("".join(code),))

    # -- finding ------------------------------------------------------------------

    def longest(self, folded: list[str], i: int, fits) -> tuple[int, list[Claim]]:
        """The longest phrase starting at word ``i``: (number of words, its claims).

        ``fits(k)`` says whether words ``k`` and ``k + 1`` may belong to one phrase.
        """
        node, best, k = self.trie, (0, []), i
        while k < len(folded):
            node = node.get(folded[k])
            if node is None:
                break
            if None in node:
                best = (k - i + 1, node[None])
            if k + 1 >= len(folded) or not fits(k):
                break
            k += 1
        return best


def _plurals(word: str) -> tuple[str, ...]:
    """"the Smiths", "the Joneses" (and "the Joness", as typed in a hurry)."""
    return (word + "s", word + "es") if word.endswith(("s", "x", "z", "ch", "sh")) else (word + "s",)


_KIND_SIZES = sorted({len(kind) for kind in STREET_TYPES})


def _typed_word(word: str) -> tuple[str, str] | None:
    """'xwharf' -> ('x', 'wharf'): a one-word street written without its space."""
    if not any(len(word) - size >= 3 and word[-size:] in STREET_TYPES for size in _KIND_SIZES):
        return None  # most words: no street type at their end (the loop below is slow)
    for kind in STREET_TYPES:
        if word.endswith(kind) and len(word) - len(kind) >= 3:
            return word[:-len(kind)], kind
    return None


def _clauses(text: str) -> list[tuple[str, ...]]:
    """A recorded vulnerability's clauses ("Lives alone; early-stage dementia")."""
    found = []
    for clause in re.split(r"[;.\n:]+|\band\b|\bbut\b", text or ""):
        tokens = words(clause)
        if len(tokens) >= 2:
            found.append(tokens)
    whole = words(text or "")
    if len(whole) >= 2 and whole not in found:
        found.append(whole)
    return found


def professional_phrases(name: str) -> list[tuple[str, ...]]:
    """A member of staff as they are written: in full, without a rank, and rank + surname."""
    tokens = words(name)
    ranks = []
    while len(tokens) > 2 and tokens[0] in RANKS:
        ranks.append(tokens[0])
        tokens = tokens[1:]
    if not tokens:
        return []
    found = [words(name), tokens]
    if len(tokens) >= 2:
        found += [(rank, tokens[-1]) for rank in ranks]
    return found
