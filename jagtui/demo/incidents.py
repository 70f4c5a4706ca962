"""The demo's incidents: each case's pattern (repeat, Community Trigger, hate, quiet,
a group's hotspot, a place's long tail) and the borough's background, written with
references as each source numbers them."""

from __future__ import annotations

from datetime import date, timedelta

from jagtui.demo.data import DESCRIPTIONS, HATE_CAPABLE
from jagtui.demo.world import IncidentSpec, Spec, World
from jagtui.store.models import Incident, IncidentParty, Location, Person

def make_incidents(world: World) -> None:
    """Each case's incidents, then the borough's background to a round total."""
    for spec in world.specs:
        if spec.case_type == "victim":
            _victim_incidents(world, spec)
        elif spec.case_type == "perpetrator":
            _perpetrator_incidents(world, spec)
        else:
            _location_incidents(world, spec)
    _background(world, max(150, 1150 - len(world.incidents)))


def _source(world: World, category: str) -> str:
    if category in ("DRUGS", "ASSAULT", "THREATS", "BURGLARY", "THEFT"):
        return world.rng.choices(("police", "sentinel", "council"), weights=(8, 1, 1))[0]
    return world.rng.choices(("police", "sentinel", "council", "housing"), weights=(4, 3, 2, 2))[0]


def _incident(world: World, on: date, category: str, *, location: Location | None, beat: str,
              people: list[tuple[Person, str]], hate: bool = False) -> IncidentSpec:
    texts = DESCRIPTIONS.get(category) or (f"{world.categories[category].name} reported",)
    text = world.rng.choice(texts)
    if hate and category != world.hate_key:
        text += " (perceived to be hate-motivated)"
    if location is not None:
        text += f", {location.name}"
        beat = location.beat
    seen: set[tuple[int, str]] = set()
    unique = []
    for person, role in people:
        if (id(person), role) not in seen:
            seen.add((id(person), role))
            unique.append((person, role))
    spec = IncidentSpec(on, category, _source(world, category), location, beat, hate, text, unique,
                         len(world.incidents))
    world.incidents.append(spec)
    return spec


def _spread(world: World, start: date, end: date, count: int, skew: float = 1.0) -> list[date]:
    """``count`` days between start and end; skew > 1 crowds them towards ``end``."""
    start = max(start, world.earliest)
    if end < start:
        return []
    days = (end - start).days
    return [end - timedelta(days=int(days * world.rng.random() ** skew)) for _ in range(count)]


def _victim_incidents(world: World, spec: Spec) -> None:
    rng, today = world.rng, world.today
    cats = world.known_categories(spec.issue.categories)
    asb = world.asb_categories(cats, hate_ok=False)
    start = spec.opened_on - timedelta(days=rng.randint(30, 200))
    hate_case = spec.issue.kind == "hate"
    # (day, category, hate: "maybe" | "never" | "always")
    dated: list[tuple[date, str, str]] = []
    if spec.profile == "closed":
        end = spec.closed_on - timedelta(days=rng.randint(10, 40))
        dated += [(d, rng.choice(cats), "maybe") for d in _spread(world, start, end, rng.randint(4, 12))]
    else:
        # Windows kept clear of month-length edges: 6 months >= 181 days, 3 months >= 89.
        base_end = today - timedelta(days=90 if spec.profile == "repeat" else 200)
        count = rng.randint(35, 55) if spec.heavy else rng.randint(3, 10)
        dated += [(d, rng.choice(cats), "maybe") for d in _spread(world, start, base_end, count)]
        if spec.profile == "repeat":
            recent = [world.day(today - timedelta(days=80), today - timedelta(days=1))
                      for _ in range(rng.randint(3, 6))]
            dated += [(d, rng.choice(asb), "never") for d in recent]
        elif spec.profile == "trigger6":
            recent = [world.day(today - timedelta(days=170), today - timedelta(days=100))
                      for _ in range(3)]
            dated += [(d, rng.choice(asb), "never") for d in recent]
        elif spec.profile == "hate":
            day = world.day(today - timedelta(days=150), today - timedelta(days=10))
            dated.append((day, world.hate_key or rng.choice(asb), "always"))
            if rng.random() < 0.5:
                dated.append((world.day(today - timedelta(days=150), today - timedelta(days=5)),
                              rng.choice(asb), "never"))
        else:  # quiet: at most two ASB incidents, none hate, in the trigger window
            for _ in range(rng.randint(0, 2)):
                dated.append((world.day(today - timedelta(days=150), today - timedelta(days=5)),
                              rng.choice(asb), "never"))
    victim = spec.victims[0]
    for day, category, hate_mode in dated:
        if hate_mode == "maybe":
            hate = category == world.hate_key or (
                hate_case and category in HATE_CAPABLE and rng.random() < 0.5)
        else:
            hate = hate_mode == "always"
        people: list[tuple[Person, str]] = [(victim, "victim")]
        if spec.household and rng.random() < 0.3:
            people.append((rng.choice(spec.household), "victim"))
        if spec.perpetrators and rng.random() < 0.6:
            people += [(p, "perpetrator") for p in
                       rng.sample(spec.perpetrators, k=rng.randint(1, len(spec.perpetrators)))]
        reporter = rng.random()
        if reporter < 0.5:
            people.append((victim, "reporter"))
        elif reporter < 0.7 and spec.household:
            people.append((rng.choice(spec.household), "reporter"))
        elif reporter < 0.85 and spec.complainants:
            people.append((rng.choice(spec.complainants), "reporter"))
        if spec.complainants and rng.random() < 0.2:
            people.append((rng.choice(spec.complainants), "witness"))
        location = None
        if rng.random() < 0.35:
            location = rng.choice(world.locations_in(spec.beat))
        _incident(world, day, category, location=location, beat=spec.beat, people=people, hate=hate)
        spec.incident_dates.append(day)


