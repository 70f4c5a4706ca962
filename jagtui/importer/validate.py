"""Every problem in an extract, found before anything is written.

A whole column is checked at a time; each problem names the spreadsheet row (the
header is row 1) and the column, so the user can find and fix it. Rows without
problems become :class:`IncomingIncident` values for matching. A cell holding a
control character (NUL, ESC, ...) or a text-direction override is a problem of
its own: stored, it could move a terminal or make text read other than it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from jagtui.config import Config, ImportMapping
from jagtui.importer.mapping import (
    Columns, PersonColumns, beat_code, category_lookup, clean, derive_localities, parse_dates,
)
from jagtui.importer.match import IncomingPerson, formatted_postcode, postcode_of, same_row_people
from jagtui.importer.read import Extract
from jagtui.importer.report import Problem, Skip, shown

if TYPE_CHECKING:
    from pandas import Index, Series

# Column limits of the store (models.py): refused here with the row number, not at write time.
MAX_REF, MAX_NAME = 64, 200
# C0 controls but tab, line feed and carriage return (white space, tidied to one space,
# or kept as line breaks in a description), DEL, C1 controls, and the bidi embeddings,
# overrides and isolates.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[{_CONTROL}]")
# In a description a carriage return is kept only as part of a line break.
CONTROL_IN_TEXT = re.compile(f"[{_CONTROL}]|\r(?!\n)")
_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x0D: "carriage return", 0x1B: "ESC",
          0x7F: "DEL", 0x9B: "CSI", 0x202A: "left-to-right embedding",
          0x202B: "right-to-left embedding", 0x202C: "pop directional formatting",
          0x202D: "left-to-right override", 0x202E: "right-to-left override",
          0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate",
          0x2068: "first strong isolate", 0x2069: "pop directional isolate"}


def control_problem(found: list[str]) -> str:
    """What is wrong with a cell holding these characters, in words (never the cell)."""
    codes = list(dict.fromkeys(found))
    named = ", ".join(f"U+{ord(c):04X}" + (f" ({_NAMES[ord(c)]})" if ord(c) in _NAMES else "")
                      for c in codes[:3]) + (" ..." if len(codes) > 3 else "")
    bidi = all(0x202A <= ord(c) <= 0x2069 for c in codes)
    what = "a text-direction control" if bidi else "a control character"
    if len(codes) > 1:
        what = "text-direction controls" if bidi else "control characters"
    tail = (" (a NUL byte: the file may be damaged)" if "\x00" in codes else "")
    return (f"holds {what} {named}{tail}: remove {'them' if len(codes) > 1 else 'it'} from "
            "the file (such characters could change what a screen shows: never imported)")


@dataclass(frozen=True, slots=True)
class IncomingIncident:
    row: int
    ref: str
    occurred_on: date
    category: str
    beat: str
    hate: bool
    description: str
    location: str
    postcode: str
    locality: str
    people: tuple[IncomingPerson, ...]


@dataclass
class Checked:
    incidents: list[IncomingIncident]
    problems: list[Problem]
    blank: list[Skip]
    notes: list[str]
    # Rows with problems: row -> (reference, the first problem), to report them as skipped.
    invalid: dict[int, tuple[str, str]]


def _dates(values: Series) -> list[date | None]:
    """Python dates, None where unread (pandas' NaT passes for a date, so drop it here)."""
    return [None if missing else day for day, missing in zip(values.dt.date, values.isna())]


class _Checker:
    """Checks one extract column by column, collecting problems as it goes."""

    def __init__(self, extract: Extract, mapping: ImportMapping, columns: Columns, cfg: Config,
                 today: date):
        import pandas as pd

        self.extract, self.mapping, self.columns, self.cfg = extract, mapping, columns, cfg
        self.frame = extract.frame
        self.head = columns.headers
        self.tomorrow = pd.Timestamp(today) + pd.Timedelta(days=1)
        self.problems: list[Problem] = [p for p in extract.problems if p.row is not None]
        self.notes: list[str] = []
        self.blank = self.frame.index[~self.frame.astype(bool).any(axis=1)]
        self.live: Index = self.frame.index.difference(self.blank)

    def text(self, position: int | None) -> Series | None:
        return None if position is None else clean(self.frame[position].astype(str))

    def add(self, rows, column: str, message) -> None:
        """A problem for each of ``rows``; ``message`` is a text or a function of the row."""
        for row in rows:
            text = message(row) if callable(message) else message
            self.problems.append(Problem(int(row), column, text))

    def controls(self) -> None:
        """Each mapped cell with a control character or a bidi override, by row and column."""
        positions = {p: self.head[f] for f, p in self.columns.positions.items() if p is not None}
        for person in self.columns.people:
            named = self.mapping.people[person.slot]  # the mapping's header, not the file's
            for position, header in ((person.name, named.name),
                                     (person.date_of_birth, named.date_of_birth),
                                     (person.address, named.address),
                                     (person.postcode, named.postcode)):
                if position is not None:
                    positions.setdefault(position, header)
        text_at = self.columns["description"]
        rows = None
        for position, column in positions.items():
            values = self.frame[position].tolist()
            if "".join(values).isprintable():  # the usual column: one test, in C
                continue
            pattern = CONTROL_IN_TEXT if position == text_at else CONTROL
            rows = rows or self.frame.index.tolist()
            for row, value in zip(rows, values):
                if not value.isprintable() and (found := pattern.findall(value)):
                    self.problems.append(Problem(int(row), column, control_problem(found)))

    def where(self, mask) -> Index:
        """The live rows for which ``mask`` (a Series over all rows) is true."""
        return self.live[mask[self.live].to_numpy(dtype=bool)]

    # -- the columns ---------------------------------------------------------------------

    def references(self) -> Series:
        column = self.head["reference"]
        refs = self.text(self.columns["reference"])
        self.add(self.where(refs == ""), column, "no reference")
        self.add(self.where(refs.str.len() > MAX_REF), column,
                 f"the reference is longer than {MAX_REF} characters")
        filled = refs[self.live][refs[self.live] != ""]
        first_row = {ref: row for row, ref in filled[~filled.duplicated()].items()}
        self.add(filled.index[filled.duplicated()], column,
                 lambda row: f"the reference {shown(refs[row])} is also on row {first_row[refs[row]]}")
        return refs

    def dates(self, position: int, column: str, what: str) -> Series:
        raw = self.text(position)
        parsed = parse_dates(raw, self.mapping.date_formats)
        unread = self.where((raw != "") & parsed.isna())
        self.add(unread, column, lambda row: f"cannot read {shown(raw[row])} as {what}"
                 + (" (day first, e.g. 21/11/2026)" if what == "a date" else ""))
        self.add(self.where(parsed >= self.tomorrow), column,
                 lambda row: f"the {what.removeprefix('a ')} {shown(raw[row])} is after today")
        if len(unread) and len(unread) == int((raw[self.live] != "").sum()):
            self.notes.append(f"No value in the {column!r} column reads as {what}: is this the "
                              "right mapping, and are its date_formats right for this file?")
        return parsed

    def occurred(self) -> Series:
        raw = self.text(self.columns["date"])
        self.add(self.where(raw == ""), self.head["date"], "no date")
        return self.dates(self.columns["date"], self.head["date"], "a date")

    def categories(self) -> Series:
        column = self.head["category"]
        raw = self.text(self.columns["category"])
        found = raw.str.casefold().map(category_lookup(self.mapping, self.cfg))
        self.add(self.where(raw == ""), column, "no category")
        self.add(self.where((raw != "") & found.isna()), column,
                 lambda row: f"unknown category {shown(raw[row])}: map it to a category key in "
                 "the mapping's categories")
        return found

    def places(self) -> tuple[Series | None, Series, Series]:
        """(locations, localities, beats): a blank beat comes from the locality."""
        import pandas as pd

        locations = self.text(self.columns["location"])
        named = self.text(self.columns["locality"])
        if locations is not None:
            self.add(self.where(locations.str.len() > MAX_NAME), self.head["location"],
                     f"the location is longer than {MAX_NAME} characters")
        if locations is None and named is None:
            localities = pd.Series("", index=self.frame.index, dtype=object)
        else:
            localities = derive_localities(named, locations, self.cfg)
        beats = localities.str.casefold().map(self.cfg.locality_beat).astype(object).fillna("")
        if self.columns["beat"] is not None:
            raw = self.text(self.columns["beat"])
            given = raw.map({text: beat_code(text) for text in raw.unique()})  # once per value
            known = {b.code for b in self.cfg.beats}
            self.add(self.where((given != "") & ~given.isin(known)), self.head["beat"],
                     lambda row: f"unknown beat {shown(given[row])}: the beats are "
                     f"{', '.join(sorted(known))}")
            beats = given.where(given != "", beats)
        return locations, localities, beats

    def person(self, person: PersonColumns) -> tuple:
        """(columns, names, dates of birth, addresses, postcodes) as lists, one per row."""
        names = self.text(person.name)
        self.add(self.where(names.str.len() > MAX_NAME), person.header,
                 f"the name is longer than {MAX_NAME} characters")
        births = None
        if person.date_of_birth is not None:
            births = _dates(self.dates(person.date_of_birth, person.date_of_birth_header,
                                       "a date of birth"))
        return (person, names.tolist(), births, self.listed(self.text(person.address)),
                self.listed(self.text(person.postcode)))

    def listed(self, values: Series | None, default: object = "") -> list:
        return values.tolist() if values is not None else [default] * len(self.frame)

    # -- the whole file ------------------------------------------------------------------

    def check(self) -> Checked:
        self.controls()
        refs = self.references()
        occurred = self.occurred()
        categories = self.categories()
        locations, localities, beats = self.places()
        hate = None
        if self.columns["hate"] is not None:
            truthy = {v.casefold() for v in self.mapping.hate_values}
            hate = self.text(self.columns["hate"]).str.casefold().isin(truthy)
        descriptions = None
        if self.columns["description"] is not None:
            # Line breaks in a description are kept (as \n); only the outer spaces go.
            descriptions = (self.frame[self.columns["description"]].astype(str)
                            .str.replace("\r\n", "\n", regex=False).str.strip())
        people = [self.person(person) for person in self.columns.people]
        self.problems.sort(key=lambda p: p.row or 0)
        invalid: dict[int, tuple[str, str]] = {}
        for problem in self.problems:
            if problem.row not in invalid:
                reason = f"{problem.column + ': ' if problem.column else ''}{problem.message}"
                invalid[problem.row] = (refs.get(problem.row, ""), reason)
        columns = zip(refs.tolist(), _dates(occurred), categories.tolist(), beats.tolist(),
                      self.listed(hate, False), self.listed(descriptions),
                      self.listed(locations), localities.tolist(),
                      self.listed(self.text(self.columns["postcode"])))
        placeholders = {name.casefold() for name in self.mapping.placeholder_names}
        incidents = []
        live = set(self.live)
        for n, (row, values) in enumerate(zip(self.frame.index, columns)):
            if row in invalid or row not in live:
                continue
            ref, on, category, beat, is_hate, description, location, locality, code = values
            named = [IncomingPerson(p.slot, p.header, p.role, names[n],
                                    births[n] if births else None, addresses[n],
                                    postcode_of(codes[n]) or postcode_of(addresses[n]))
                     for p, names, births, addresses, codes in people
                     if names[n] and names[n].casefold() not in placeholders]
            incidents.append(IncomingIncident(
                int(row), ref, on, category, beat, bool(is_hate), description, location,
                formatted_postcode(postcode_of(code) or postcode_of(location)), locality,
                same_row_people(named)))
        blank = [Skip(int(row), "", "blank row") for row in self.blank]
        return Checked(incidents, self.problems, blank, self.notes, invalid)


def check(extract: Extract, mapping: ImportMapping, columns: Columns, cfg: Config,
          today: date) -> Checked:
    """Every problem in ``extract`` read with ``mapping``, and its good rows as incidents."""
    return _Checker(extract, mapping, columns, cfg, today).check()
