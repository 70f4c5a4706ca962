"""The demo's case stories before any is written: perpetrators and their escalation
histories, victims and their households, places of concern, when each case opened and
closed, and the neighbours and residents around them; then the cases themselves."""

from __future__ import annotations

from datetime import timedelta

from jagtui.demo.data import (
    CHILD_VULNERABILITIES, CLOSURE_REASONS, ELDER_NAMES, GENERAL_VULNERABILITIES, LOCATION_KINDS,
    OLDER_VULNERABILITIES, PERPETRATOR_ISSUES, VICTIM_ISSUES, YOUNG_NAMES, YOUTH_VULNERABILITIES,
    AT_RISK_VULNERABILITIES, Issue,
)
from jagtui.demo.world import Spec, World
from jagtui.rules.dates import fmt_date
from jagtui.store.cases import open_case
from jagtui.store.models import PARTY_ROLES, CaseParty, Location, Person

def plan_cases(world: World) -> None:
    """Every case's story, before anything is written: perpetrators, victims, places."""
    _perpetrator_specs(world, 14)
    _victim_specs(world, 36)
    _location_specs(world, 10)
    _dates(world)
    _group_fixups(world)
    _others(world)


def _perpetrator_specs(world: World, count: int) -> None:
    rng = world.rng
    kinds = ["group"] * 5 + ["youth"] * 5 + ["adult"] * (count - 10)
    group_issues = [i for i in PERPETRATOR_ISSUES if i.kind == "group"]
    youth_issues = [i for i in PERPETRATOR_ISSUES if i.kind == "youth"]
    adult_issues = [i for i in PERPETRATOR_ISSUES if i.kind == "adult"]
    for n, kind in enumerate(kinds):
        beat = world.pick_beat()
        locality = world.locality_for(beat)
        issue = {"group": group_issues, "youth": youth_issues, "adult": adult_issues}[kind]
        issue = issue[n % len(issue)]
        spec = Spec("perpetrator", issue, beat.code, locality)
        spot = rng.choice(world.locations_in(beat.code))
        spec.hotspots = [spot]
        if kind == "group":
            size = rng.randint(3, 4)
            for _ in range(size):
                youth = world.person((12, 17), beat.code, locality, names=YOUNG_NAMES,
                                     vulnerabilities=rng.choice(YOUTH_VULNERABILITIES)
                                     if rng.random() < 0.35 else "")
                spec.perpetrators.append(youth)
                surname = youth.name.split(" ", 1)[1]
                home = (youth.address, youth.postcode)
                spec.parents.append(world.person((32, 52), beat.code, locality, surname=surname,
                                                 home=home, notes="Parent/carer"))
            spec.subgroup = world.youth_group or world.main_group
            spec.lead_agency = world.agency("POLICE", "YOS")
            spec.title = issue.title.format(place=spot.name)
        elif kind == "youth":
            youth = world.person((13, 17), beat.code, locality, names=YOUNG_NAMES,
                                 vulnerabilities=rng.choice(YOUTH_VULNERABILITIES))
            spec.perpetrators.append(youth)
            spec.parents.append(world.person((30, 50), beat.code, locality,
                                             surname=youth.name.split(" ", 1)[1],
                                             home=(youth.address, youth.postcode),
                                             notes="Parent/carer"))
            spec.subgroup = world.youth_group or world.main_group
            spec.lead_agency = world.agency("YOS", "POLICE")
            spec.title = f"{issue.title} ({locality})"
        else:
            adult = world.person((22, 58), beat.code, locality,
                                 vulnerabilities="Alcohol dependency" if rng.random() < 0.3 else "")
            spec.perpetrators.append(adult)
            if "cuckooing" in issue.title:
                spec.subgroup = world.subgroup("AARG")
                spec.lead_agency = world.agency("POLICE")
            elif "Street drinking" in issue.title:
                spec.subgroup = world.subgroup("LCDG")
                spec.lead_agency = world.agency("CBC-ASB")
            else:
                spec.subgroup = world.main_group
                spec.lead_agency = world.agency("CBC-HOUSING", "RSL", "CBC-ASB")
            spec.title = f"{issue.title} ({locality})"
        spec.priority = world.priority(issue.priority)
        spec.rag = rng.choices(("red", "amber", "green"), weights=(3, 5, 2))[0]
        _chains(world, spec, closed=n in (3, 8))
        spec.summary = (
            f"{len(spec.perpetrators)} {'young people' if kind == 'group' else 'person'} "
            f"linked to ASB around {spot.name}. Managed under the LLR ASB incremental approach."
        )
        world.specs.append(spec)