def _perpetrator_incidents(world: World, spec: Spec) -> None:
    rng = world.rng
    cats = world.known_categories(spec.issue.categories)
    group = spec.issue.kind == "group"
    count = rng.randint(18, 35) if group else rng.randint(6, 14)
    start = spec.opened_on - timedelta(days=rng.randint(60, 200))
    end = spec.closed_on or world.today
    nearby = [p for p in world.residents if p.beat == spec.beat] or world.residents
    for day in _spread(world, start, end, count):
        category = rng.choice(cats)
        people = [(p, "perpetrator") for p in
                  rng.sample(spec.perpetrators, k=rng.randint(1, min(3, len(spec.perpetrators))))]
        if rng.random() < 0.35:
            people.append((rng.choice(nearby), "victim"))
        if rng.random() < 0.6:
            people.append((rng.choice(nearby), "reporter"))
        location = spec.hotspots[0] if rng.random() < 0.7 else None
        _incident(world, day, category, location=location, beat=spec.beat, people=people)
        spec.incident_dates.append(day)


def _location_incidents(world: World, spec: Spec) -> None:
    rng = world.rng
    cats = world.known_categories(spec.issue.categories)
    count = rng.randint(70, 95) if spec.heavy else rng.randint(22, 40)
    if spec.closed_on:
        days = _spread(world, world.earliest, spec.closed_on, count, skew=0.8)
        days += _spread(world, spec.closed_on, world.today, 3)
    else:
        days = _spread(world, world.earliest, world.today, count, skew=1.4)
    nearby = [p for p in world.residents if p.beat == spec.beat] or world.residents
    for day in days:
        people: list[tuple[Person, str]] = []
        if rng.random() < 0.7:
            people.append((rng.choice(spec.complainants or nearby), "reporter"))
        if rng.random() < 0.2:
            people.append((rng.choice(nearby), "victim"))
        if rng.random() < 0.15:
            people.append((rng.choice(nearby), "witness"))
        _incident(world, day, rng.choice(cats), location=spec.location, beat=spec.beat, people=people)
        spec.incident_dates.append(day)


def _background(world: World, count: int) -> None:
    rng = world.rng
    weights = [5 if c.asb else 1 for c in world.cfg.categories]
    keys = [c.key for c in world.cfg.categories]
    for day in _spread(world, world.earliest, world.today, count):
        category = rng.choices(keys, weights=weights)[0]
        resident = rng.choice(world.residents)
        people = [(resident, "reporter")]
        if rng.random() < 0.3:
            people.append((rng.choice(world.residents), "victim"))
        location = rng.choice(world.locations[10:] or world.locations) if rng.random() < 0.6 else None
        hate = category == world.hate_key or (category in HATE_CAPABLE and rng.random() < 0.04)
        _incident(world, day, category, location=location, beat=resident.beat, people=people,
                       hate=hate)


def write_incidents(world: World) -> None:
    """Every incident in date order, referenced as its source numbers them."""
    rng = world.rng
    world.incidents.sort(key=lambda i: (i.on, i.order))
    counters = {"sentinel": 48000 + rng.randint(0, 900), "housing": 15000 + rng.randint(0, 300),
                "council": 8000 + rng.randint(0, 300)}
    storm: dict[date, int] = {}
    rows = []
    for spec in world.incidents:
        if spec.source == "police":
            storm[spec.on] = storm.get(spec.on, rng.randint(1, 120)) + rng.randint(1, 40)
            ref = f"STORM-{spec.on:%y%m%d}-{storm[spec.on]:04d}"
        else:
            counters[spec.source] += rng.randint(1, 6)
            prefix = {"sentinel": "SEN", "housing": "HSG", "council": "CBC"}[spec.source]
            ref = f"{prefix}-{counters[spec.source]}"
        rows.append(Incident(
            occurred_on=spec.on, category=spec.category, source=spec.source, source_ref=ref,
            location_id=spec.location.id if spec.location is not None else None,
            beat=spec.beat, hate=spec.hate, description=spec.description,
        ))
    world.session.add_all(rows)
    world.session.flush()
    parties = [IncidentParty(incident_id=row.id, person_id=person.id, role=role)
               for row, spec in zip(rows, world.incidents) for person, role in spec.people]
    world.session.add_all(parties)
    world.session.flush()
