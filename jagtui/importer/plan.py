"""What an import would do to the database, worked out before anything is written.

Incidents already imported from the same source under the same reference are
updated (only the fields that differ), never duplicated. People and places are
matched by ``jagtui.importer.match``; a possible match links nobody until the
user confirms it (``decisions``), and every row naming that person follows the
one decision. The plan reads the database only.
"""

from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from sqlmodel import Session

from jagtui.config import Config
from jagtui.importer.match import (
    NAME_SIMILARITY, IncomingPerson, LocationIndex, PersonIndex, address_key, formatted_postcode,
    name_key, similarity,
)
from jagtui.importer.prepare import Prepared
from jagtui.importer.report import Candidate, FieldChange, ImportReport, PossibleMatch, Skip, Update
from jagtui.importer.validate import IncomingIncident
from jagtui.rules.dates import fmt_date
from jagtui.store.imports import (
    IncidentRecord, LocationRecord, PersonRecord, incident_people, incidents_by_ref,
    locations_sharing, people_sharing,
)

# A person in the plan: an existing id, or the identity of one to create.
PersonRef = int | tuple
# A location in the plan: an existing id, or the normalised address of one to create.
LocationRef = int | str


class ConfirmError(Exception):
    """A --confirm-matches key or value that does not fit this file; the message says why."""


def parse_decisions(texts: list[str] | None) -> dict[str, str]:
    """``["12=345,13=new", "14b=new"]`` -> ``{"12": "345", "13": "new", "14b": "new"}``."""
    decisions: dict[str, str] = {}
    for text in texts or []:
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = (s.strip().lower() for s in part.partition("="))
            if not sep or not key or not (value == "new" or value.isdigit()):
                raise ConfirmError(f"--confirm-matches: {part!r} should be ROW=PERSON_ID or "
                                   "ROW=new, e.g. 12=345 or 12b=new")
            decisions[key] = value
    return decisions


@dataclass(slots=True)
class NewLocation:
    name: str
    postcode: str
    beat: str
    locality: str


@dataclass(slots=True)
class NewPerson:
    name: str
    date_of_birth: date | None
    address: str
    postcode: str


@dataclass(slots=True)
class Create:
    incoming: IncomingIncident
    location: LocationRef | None
    beat: str
    people: list[tuple[PersonRef, str]]


@dataclass(slots=True)
class Change:
    incident_id: int
    values: dict
    links: list[tuple[PersonRef, str]]


@dataclass
class Plan:
    report: ImportReport
    source: str
    new_locations: dict[str, NewLocation] = field(default_factory=dict)
    new_people: dict[tuple, NewPerson] = field(default_factory=dict)
    person_fills: dict[int, dict] = field(default_factory=dict)
    location_fills: dict[int, dict] = field(default_factory=dict)
    creates: list[Create] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass
class _Pending:
    person: IncomingPerson
    rows: list[int]
    candidates: tuple
    key: str = ""


def _already_linked(person: IncomingPerson, linked: list[tuple[int, str, str]]) -> int | None:
    """Who the incident already links in this role under this (or a similar) name: someone
    matched, or confirmed, by an earlier import of the same incident."""
    same_role = [(pid, name) for pid, role, name in linked if role == person.role]
    key = name_key(person.name)
    for pid, name in same_role:
        if name_key(name) == key:
            return pid
    scored = [(similarity(person.name, name), pid) for pid, name in same_role]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= NAME_SIMILARITY else None


def _fills(record, wanted: dict) -> dict:
    """The fields a matched record lacks and the file supplies: blanks are filled, values kept."""
    return {name: value for name, value in wanted.items()
            if value and not getattr(record, name)}