def _chains(world: World, spec: Spec, closed: bool) -> None:
    """Escalation histories for each perpetrator; sets the case's opened/closed dates."""
    rng = world.rng
    top = len(world.cfg.ladder) - 1
    young = [
        [(0, "complied")], [(0, "breached"), (1, "active")], [(1, "breached"), (2, "active")],
        [(0, "breached"), (1, "breached"), (2, "active")], [(2, "complied")], [(1, "expired")],
        [(2, "active")], [(1, "breached"), (2, "breached")],
    ]
    older = young + [[(1, "breached"), (2, "breached"), (3, "active")],
                     [(2, "breached"), (3, "breached"), (4, "active")]]
    adult = older + [[(3, "breached"), (4, "breached"), (5, "active")], [(3, "complied")],
                     [(4, "active")]]
    starts = []
    ends = []
    for person in spec.perpetrators:
        if len(spec.perpetrators) > 2 and rng.random() < 0.3 and spec.chains:
            continue  # not every member of a group has had an intervention yet
        age = world.age(person)
        options = young if age < 16 else older if age < 18 else adult
        if closed:
            options = [p for p in options if p[-1][1] in ("complied", "expired")]
        pattern = [(min(i, top), outcome) for i, outcome in rng.choice(options)]
        chain = _chain_dates(world, pattern, closed)
        spec.chains.append((person, chain))
        starts.append(chain[0][2])
        ends.append(max(world.review(chain[-1][0], chain[-1][2]), chain[-1][2]))
    spec.opened_on = min(starts) - timedelta(days=rng.randint(7, 35))
    if closed:
        spec.closed_on = min(max(ends) + timedelta(days=rng.randint(5, 25)),
                             world.today - timedelta(days=130))
        spec.closure_reason = CLOSURE_REASONS[3] if spec.issue.kind != "adult" else CLOSURE_REASONS[1]
        spec.rag = "green"


def _chain_dates(world: World, pattern, closed: bool):
    """(ladder index, outcome, issued on, breach dates) per step, placed before today."""
    rng = world.rng
    offsets = []
    day = 0
    for n, (index, outcome) in enumerate(pattern):
        span = (world.review(index, world.today) - world.today).days
        breaches = []
        if outcome == "breached":
            first = rng.randint(10, max(11, min(span - 5, 70)))
            breaches.append(first)
            if rng.random() < 0.25:
                breaches.append(first + rng.randint(5, 20))
        offsets.append((index, outcome, day, breaches, span))
        if n + 1 < len(pattern):
            day += (breaches[-1] if breaches else span) + rng.randint(7, 21)
    index, outcome, last_day, breaches, span = offsets[-1]
    if closed:
        last_issued = world.today - timedelta(days=span + rng.randint(150, 260))
    elif outcome == "active":
        if rng.random() < 0.2:  # lapsed: review date passed with no outcome recorded
            last_issued = world.today - timedelta(days=span + rng.randint(3, 25))
        else:
            last_issued = world.today - timedelta(days=rng.randint(7, max(8, span - 10)))
    elif outcome == "breached":
        last_issued = world.today - timedelta(days=rng.randint(45, 110))
        breaches = [b for b in breaches if last_issued + timedelta(days=b) < world.today]
        offsets[-1] = (index, outcome, last_day, breaches or [20], span)
    else:
        last_issued = world.today - timedelta(days=span + rng.randint(10, 120))
    start = last_issued - timedelta(days=last_day)
    return [(index, outcome, start + timedelta(days=off),
             [start + timedelta(days=off + b) for b in breaches])
            for index, outcome, off, breaches, _span in offsets]


