"""The redaction engine: one set of rules for every redacted document and masked screen.

``Redactor.text`` removes, from any free text:

1. e-mail addresses;
2. dates of birth, as an age band: a date written after "born", "DOB", "date of
   birth" (a month and year, or a year alone, too), and any date in any common
   format equal to the date of birth of someone held;
3. UK phone numbers in any spelling, and any run of digits equal to a stored number;
4. the names, addresses, postcodes, places and recorded vulnerabilities of
   everyone held (see :mod:`jagtui.redaction.lexicon`), whatever their case; a
   title or initial before a name ("Mr", "J.") and a house number before a
   street ("No.17", "Flat 2, 14a") go with it; localities, agencies and the
   staff named are kept;
5. any other full postcode, and health and vulnerability words (replaced by
   their category).

Who a name becomes depends on the labels: in a document, people on the cases
become their role and letters (``Victim A``), anyone else ``Person <letters>``;
on a screen, initials. A name several people have becomes ``[name withheld]``
unless exactly one of them is on the cases, and a first name a member of staff
also has is always withheld: nobody can tell who is meant. A name part alone
("O'Brien's shop", "Dr O'Brien"), with or without a title or initial, is given a
label only when its person is on the case the text belongs to; otherwise it is
``[name]``: it may be someone else of that name, so it is hidden but never
pinned on the person held.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from jagtui.redaction.lexicon import (
    ADDRESS, CAPITAL, FULL, KEEP, PART, PLACE, STREET, VULN, WEAK, Claim, Lexicon, Place, Subject,
    professional_phrases,
)
from jagtui.redaction.patterns import (
    ANY_DATE, BIRTH, DIGIT_RUN, EMAIL, GAP, HEALTH, HOUSE_NUMBER, NUMBER_WORDS, PHONE, POSTCODE,
    TITLES, TOKEN, fold, health_category, phone_digits, words, written_dates,
)

WITHHELD = "[name withheld]"
NAME = "[name]"  # a name part alone whose person is not on the text's case
POSTCODE_REMOVED = "[postcode removed]"
PHONE_REMOVED = "[phone number removed]"
EMAIL_REMOVED = "[e-mail removed]"
DOB_REMOVED = "[date of birth removed]"
ROLE_LABELS = {
    "victim": "Victim", "perpetrator": "Perpetrator", "household member": "Household member",
    "parent/carer": "Parent/carer", "witness": "Witness", "complainant": "Complainant",
    "location of concern": "Location",
}
AGE_BANDS = ((10, "under 10"), (18, "10-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"),
             (55, "45-54"), (65, "55-64"), (75, "65-74"))
# Upper-case words that are never someone's initials.
ACRONYMS = frozenset({"asb", "pc", "ps", "ds", "dc", "di", "ci", "nhs", "jag", "csp", "abc", "cpn",
                      "cpw", "cbo", "rsl", "yos", "cmht", "ct", "rv", "uk", "gp", "tv", "ok",
                      "am", "pm", "na", "aob", "dob", "rag", "mp", "cctv", "ict", "mh"})


def letters(n: int) -> str:
    """Bijective base 26: 1 -> A, 26 -> Z, 27 -> AA, 703 -> AAA."""
    if n < 1:
        raise ValueError("ids start at 1")
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_band(dob: date | None, on: date) -> str:
    """``aged 10-17``; empty when the date of birth is not known."""
    if dob is None:
        return ""
    age = age_on(dob, on)
    if age < 0:
        return "aged under 10"
    band = next((label for upper, label in AGE_BANDS if age < upper), "75 and over")
    return f"aged {band}"


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.capitalize() if role else "Person")


def address_label(beat: str) -> str:
    return f"[address in Beat {beat}]" if beat else "[address withheld]"


def place_label(place: Place) -> str:
    where = ", ".join(part for part in (place.locality, f"Beat {place.beat}" if place.beat else "")
                      if part)
    return f"[{where}]" if where else "[location withheld]"


def initials(name: str) -> str:
    """'Mary-Jane O'Neill' -> 'M.O.' (as ``display.initials``)."""
    parts = [w for w in re.split(r"[\s\-]+", name.strip()) if w and w[0].isalnum()]
    if not parts:
        return "?"
    chosen = [parts[0][0]] + ([parts[-1][0]] if len(parts) > 1 else [])
    return "".join(f"{letter.upper()}." for letter in chosen)