class _Planner:
    def __init__(self, session: Session, cfg: Config, prepared: Prepared, decisions: dict[str, str],
                 skip_invalid: bool):
        self.session, self.cfg, self.prepared = session, cfg, prepared
        self.decisions = decisions
        self.mapping = prepared.mapping
        self.columns = prepared.columns
        self.incoming = prepared.checked.incidents
        self.plan = Plan(self._report(skip_invalid), self.mapping.source)
        self.matched_people: set[int] = set()
        self.matched_locations: set[int] = set()

    def _report(self, skip_invalid: bool) -> ImportReport:
        base = self.prepared.report
        report = replace(base, notes=list(base.notes), problems=list(base.problems), updates=[],
                         skipped=list(self.prepared.checked.blank), possible_matches=[],
                         skip_invalid=skip_invalid)
        if skip_invalid:
            report.skipped += [Skip(row, ref, reason)
                               for row, (ref, reason) in self.prepared.checked.invalid.items()]
            report.skipped.sort(key=lambda s: s.row)
        return report

    # -- look-ups --------------------------------------------------------------------------

    def load(self) -> None:
        incoming = self.incoming
        self.existing: dict[str, IncidentRecord] = incidents_by_ref(
            self.session, self.mapping.source, (i.ref for i in incoming))
        self.links = incident_people(self.session, (r.id for r in self.existing.values()))
        places = locations_sharing(
            self.session,
            ids=(r.location_id for r in self.existing.values() if r.location_id),
            names=(i.location.lower() for i in incoming if i.location),
            postcodes=(i.postcode.replace(" ", "") for i in incoming if i.postcode))
        self.locations = LocationIndex(places)
        self.location_by_id: dict[int, LocationRecord] = {p.id: p for p in places}
        persons = [p for i in incoming for p in i.people]
        people = people_sharing(
            self.session,
            ids=(pid for links in self.links.values() for pid, _, _ in links),
            births=(p.date_of_birth for p in persons if p.date_of_birth),
            postcodes=(p.postcode for p in persons if p.postcode),
            addresses=(p.address.lower() for p in persons if p.address))
        self.people = PersonIndex(people)
        self.person_by_id: dict[int, PersonRecord] = {p.id: p for p in people}

    # -- people ----------------------------------------------------------------------------

    def people_of(self) -> list[list[tuple[PersonRef | None, IncomingPerson]]]:
        """Each incoming row's people resolved to an existing id, a new identity, or None."""
        resolved: dict[tuple, PersonRef | None] = {}
        pending: dict[tuple, _Pending] = {}
        rows: list[list[tuple[tuple | int, IncomingPerson]]] = []
        for incident in self.incoming:
            record = self.existing.get(incident.ref)
            linked = self.links.get(record.id, []) if record else []
            found = []
            for person in incident.people:
                identity = person.identity
                pid = _already_linked(person, linked) if linked else None
                if pid is not None:
                    resolved.setdefault(identity, pid)
                    found.append((pid, person))
                    continue
                if identity not in resolved:
                    match = self.people.match(person)
                    if match.kind == "exact":
                        resolved[identity] = match.person_id
                    elif match.kind == "possible":
                        resolved[identity] = None
                        pending[identity] = _Pending(person, [], match.candidates)
                    else:
                        resolved[identity] = identity
                if identity in pending:
                    pending[identity].rows.append(incident.row)
                found.append((identity, person))
            rows.append(found)
        self._decide(pending, resolved)
        new_people = self.plan.new_people
        for found in rows:  # identities become ids (or stay identities of new people), in place
            for n, (ref, person) in enumerate(found):
                if ref.__class__ is tuple:
                    ref = resolved[ref]
                    found[n] = (ref, person)
                if ref.__class__ is tuple:
                    if ref not in new_people:
                        new_people[ref] = NewPerson(person.name, person.date_of_birth,
                                                    person.address, formatted_postcode(person.postcode))
                elif ref is not None:
                    self._fill_person(ref, person)
        return rows

    def _decide(self, pending: dict[tuple, _Pending], resolved: dict) -> None:
        per_row = Counter(p.rows[0] for p in pending.values())
        keys: dict[str, tuple] = {}
        for identity, item in pending.items():
            row = item.rows[0]
            lettered = f"{row}{string.ascii_lowercase[item.person.slot % 26]}"
            item.key = str(row) if per_row[row] == 1 else lettered
            keys[lettered] = identity
            if per_row[row] == 1:
                keys[str(row)] = identity
        unknown = sorted(set(self.decisions) - set(keys), key=lambda k: (len(k), k))
        if unknown:
            known = ", ".join(sorted({p.key for p in pending.values()}, key=lambda k: (len(k), k)))
            raise ConfirmError(f"--confirm-matches: no possible match has the key "
                               f"{', '.join(unknown)} (the keys are: {known or 'none'})")
        decided: dict[tuple, str] = {keys[k]: v for k, v in self.decisions.items()}
        for identity, item in pending.items():
            decision = decided.get(identity, "")
            ids = [str(person.id) for person, _, _ in item.candidates]
            if decision not in ("", "new", *ids):
                raise ConfirmError(f"--confirm-matches: person {decision} is not a possible match "
                                   f"for {item.key} (the candidates are {', '.join(ids)})")
            if decision == "new":
                resolved[identity] = identity
            elif decision:
                resolved[identity] = int(decision)
            person = item.person
            self.plan.report.possible_matches.append(PossibleMatch(
                item.key, tuple(item.rows), person.role, person.column, person.name,
                person.date_of_birth, person.address,
                tuple(Candidate(p.id, p.name, p.date_of_birth, f"{p.address} {p.postcode}".strip(),
                                score, why) for p, score, why in item.candidates),
                decision))

    def _fill_person(self, person_id: int, person: IncomingPerson) -> None:
        self.matched_people.add(person_id)
        record = self.person_by_id.get(person_id)
        if record is None:
            return
        fills = _fills(record, {"date_of_birth": person.date_of_birth, "address": person.address,
                                "postcode": formatted_postcode(person.postcode)})
        if fills:
            self.plan.person_fills.setdefault(person_id, {}).update(
                {k: v for k, v in fills.items() if k not in self.plan.person_fills.get(person_id, {})})

    # -- places ----------------------------------------------------------------------------

    def location_of(self, incident: IncomingIncident) -> tuple[LocationRef | None, str]:
        """(location, beat): an existing place or a new one's key, and the incident's beat."""
        if not incident.location:
            return None, incident.beat
        record = self.locations.find(incident.location)
        if record is not None:
            self.matched_locations.add(record.id)
            fills = _fills(record, {"beat": incident.beat, "postcode": incident.postcode,
                                    "locality": incident.locality})
            if fills:
                current = self.plan.location_fills.setdefault(record.id, {})
                current.update({k: v for k, v in fills.items() if k not in current})
            return record.id, incident.beat or record.beat
        key = address_key(incident.location)
        if key not in self.plan.new_locations:
            self.plan.new_locations[key] = NewLocation(
                incident.location, incident.postcode, incident.beat, incident.locality)
        new = self.plan.new_locations[key]
        return key, incident.beat or new.beat

    # -- incidents -------------------------------------------------------------------------

    def build(self) -> Plan:
        self.load()
        people_by_row = self.people_of()
        report = self.plan.report
        for incident, people in zip(self.incoming, people_by_row):
            location, beat = self.location_of(incident)
            links = []  # each (person, role) once, in order (a row names at most a few)
            for ref, person in people:
                if ref is not None and (ref, person.role) not in links:
                    links.append((ref, person.role))
            record = self.existing.get(incident.ref)
            if record is None:
                self.plan.creates.append(Create(incident, location, beat, links))
                continue
            self._compare(incident, record, location, beat, links, people)
        report.created = len(self.plan.creates)
        report.people_matched = len(self.matched_people)
        report.people_created = len(self.plan.new_people)
        report.people_updated = len(self.plan.person_fills)
        report.locations_matched = len(self.matched_locations)
        report.locations_created = len(self.plan.new_locations)
        return self.plan

    def _compare(self, incident: IncomingIncident, record: IncidentRecord,
                 location: LocationRef | None, beat: str, links, people) -> None:
        has = self.columns.positions
        wanted = {"occurred_on": incident.occurred_on, "category": incident.category}
        if has["hate"] is not None:
            wanted["hate"] = incident.hate
        if has["description"] is not None:
            wanted["description"] = incident.description
        if has["location"] is not None:
            wanted["location_id"] = location
        if any(has[f] is not None for f in ("beat", "location", "locality")):
            wanted["beat"] = beat
        values = {name: value for name, value in wanted.items() if getattr(record, name) != value}
        linked = {(pid, role) for pid, role, _ in self.links.get(record.id, [])}
        new_links = [(ref, role) for ref, role in links if (ref, role) not in linked]
        if not values and not new_links:
            self.plan.report.unchanged += 1
            return
        self.plan.changes.append(Change(record.id, values, new_links))
        shown = [FieldChange(name.removesuffix("_id"), self._show(name, getattr(record, name)),
                             self._show(name, value)) for name, value in values.items()]
        names = {(ref, p.role): p.name for ref, p in people if ref is not None}
        shown += [FieldChange(role, "", f"{names[(ref, role)]}" +
                              (f" (person {ref})" if isinstance(ref, int) else " (new person)"))
                  for ref, role in new_links]
        self.plan.report.updates.append(Update(incident.row, incident.ref, tuple(shown)))

    def _show(self, name: str, value) -> str:
        if name == "location_id":
            if isinstance(value, str):
                return self.plan.new_locations[value].name
            return self.location_by_id[value].name if value in self.location_by_id else ""
        if name == "hate":
            return "yes" if value else "no"
        if isinstance(value, date):
            return fmt_date(value)
        return "" if value is None else str(value)


def make_plan(session: Session, cfg: Config, prepared: Prepared, decisions: dict[str, str] | None = None,
              *, skip_invalid: bool = False) -> Plan:
    """What importing ``prepared`` would do now; raises :class:`ConfirmError` for a bad decision."""
    return _Planner(session, cfg, prepared, decisions or {}, skip_invalid).build()