def _victim_specs(world: World, count: int) -> None:
    rng = world.rng
    beats = list(world.cfg.beats)
    issues = list(VICTIM_ISSUES)
    rng.shuffle(issues)
    for n in range(count):
        issue = issues[n % len(issues)]
        if issue.kind == "student" and any(b.code == "62" for b in beats):
            beat = next(b for b in beats if b.code == "62")
        else:
            beat = beats[n] if n < len(beats) else world.pick_beat()
        locality = world.locality_for(beat)
        spec = Spec("victim", issue, beat.code, locality)
        home = world.address(locality)
        if issue.kind == "older":
            victim = world.person((76, 91), beat.code, locality, names=ELDER_NAMES, home=home,
                                  vulnerabilities=rng.choice(OLDER_VULNERABILITIES))
        elif issue.kind == "child":
            victim = world.person((13, 16), beat.code, locality, names=YOUNG_NAMES, home=home,
                                  vulnerabilities=rng.choice(CHILD_VULNERABILITIES)
                                  if rng.random() < 0.5 else "")
            spec.household.append(world.person((35, 52), beat.code, locality, home=home,
                                               surname=victim.name.split(" ", 1)[1],
                                               notes="Parent/carer"))
        elif issue.kind == "at_risk":
            victim = world.person((24, 63), beat.code, locality, home=home,
                                  vulnerabilities=rng.choice(AT_RISK_VULNERABILITIES))
        elif issue.kind == "student":
            victim = world.person((19, 23), beat.code, locality, home=home)
            for _ in range(rng.randint(1, 3)):
                spec.household.append(world.person((19, 23), beat.code, locality, home=home,
                                                   notes="Housemate"))
        else:
            victim = world.person((24, 74), beat.code, locality, home=home,
                                  vulnerabilities=rng.choice(GENERAL_VULNERABILITIES)
                                  if rng.random() < 0.3 else "")
            if rng.random() < 0.45:
                surname = victim.name.split(" ", 1)[1]
                spec.household.append(world.person((24, 74), beat.code, locality, home=home,
                                                   surname=surname))
                if rng.random() < 0.5:
                    spec.household.append(world.person((3, 15), beat.code, locality, home=home,
                                                       names=YOUNG_NAMES, surname=surname))
        spec.victims.append(victim)
        if issue.kind == "at_risk":
            spec.subgroup = world.subgroup("AARG")
            spec.lead_agency = world.agency("ASC", "CBC-ASB")
        elif issue.kind == "child":
            spec.subgroup = world.youth_group or world.main_group
            spec.lead_agency = world.agency("POLICE")
        elif issue.kind == "student":
            spec.subgroup = world.subgroup("LCDG")
            spec.lead_agency = world.agency("POLICE", "UNI")
        else:
            spec.subgroup = _area_subgroup(world, beat.code, locality)
            spec.lead_agency = rng.choice(
                [world.agency(k) for k in ("POLICE", "CBC-ASB", "CBC-HOUSING", "RSL")])
        spec.priority = world.priority(issue.priority)
        spec.title = f"{issue.title} ({locality})"
        spec.heavy = n < 4
        world.specs.append(spec)


def _area_subgroup(world: World, beat: str, locality: str) -> str:
    rng = world.rng
    if beat == "62" and rng.random() < 0.6:
        return world.subgroup("LCDG")
    if beat == "65":
        if "bell foundry" in locality.lower() and rng.random() < 0.7:
            return world.subgroup("PZ")
        if rng.random() < 0.6:
            return world.subgroup("LEDG")
    return world.main_group


