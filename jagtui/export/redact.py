"""Redaction of minutes for wider circulation (pure: no database, no files).

The rules:

- **People on the cases** become their role and a stable pseudonym: ``Victim A``,
  ``Perpetrator C``, ``Household member F``. The letters come from the person's
  id (1 -> A, 26 -> Z, 27 -> AA), so the same person has the same letters in
  every part of the document, in every re-export, and whatever order the items
  are in. The role is their role on the case being discussed.
- Their **full names** are replaced wherever they appear, in any case; so are
  ``Surname, First``, ``A. Surname`` and ``Mrs Surname``. A **surname or first
  name** on its own is replaced when it is written as a name (capitalised):
  with the pseudonym when it belongs to one person only, with
  ``[name withheld]`` when two people share it or a professional present has
  the same first name (we cannot tell who is meant, so nobody is named).
- **Anyone else held in the database** named in full in free text becomes
  ``Person <letters>`` (the same id-derived letters).
- **Addresses and postcodes** become the police beat or locality:
  ``[address in Beat 62]``; a location becomes ``[Shelthorpe, Beat 63]``.
  Whole addresses, their first line and the street without the house number
  are matched. Any other full UK postcode becomes ``[postcode removed]``.
- **Dates of birth** disappear: any date in free text equal to a date of birth
  held (ISO, ``05/03/2010``, ``5/3/10``, ``5.3.2010``, ``5 March 2010``,
  ``5th Mar 2010``, ``March 5, 2010``), and any date written after ``DOB``,
  ``D.O.B.``, ``date of birth`` or ``born``, becomes ``[date of birth removed]``.
  Where the minutes list a case's people, the date of birth becomes an age band.
- UK phone numbers and e-mail addresses in free text are removed too.
- **Professionals stay named**: attendees, chair, action owners and lead
  officers are the partnership's staff, named in the seed minutes as in any
  council minutes; the redaction protects victims, perpetrators and the people
  around them. A professional's full name is never broken up by the rules above.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

WITHHELD = "[name withheld]"
DOB_REMOVED = "[date of birth removed]"
POSTCODE_REMOVED = "[postcode removed]"
PHONE_REMOVED = "[phone number removed]"
EMAIL_REMOVED = "[e-mail removed]"
TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "master")
RANKS = frozenset(TITLES + ("insp", "inspector", "ci", "supt", "pc", "pcso", "ps", "sgt", "sergeant",
                            "dc", "ds", "di", "dci", "cllr", "councillor", "prof", "rev"))
_TOKEN = re.compile(r"[^\W_]+")
# What may separate the words of a name or address: spaces, line breaks, light punctuation.
_GAP = re.compile(r"[\s,.'\u2019\-/&]{1,6}")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?" \
         r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE = (
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?!\d)"
    r"|(?P<nd>\d{1,2})(?P<sep>[/.\-])(?P<nm>\d{1,2})(?P=sep)(?P<ny>\d{4}|\d{2})(?!\d)"
    rf"|(?P<wd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<wm>{_MONTH})\.?,?\s+(?P<wy>\d{{4}})(?!\d)"
    rf"|(?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})(?!\d)"
)
_ANY_DATE = re.compile(rf"(?<![\w/.\-])(?:{_DATE})", re.IGNORECASE)
_BIRTH_DATE = re.compile(
    rf"(?P<kw>\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-\u2013]?\s*)(?:{_DATE})",
    re.IGNORECASE)
# A full UK postcode (outward and inward code), with or without the space.
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ]\d[\dA-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y]\d[\dABEHMNPRVWXY]?)"
    r"\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+44\s?(?:\(0\)\s?)?|(?<!\d)0)\d(?:[\s\-]?\d){8,9}(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
ROLE_LABELS = {
    "victim": "Victim", "perpetrator": "Perpetrator", "household member": "Household member",
    "parent/carer": "Parent/carer", "witness": "Witness", "complainant": "Complainant",
    "location of concern": "Location",
}
AGE_BANDS = ((10, "under 10"), (18, "10-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"),
             (55, "45-54"), (65, "55-64"), (75, "65-74"))


@dataclass(frozen=True)
class Subject:
    """A person whose identity the redacted document must not give away."""

    id: int
    name: str
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""
    beat: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Place:
    """A location linked to a case: shown only as its locality and beat."""

    id: int
    name: str
    address: str = ""
    postcode: str = ""
    beat: str = ""
    locality: str = ""


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


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(token.casefold() for token in _TOKEN.findall(text))


def _professional_words(name: str) -> tuple[str, ...]:
    """A professional's name without a leading title or rank ('Insp. Ruth Calloway')."""
    words = _tokens(name)
    while len(words) > 2 and words[0] in RANKS:
        words = words[1:]
    return words


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]
    kind: str  # "person", "other", "fixed", "keep"
    value: object  # person id, or the fixed replacement text
    capitalised: bool = False  # only when written as a name (initial capital)


