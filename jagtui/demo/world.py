"""The demo's world while it is built: the configuration, the seeded generator, and the
people, places and case stories made so far, with the small rules every stage shares
(which agency, which beat, which day, a new invented person or place)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from jagtui.config import Config, LadderStep
from jagtui.demo.data import (
    BUSY_BEATS, DISTRICTS, FIRST_NAMES, LOCATION_KINDS, LOCATION_NOTES, OFFICERS, STREET_STEMS,
    STREET_SUFFIXES, SURNAMES, Issue,
)
from jagtui.rules.dates import next_meeting_date
from jagtui.rules.ladder import default_review_on
from jagtui.store.db import Store
from jagtui.store.models import Case, Location, Person


@dataclass
class Officer:
    name: str
    agency: str


@dataclass
class Spec:
    """A case before it is written: who and what it is about, and its story."""

    case_type: str
    issue: Issue
    beat: str
    locality: str
    subgroup: str = ""
    lead_agency: str = ""
    lead_officer: str = ""
    priority: str = ""
    rag: str = "amber"
    title: str = ""
    summary: str = ""
    opened_on: date | None = None
    closed_on: date | None = None
    closure_reason: str = ""
    profile: str = ""
    heavy: bool = False
    trigger_review: bool = False
    victims: list[Person] = field(default_factory=list)
    household: list[Person] = field(default_factory=list)
    perpetrators: list[Person] = field(default_factory=list)
    parents: list[Person] = field(default_factory=list)
    complainants: list[Person] = field(default_factory=list)
    location: Location | None = None
    hotspots: list[Location] = field(default_factory=list)
    chains: list[tuple[Person, list[tuple[int, str, date, list[date]]]]] = field(default_factory=list)
    incident_dates: list[date] = field(default_factory=list)
    case: Case | None = None


@dataclass
class IncidentSpec:
    on: date
    category: str
    source: str
    location: Location | None
    beat: str
    hate: bool
    description: str
    people: list[tuple[Person, str]]
    order: int = 0



class World:
    """Everything the stages share; each stage (cases, incidents, casework, meetings, plan)
    reads and adds to it in turn, drawing from one generator in a fixed order."""

    def __init__(self, session: Session, store: Store, cfg: Config, today: date, seed: int):
        self.session = session
        self.store = store
        self.cfg = cfg
        self.today = today
        self.rng = random.Random(seed)
        self.earliest = today - timedelta(days=730)
        self.categories = {c.key: c for c in cfg.categories}
        self.asb_keys = [c.key for c in cfg.categories if c.asb]
        self.hate_key = next((k for k in self.categories if "HATE" in k.upper()), None)
        self.agency_keys = [a.key for a in cfg.agencies]
        self.subgroup_keys = [s.key for s in cfg.subgroups]
        self.main_group = self.subgroup("JAG")
        self.youth_group = "YJAG" if "YJAG" in self.subgroup_keys else None
        self.officers = [Officer(name, self.agency(pref)) for name, pref in OFFICERS]
        self.people: list[Person] = []
        self.used_names: set[str] = set()
        self.streets: dict[tuple[str, str], str] = {}
        self.phone = 0
        self.locations: list[Location] = []
        self.specs: list[Spec] = []
        self.incidents: list[IncidentSpec] = []
        self.neighbours: list[Person] = []
        self.residents: list[Person] = []
        self.present: list[Officer] = []  # at the meeting being written
        self._schedule()

    def agency(self, *preferred: str) -> str:
        for key in preferred:
            if key in self.agency_keys:
                return key
        return self.agency_keys[0]

    def subgroup(self, key: str) -> str:
        return key if key in self.subgroup_keys else self.subgroup_keys[0]

    def priority(self, key: str) -> str:
        keys = [p.key for p in self.cfg.priorities]
        return key if key in keys else keys[0]

    def officer(self, agency: str) -> Officer:
        matching = [o for o in self.officers if o.agency == agency]
        return self.rng.choice(matching or self.officers)

    def day(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def known_categories(self, wanted) -> list[str]:
        found = [key for key in wanted if key in self.categories]
        return found or list(self.asb_keys or self.categories)

    def asb_categories(self, keys, *, hate_ok: bool = True) -> list[str]:
        found = [k for k in keys if self.categories[k].asb and (hate_ok or k != self.hate_key)]
        return found or [k for k in self.asb_keys if hate_ok or k != self.hate_key] or list(keys)

    def beat_weights(self) -> list[int]:
        return [BUSY_BEATS.get(beat.code, 1) for beat in self.cfg.beats]

    def pick_beat(self):
        return self.rng.choices(self.cfg.beats, weights=self.beat_weights())[0]

    def _schedule(self) -> None:
        """Three past meetings of the main group every cadence, the last two weeks or more ago
        on a Thursday, and one Youth JAG between them."""
        cadence = timedelta(weeks=self.cfg.meetings.cadence_weeks)
        last = self.today - timedelta(days=14)
        while last.weekday() != 3:
            last -= timedelta(days=1)
        self.cadence = cadence
        self.main_dates = [last - 2 * cadence, last - cadence, last]
        self.next_main = next_meeting_date(last, self.today, self.cfg.meetings.cadence_weeks)
        self.youth_date = last - timedelta(days=21) if self.youth_group else None

    def meeting_after(self, day: date) -> date:
        """The main group's next scheduled meeting after ``day`` (the cadence, extended both ways)."""
        last = self.main_dates[-1]
        if day >= last:
            return max(self.next_main, last + self.cadence * ((day - last) // self.cadence + 1))
        steps = (last - day) // self.cadence
        candidate = last - self.cadence * steps
        return candidate if candidate > day else candidate + self.cadence

    def address(self, locality: str) -> tuple[str, str]:
        stem = self.rng.choice(STREET_STEMS)
        street = f"{stem} {self.rng.choice(STREET_SUFFIXES)}"
        key = (street, locality)
        if key not in self.streets:
            district = DISTRICTS.get(locality.lower(), "LE11")
            self.streets[key] = f"{district} {self.rng.randint(1, 9)}Z{self.rng.choice('ZYX')}"
        return f"{self.rng.randint(1, 120)} {street}, {locality}", self.streets[key]

    def person(self, ages: tuple[int, int], beat: str, locality: str, *, names=FIRST_NAMES,
                surname: str | None = None, home: tuple[str, str] | None = None,
                vulnerabilities: str = "", notes: str = "") -> Person:
        rng = self.rng
        for _ in range(50):
            name = f"{rng.choice(names)} {surname or rng.choice(SURNAMES)}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        age = rng.randint(*ages)
        born = self.today - relativedelta(years=age) - timedelta(days=rng.randint(1, 360))
        address, postcode = home or self.address(locality)
        phone = ""
        if rng.random() < 0.6 and age >= 14:
            self.phone += rng.randint(1, 9)
            phone = f"07700 900{self.phone % 1000:03d}"
        person = Person(name=name, date_of_birth=born, address=address, postcode=postcode, beat=beat,
                        phone=phone, vulnerabilities=vulnerabilities, notes=notes)
        self.people.append(person)
        return person

    def age(self, person: Person) -> int:
        return relativedelta(self.today, person.date_of_birth).years

    def make_locations(self, count: int = 40) -> None:
        rng = self.rng
        beats = list(self.cfg.beats)
        stems = list(STREET_STEMS)
        rng.shuffle(stems)
        for i in range(count):
            beat = beats[i] if i < len(beats) else self.pick_beat()
            locality = rng.choice(beat.localities)
            kind, pattern, _title, _cats = LOCATION_KINDS[i % len(LOCATION_KINDS)]
            stem = stems[i % len(stems)]
            name = pattern.format(stem=stem)
            if i >= len(stems):
                name = f"{name} ({locality})"
            street = f"{stem} {rng.choice(('Road', 'Lane', 'Way', 'Street'))}"
            district = DISTRICTS.get(locality.lower(), "LE11")
            self.locations.append(Location(
                name=name, address=f"off {street}, {locality}",
                postcode=f"{district} {rng.randint(1, 9)}Z{rng.choice('ZYX')}", beat=beat.code,
                locality=locality, kind=kind, notes=rng.choice(LOCATION_NOTES),
            ))

    def locations_in(self, beat: str) -> list[Location]:
        return [loc for loc in self.locations if loc.beat == beat] or self.locations

    def locality_for(self, beat) -> str:
        return self.rng.choice(beat.localities)

    def step(self, index: int) -> LadderStep:
        return self.cfg.ladder[index]

    def review(self, index: int, issued: date) -> date:
        return default_review_on(self.step(index), issued) or issued + timedelta(days=30)

    def open_at(self, spec: Spec, day: date) -> bool:
        return spec.opened_on <= day and (spec.closed_on is None or spec.closed_on >= day)