class Labels:
    """What the redacted things become in a document (``Victim A``, ``[address in Beat 62]``)."""

    def __init__(self, roles: dict[tuple[int | None, int], str], default_role: dict[int, str]):
        self.roles, self.default_role = roles, default_role

    def person(self, subject: Subject, case_id: int | None) -> str:
        if subject.id in self.default_role:
            role = self.roles.get((case_id, subject.id)) or self.default_role[subject.id]
            return f"{role_label(role)} {letters(subject.id)}"
        return f"Person {letters(subject.id)}"

    def address(self, beats: set[str], localities: set[str]) -> str:
        return address_label(next(iter(beats))) if len(beats) == 1 else "[address withheld]"

    def place(self, place: Place) -> str:
        return place_label(place)


class ScreenLabels(Labels):
    """What a shared screen shows instead: initials, and places as their locality or beat."""

    def person(self, subject: Subject, case_id: int | None) -> str:
        return initials(subject.name)

    def address(self, beats: set[str], localities: set[str]) -> str:
        if len(localities) == 1:
            return next(iter(localities))
        return f"Beat {next(iter(beats))}" if len(beats) == 1 else "(address)"

    def place(self, place: Place) -> str:
        return place.locality or (f"Beat {place.beat}" if place.beat else "(location)")


Piece = tuple[str, bool]  # text, and whether it is already a replacement