def _address_phrases(address: str) -> list[tuple[str, ...]]:
    """The whole address, its first line, and each line's street without the number."""
    found = []
    whole = _tokens(address)
    if len(whole) >= 2:
        found.append(whole)
    for line in re.split(r"[,\n;]+", address):
        words = _tokens(line)
        if len(words) >= 2:
            found.append(words)
        street = words
        while street and (street[0].isdigit() or street[0] in ("flat", "apartment", "unit")
                          or (street[0][:-1].isdigit() and len(street[0]) > 1)):
            street = street[1:]
        if len(street) >= 2 and street != words:
            found.append(street)
    return found


def _postcode_phrases(postcode: str) -> list[tuple[str, ...]]:
    words = _tokens(postcode)
    if not words:
        return []
    return [words, ("".join(words),)] if len(words) > 1 else [words]


def _parse_date(match: re.Match) -> list[date]:
    """The dates a matched expression can mean (a two-digit year can be 19xx or 20xx)."""
    g = match.groupdict()
    try:
        if g["iy"]:
            return [date(int(g["iy"]), int(g["im"]), int(g["id"]))]
        if g["ny"]:
            day, month, year = int(g["nd"]), int(g["nm"]), g["ny"]
            years = [int(year)] if len(year) == 4 else [1900 + int(year), 2000 + int(year)]
            return [date(y, month, day) for y in years]
        if g["wy"]:
            return [date(int(g["wy"]), _month(g["wm"]), int(g["wd"]))]
        if g["my"]:
            return [date(int(g["my"]), _month(g["mm"]), int(g["md"]))]
    except ValueError:
        return []
    return []


def _month(word: str) -> int:
    word = word.casefold()
    return next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(word[:3]))