def _location_specs(world: World, count: int) -> None:
    rng = world.rng
    for n, location in enumerate(world.locations[:count]):
        kind = next(k for k in LOCATION_KINDS if k[0] == location.kind)
        issue = Issue(kind[2], kind[3], "P2")
        spec = Spec("location", issue, location.beat, location.locality)
        spec.location = location
        spec.title = issue.title.format(place=location.name)
        spec.subgroup = _area_subgroup(world, location.beat, location.locality)
        spec.lead_agency = world.agency("CBC-ASB") if rng.random() < 0.6 else world.agency("POLICE")
        spec.priority = world.priority("P2")
        spec.heavy = n < 2
        spec.summary = (f"Repeat location raised for positive action to reduce its harm index. "
                        f"{location.notes or 'Residents report feeling unsafe after dark'}.")
        world.specs.append(spec)


def _dates(world: World) -> None:
    """Opened and closed dates, RAG and incident profiles for victim and location cases.

    Each past meeting gets new referrals; three cases are closed at the meetings and a few
    more before them; open victims get a profile that decides whether they meet the
    Community Trigger and the repeat-victim rule today.
    """
    rng, today = world.rng, world.today
    victims = [s for s in world.specs if s.case_type == "victim"]
    places = [s for s in world.specs if s.case_type == "location"]
    first = world.main_dates[0]
    # Closed: two victims and one location at the meetings, three victims before them.
    at_meetings = [victims[4], victims[5], places[-1]]
    for spec, held in zip(at_meetings, world.main_dates):
        spec.closed_on = held
        spec.opened_on = held - timedelta(days=rng.randint(120, 400))
    for spec in victims[6:9]:
        spec.closed_on = today - timedelta(days=rng.randint(140, 600))
        spec.opened_on = spec.closed_on - timedelta(days=rng.randint(90, 260))
    for spec in victims[4:9] + [places[-1]]:
        spec.closure_reason = rng.choice(CLOSURE_REASONS[:3] if spec.case_type == "victim"
                                         else CLOSURE_REASONS[4:])
        spec.rag = "green"
        spec.opened_on = max(spec.opened_on, world.earliest + timedelta(days=30))
        spec.profile = "closed"
    # New referrals: two in the cadence before each meeting, two since the last one.
    fresh = victims[9:17]
    windows = [(held - world.cadence + timedelta(days=3), held - timedelta(days=2))
               for held in world.main_dates]
    windows.append((world.main_dates[-1] + timedelta(days=2), today - timedelta(days=1)))
    for n, spec in enumerate(fresh):
        start, end = windows[n // 2]
        spec.opened_on = world.day(start, end)
        spec.profile = "hate" if spec.issue.kind == "hate" else "repeat"
    # The rest: heavy repeat victims, Community Trigger victims and quiet ones.
    rest = victims[:4] + victims[17:]
    profiles = ["repeat"] * 4 + ["trigger6"] * 3 + ["hate"] * 3 + ["repeat"] * 3
    profiles += ["quiet"] * (len(rest) - len(profiles))
    for spec, profile in zip(rest, profiles):
        spec.profile = profile
        if profile == "quiet":
            spec.opened_on = world.day(today - timedelta(days=650), today - timedelta(days=250))
        else:
            spec.opened_on = world.day(today - timedelta(days=650), first - timedelta(days=50))
    for spec in victims:
        if spec.profile != "closed":
            spec.rag = rng.choices(("red", "amber", "green"), weights=(3, 5, 2))[0]
            if spec.heavy:
                spec.rag = "red"
        if spec.profile in ("trigger6", "hate") and rng.random() < 0.5:
            spec.trigger_review = True
            spec.priority = world.priority("P4")
            spec.title = f"ASB case review (Community Trigger): {spec.title}"
    for spec in places[:-1]:
        spec.opened_on = world.day(today - timedelta(days=600), today - timedelta(days=30))
        spec.rag = rng.choices(("red", "amber", "green"), weights=(3, 5, 2))[0]
    for spec in victims:
        officer = world.officer(spec.lead_agency)
        spec.lead_officer = officer.name
        vulnerable = spec.victims[0].vulnerabilities
        spec.summary = (
            f"{spec.issue.title}. Incidents reported to the police, the council and housing "
            f"since {fmt_date(spec.opened_on - timedelta(days=30))[3:]}."
            + (f" Vulnerability: {vulnerable[0].lower()}{vulnerable[1:]}." if vulnerable else "")
        )
    for spec in world.specs:
        if not spec.lead_officer:
            spec.lead_officer = world.officer(spec.lead_agency).name


def _group_fixups(world: World) -> None:
    """Every configured subgroup and beat gets at least one case."""
    victims = [s for s in world.specs if s.case_type == "victim" and s.issue.kind in ("", "hate")]
    for key in world.subgroup_keys:
        counts: dict[str, int] = {}
        for spec in world.specs:
            counts[spec.subgroup] = counts.get(spec.subgroup, 0) + 1
        if key in counts:
            continue
        spare = next((s for s in victims if counts[s.subgroup] > 1), None)
        if spare is not None:
            spare.subgroup = key
    # Link perpetrators to some victim cases: the group in the same beat, if any.
    perps = [s for s in world.specs if s.case_type == "perpetrator"]
    for spec in world.specs:
        if spec.case_type != "victim" or world.rng.random() > 0.45:
            continue
        same = [p for p in perps if p.beat == spec.beat] or perps
        source = world.rng.choice(same)
        spec.perpetrators = world.rng.sample(source.perpetrators,
                                            k=min(len(source.perpetrators), world.rng.randint(1, 2)))


def _others(world: World) -> None:
    """Neighbours (complainants, witnesses) and residents (background reporters and victims).

    Neighbours are linked to cases but are never an incident's victim, so a quiet victim
    case cannot pick up incidents through them.
    """
    rng = world.rng
    for _ in range(24):
        beat = world.pick_beat()
        world.neighbours.append(world.person((20, 80), beat.code, world.locality_for(beat)))
    target = max(len(world.people) + 20, 152)
    while len(world.people) < target:
        beat = world.pick_beat()
        world.residents.append(world.person((16, 85), beat.code, world.locality_for(beat)))
    for spec in world.specs:
        if spec.case_type == "location" or (spec.case_type == "victim" and rng.random() < 0.3):
            nearby = [p for p in world.neighbours if p.beat == spec.beat] or world.neighbours
            spec.complainants = rng.sample(nearby, k=min(len(nearby), rng.randint(1, 2)))


def open_cases(world: World) -> None:
    """The cases in the order they were opened, each with its people and places."""
    order = sorted(range(len(world.specs)), key=lambda i: (world.specs[i].opened_on, i))
    parties = []
    for i in order:
        spec = world.specs[i]
        spec.case = open_case(
            world.session, case_type=spec.case_type, title=spec.title[:200],
            subgroup=spec.subgroup, lead_agency=spec.lead_agency, opened_on=spec.opened_on,
            summary=spec.summary, lead_officer=spec.lead_officer, priority=spec.priority,
            beat=spec.beat, rag=spec.rag,
            status="closed" if spec.closed_on else "open", closed_on=spec.closed_on,
            closure_reason=spec.closure_reason,
        )
        links: list[tuple[str, Person | Location, bool]] = []
        if spec.case_type == "location":
            links.append(("location of concern", spec.location, True))
        for n, person in enumerate(spec.victims):
            links.append(("victim", person, n == 0))
        links += [("household member", p, False) for p in spec.household]
        links += [("perpetrator", p, spec.case_type == "perpetrator" and n == 0)
                  for n, p in enumerate(spec.perpetrators)]
        links += [("parent/carer", p, False) for p in spec.parents]
        links += [("complainant", p, False) for p in spec.complainants]
        for role, subject, primary in links:
            assert role in PARTY_ROLES
            is_place = isinstance(subject, Location)
            parties.append(CaseParty(
                case_id=spec.case.id, role=role, primary=primary,
                person_id=None if is_place else subject.id,
                location_id=subject.id if is_place else None,
            ))
    world.session.add_all(parties)
    world.session.flush()