class Redactor:
    """Replaces what identifies the people and places held.

    ``parties`` are (case id, role, subject) for the people on the cases the text
    is about; ``others`` and ``places`` everyone and everywhere else held (or
    give a prebuilt ``lexicon`` of the whole database); ``keep`` the phrases that
    must survive (localities, agencies); ``professionals`` the staff named
    (kept in full; their first names alone withheld). ``on`` is the date age
    bands are worked out on; ``screen`` chooses initials over pseudonyms.
    """

    def __init__(self, *, parties: Iterable[tuple[int | None, str, Subject]] = (),
                 places: Iterable[Place] = (), others: Iterable[Subject] = (),
                 keep: Iterable[str] = (), professionals: Iterable[str] = (),
                 common_words: Iterable[str] = (), lexicon: Lexicon | None = None,
                 on: date | None = None, screen: bool = False):
        roles: dict[tuple[int | None, int], str] = {}
        default_role: dict[int, str] = {}
        subjects: dict[int, Subject] = {}
        for case_id, role, subject in parties:
            roles.setdefault((case_id, subject.id), role)
            default_role.setdefault(subject.id, role)
            subjects.setdefault(subject.id, subject)
        self.on = on or date.today()
        self.labels = (ScreenLabels if screen else Labels)(roles, default_role)
        self.parties = frozenset(subjects)
        keep = [phrase for phrase in keep if phrase and phrase.strip()]
        places = list(places)
        if lexicon is None:
            lexicon = Lexicon([*subjects.values(), *others], places, keep=keep,
                              common_words=common_words)
            extra_people, extra_places = [], []
        else:
            extra_people = [s for s in (*subjects.values(), *others) if s.id not in lexicon.people]
            extra_places = [p for p in places if p.id not in lexicon.places]
        self.base = lexicon
        self.overlay = Lexicon(extra_people, extra_places, keep=keep if extra_people or
                               extra_places or keep else (), common_words=lexicon.common)
        # Each name once: a log of 20,000 actions names the same few owners over and over.
        staff = list(dict.fromkeys(name for name in professionals if name and name.strip()))
        self.staff_first: set[str] = set()
        for name in staff:
            for phrase in professional_phrases(name):
                if phrase not in self.base.keep and phrase not in self.overlay.keep:
                    self.overlay.keep.add(phrase)
                    self.overlay.add(phrase, Claim(KEEP))
            plain = professional_phrases(name)
            if plain and len(plain[1]) >= 2:
                self.staff_first.add(plain[1][0])
        # Initials of the people on the cases ("JS"), written in capitals.
        self.initials: dict[str, set[int]] = {}
        for subject in subjects.values():
            mark = "".join(part[0][0] for part in map(words, subject.name.split()) if part)
            if 2 <= len(mark) <= 3 and mark not in ACRONYMS:
                self.initials.setdefault(mark, set()).add(subject.id)
        self.dobs = {d for lex in (self.base, self.overlay) for d in lex.dobs}
        self.phones = {**self.base.phones, **self.overlay.phones}
        # Texts already redacted: a log repeats its owners and updates thousands of times.
        # By text alone unless a person was named (their label depends on the case).
        self._done: dict = {}
        self._named = False

    # -- who is who ---------------------------------------------------------------------

    def subject(self, person_id: int) -> Subject:
        return self.base.people.get(person_id) or self.overlay.people[person_id]

    def place(self, place_id: int) -> Place:
        return self.base.places.get(place_id) or self.overlay.places[place_id]

    def pseudonym(self, person_id: int, case_id: int | None = None) -> str:
        """``Victim A``: the role on this case (else their first role here) and id letters."""
        role = (self.labels.roles.get((case_id, person_id))
                or self.labels.default_role.get(person_id, ""))
        return f"{role_label(role)} {letters(person_id)}"

    # -- the passes -----------------------------------------------------------------------

    def text(self, value: str, case_id: int | None = None) -> str:
        """Free text with people, places, dates of birth, contact and health details removed.

        ``case_id`` is the case the text is about: people are given their role on it.
        """
        if not value:
            return value
        done = self._done.get(value)
        if done is None:
            done = self._done.get((value, case_id))
        if done is None:
            self._named = False
            done = self._text(value, case_id)
            if len(self._done) >= 100_000:  # a screen's redactor lives on: stay bounded
                self._done.clear()
            self._done[(value, case_id) if self._named else value] = done
        return done

    def _text(self, value: str, case_id: int | None) -> str:
        pieces: list[Piece] = [(value, False)]
        pieces = _split(pieces, EMAIL, lambda m: EMAIL_REMOVED)
        pieces = _split(pieces, BIRTH, self._birth)
        if self.dobs:
            pieces = _split(pieces, ANY_DATE, self._held_dob)
        pieces = _split(pieces, PHONE, lambda m: PHONE_REMOVED)
        if self.phones:
            pieces = _split(pieces, DIGIT_RUN, self._held_phone)
        out: list[Piece] = []
        for piece, done in pieces:
            out += [(piece, True)] if done else self._phrases(piece, case_id)
        out = _split(out, POSTCODE, lambda m: POSTCODE_REMOVED)
        out = _split(out, HEALTH, lambda m: f"[vulnerability: {health_category(m)}]")
        return "".join(piece for piece, _ in out)

    def _band(self, dates: list[date]) -> str:
        past = [d for d in dates if d <= self.on] or dates
        return f"[{age_band(max(past), self.on)}]"

    def _birth(self, match: re.Match) -> str | None:
        dates = written_dates(match)
        return self._band(dates) if dates else None

    def _held_dob(self, match: re.Match) -> str | None:
        dates = [d for d in written_dates(match) if d in self.dobs]
        return self._band(dates) if dates else None

    def _held_phone(self, match: re.Match) -> str | None:
        return PHONE_REMOVED if phone_digits(match.group()) in self.phones else None

    def _phrases(self, text: str, case_id: int | None) -> list[Piece]:
        found = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        if not found:
            return [(text, False)]
        folded = [fold(token) for _, _, token in found]
        self.base.cover(folded)  # a document's index: widened if the text has other words

        def fits(k: int) -> bool:
            return GAP.fullmatch(text[found[k][1]:found[k + 1][0]]) is not None

        out: list[Piece] = []
        pos, i, first_free, previous = 0, 0, 0, None
        while i < len(found):
            size, claims = self.base.longest(folded, i, fits)
            more, extra = self.overlay.longest(folded, i, fits)
            if more > size:
                size, claims = more, extra
            elif more == size and more:
                claims = claims + extra
            start = i
            replacement = None
            if size:
                start, replacement = self._resolve(claims, found, folded, i, size, first_free,
                                                   fits, case_id)
            elif found[i][2].isupper() and folded[i] in self.initials:
                replacement = self._name({*self.initials[folded[i]]}, True, True, case_id,
                                         folded[i])
                size = 1
            if replacement is None:
                i += max(size, 1)
                first_free = i if size and claims else first_free
                previous = None if not size else previous
                continue
            last = i + size - 1
            between = text[pos:found[start][0]]
            # "1 Larkspur Close, LE11 3AB" is one address, not two.
            if not (replacement == previous and (not between or GAP.fullmatch(between))):
                out += [(between, False), (replacement, True)]
            pos = found[last][1]
            previous = replacement
            i = first_free = last + 1
        out.append((text[pos:], False))
        return out

    def _resolve(self, claims: list[Claim], found, folded, i: int, size: int, first_free: int,
                 fits, case_id: int | None) -> tuple[int, str | None]:
        """(the first word replaced, the replacement), or None to keep the words."""
        titled, start = self._title_before(found, folded, i, first_free, fits)
        capital = found[i][2][:1].isupper()
        names = [c for c in claims if c.kind in (FULL, PART)
                 and (not c.flags & CAPITAL or capital)
                 and (not c.flags & WEAK or titled or (c.owner in self.parties and capital))]
        keep = any(c.kind == KEEP for c in claims)
        addresses = [c for c in claims if c.kind == ADDRESS]
        numbered, number_start = self._number_before(found, folded, i, first_free, fits)
        if keep and not any(c.kind == FULL for c in names):
            if numbered and any(c.flags & STREET for c in addresses):
                return number_start, self._address(addresses)
            if not any(c.kind == ADDRESS and not c.flags & STREET for c in addresses):
                return i, None
        if names:
            ids = {c.owner for c in names if c.kind == FULL} or {c.owner for c in names}
            single = not any(c.kind == FULL for c in names)
            if titled and found[start][2].isalpha() and len(found[start][2]) == 1:
                initial = folded[start]
                matching = {pid for pid in ids
                            if words(self.subject(pid).name)[:1][0][:1] == initial}
                ids = matching or ids
            return start, self._name(ids, single, single and size == 1, case_id, folded[i])
        if addresses:
            return (number_start if numbered else i), self._address(addresses)
        places = [c for c in claims if c.kind == PLACE]
        if places:
            return i, self.labels.place(self.place(places[0].owner))
        vulns = [c for c in claims if c.kind == VULN]
        if vulns:
            return i, f"[vulnerability: {vulns[0].category}]"
        return i, None

    def _name(self, ids: set[int], part: bool, single: bool, case_id: int | None,
              word: str) -> str:
        """``part``: a name part alone (no full name); ``single``: one word."""
        self._named = True
        if single and word in self.staff_first:
            return WITHHELD
        if part:
            # Only someone on this very case is taken to be meant ("O'Brien" in another
            # case's note, or in a heading about no case, may be anyone of that name).
            chosen = {pid for pid in ids if (case_id, pid) in self.labels.roles}
            if not chosen:
                return NAME
        else:
            on_cases = ids & self.parties
            chosen = on_cases if on_cases else ids
        if len(chosen) != 1:
            return WITHHELD
        return self.labels.person(self.subject(next(iter(chosen))), case_id)

    def _address(self, claims: list[Claim]) -> str:
        beats, localities = set(), set()
        for claim in claims:
            owner = self.place(claim.owner) if claim.of_place else self.subject(claim.owner)
            beats.add(owner.beat)
            localities.add(owner.locality or self._locality_in(owner.address))
        return self.labels.address(beats, localities - {""})

    def _locality_in(self, address: str) -> str:
        tokens = words(address)
        for size in (4, 3, 2, 1):
            for k in range(len(tokens) - size + 1):
                name = self.base.localities.get(tokens[k:k + size])
                if name:
                    return name
        return ""

    @staticmethod
    def _title_before(found, folded, i: int, first_free: int, fits) -> tuple[bool, int]:
        """Whether a title or an initial comes just before word ``i`` ("Mrs", "J.", "Mr J.")."""
        start = i
        for _ in range(2):
            k = start - 1
            if k < first_free or not fits(k):
                break
            word = found[k][2]
            if folded[k] in TITLES or (len(word) == 1 and word.isalpha() and word.isupper()):
                start = k
            else:
                break
        return start != i, start

    @staticmethod
    def _number_before(found, folded, i: int, first_free: int, fits) -> tuple[bool, int]:
        """Whether a house number comes just before word ``i`` ("17", "No.17", "Flat 2, 14a")."""
        start, numbered = i, HOUSE_NUMBER.fullmatch(found[i][2]) is not None
        for _ in range(4):
            k = start - 1
            if k < first_free or not fits(k):
                break
            if HOUSE_NUMBER.fullmatch(found[k][2]):
                numbered, start = True, k
            elif folded[k] in NUMBER_WORDS and numbered:
                start = k
            else:
                break
        return numbered, start


def _split(pieces: list[Piece], pattern: re.Pattern,
           replace: Callable[[re.Match], str | None]) -> list[Piece]:
    """Each piece not yet replaced, with ``pattern``'s matches replaced (None keeps a match)."""
    out: list[Piece] = []
    for piece, done in pieces:
        if done:
            out.append((piece, True))
            continue
        pos = 0
        for match in pattern.finditer(piece):
            replacement = replace(match)
            if replacement is None:
                continue
            out += [(piece[pos:match.start()], False), (replacement, True)]
            pos = match.end()
        out.append((piece[pos:], False))
    return [(piece, done) for piece, done in out if piece]