class Redactor:
    """Replaces what identifies the people and places of a document's cases.

    ``parties`` are (case id, role, subject) for every person linked to a case
    the document mentions; ``places`` the locations linked to them; ``others``
    everyone else held (matched by full name, address, postcode, date of birth);
    ``keep`` the phrases that must survive intact (localities, agency names);
    ``professionals`` the names of the staff present or named (kept intact too).
    """

    def __init__(self, *, parties: Iterable[tuple[int | None, str, Subject]] = (),
                 places: Iterable[Place] = (), others: Iterable[Subject] = (),
                 keep: Iterable[str] = (), professionals: Iterable[str] = ()):
        self._roles: dict[tuple[int | None, int], str] = {}
        self._default_role: dict[int, str] = {}
        subjects: dict[int, Subject] = {}
        for case_id, role, subject in parties:
            self._roles.setdefault((case_id, subject.id), role)
            self._default_role.setdefault(subject.id, role)
            subjects.setdefault(subject.id, subject)
        others = [s for s in others if s.id not in subjects]
        self._dobs = {s.date_of_birth for s in (*subjects.values(), *others) if s.date_of_birth}
        phrases: dict[tuple[str, ...], _Phrase] = {}

        def add(phrase: _Phrase) -> None:
            # A phrase claimed twice keeps the stronger claim: a party's own name
            # over anyone else's, a fixed replacement over keeping the words.
            held = phrases.get(phrase.tokens)
            rank = {"person": 3, "withheld": 2, "other": 1, "fixed": 1, "keep": 0}
            if held is None or rank[phrase.kind] > rank[held.kind]:
                phrases[phrase.tokens] = phrase
            elif held.kind == phrase.kind == "person" and held.value != phrase.value:
                phrases[phrase.tokens] = _Phrase(phrase.tokens, "withheld", None, held.capitalised)

        for text in (*keep, *professionals):
            words = _tokens(text)
            if words:
                add(_Phrase(words, "keep", None))
        # A bare first name a professional present shares could mean either of them.
        professional_first = {words[:1] for words in map(_professional_words, professionals)
                              if len(words) >= 2}
        single: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for subject in subjects.values():
            parts = [p for p in subject.name.split() if _tokens(p)]
            for full in self._name_forms(parts):
                add(_Phrase(full, "person", subject.id))
            for part in parts:
                words = _tokens(part)
                if len(words) > 1 or len(words[0]) >= 2:
                    single[words].add(subject.id)
            self._add_whereabouts(add, subject, address_label(subject.beat))
        for words, ids in single.items():
            if len(ids) == 1 and words not in professional_first:
                add(_Phrase(words, "person", next(iter(ids)), capitalised=True))
            else:
                add(_Phrase(words, "withheld", None, capitalised=True))
        for subject in others:
            parts = [p for p in subject.name.split() if _tokens(p)]
            if len(parts) >= 2:
                for full in self._name_forms(parts):
                    add(_Phrase(full, "other", subject.id))
            self._add_whereabouts(add, subject, address_label(subject.beat))
        localities = {words for words, p in phrases.items() if p.kind == "keep"}
        for place in places:
            label = place_label(place)
            name = _tokens(place.name)
            if name and name not in localities and (len(name) > 1 or len(name[0]) >= 3):
                add(_Phrase(name, "fixed", label))
            for words in _address_phrases(place.address) + _postcode_phrases(place.postcode):
                add(_Phrase(words, "fixed", label))
        self._index: dict[str, list[_Phrase]] = defaultdict(list)
        for phrase in phrases.values():
            self._index[phrase.tokens[0]].append(phrase)
        for bucket in self._index.values():
            bucket.sort(key=lambda p: -len(p.tokens))

    @staticmethod
    def _name_forms(parts: list[str]) -> list[tuple[str, ...]]:
        """A full name as written: 'Ann Example', 'Example, Ann', 'A. Example', 'Mrs Example'."""
        full = _tokens(" ".join(parts))
        if len(parts) < 2:
            return [full] if full and len(full[0]) >= 2 else []
        first, last = _tokens(parts[0]), _tokens(parts[-1])
        forms = [full, last + first, (first[0][0],) + last]
        forms += [(title,) + last for title in TITLES]
        forms += [(title,) + full for title in TITLES]
        return forms

    @staticmethod
    def _add_whereabouts(add, subject: Subject, label: str) -> None:
        for words in _address_phrases(subject.address) + _postcode_phrases(subject.postcode):
            add(_Phrase(words, "fixed", label))

    def pseudonym(self, person_id: int, case_id: int | None = None) -> str:
        """``Victim A``: the role on this case (else their first role here) and id letters."""
        role = self._roles.get((case_id, person_id)) or self._default_role.get(person_id, "")
        return f"{role_label(role)} {letters(person_id)}"

    def _replacement(self, phrase: _Phrase, case_id: int | None) -> str | None:
        if phrase.kind == "person":
            return self.pseudonym(phrase.value, case_id)
        if phrase.kind == "other":
            return f"Person {letters(phrase.value)}"
        if phrase.kind == "withheld":
            return WITHHELD
        if phrase.kind == "fixed":
            return phrase.value
        return None

    def _dates(self, text: str) -> str:
        text = _BIRTH_DATE.sub(lambda m: m["kw"] + DOB_REMOVED, text)
        if not self._dobs:
            return text
        return _ANY_DATE.sub(
            lambda m: DOB_REMOVED if any(d in self._dobs for d in _parse_date(m)) else m.group(),
            text)

    def _phrases(self, text: str, case_id: int | None) -> str:
        found = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        folded = [token.casefold() for _, _, token in found]
        out, pos, i, previous = [], 0, 0, None
        while i < len(found):
            match = next((p for p in self._index.get(folded[i], ())
                          if self._fits(p, found, folded, i, text)), None)
            if match is None:
                i += 1
                continue
            last = i + len(match.tokens) - 1
            replacement = self._replacement(match, case_id)
            if replacement is not None:
                between = text[pos:found[i][0]]
                # "1 Larkspur Close, LE11 3AB" is one address, not two.
                if not (replacement == previous and _GAP.fullmatch(between)):
                    out += [between, replacement]
                pos = found[last][1]
            previous = replacement
            i = last + 1
        out.append(text[pos:])
        return "".join(out)

    @staticmethod
    def _fits(phrase: _Phrase, found, folded, i: int, text: str) -> bool:
        n = len(phrase.tokens)
        if i + n > len(found) or tuple(folded[i:i + n]) != phrase.tokens:
            return False
        if phrase.capitalised and not all(found[k][2][0].isupper() for k in range(i, i + n)):
            return False
        return all(_GAP.fullmatch(text[found[k][1]:found[k + 1][0]]) for k in range(i, i + n - 1))

    def text(self, value: str, case_id: int | None = None) -> str:
        """Free text with people, places, dates of birth and contact details removed.

        ``case_id`` is the case the text is about: people are given their role on it.
        """
        if not value:
            return value
        value = self._dates(value)
        value = self._phrases(value, case_id)
        value = _POSTCODE.sub(POSTCODE_REMOVED, value)
        value = _EMAIL.sub(EMAIL_REMOVED, value)
        return _PHONE.sub(PHONE_REMOVED, value)
