"""A county-sized database for benchmarks: years of invented data, fast.

``build_scale(store, cfg, today, cases=10_000)`` writes, per 10,000 cases,
30,000 people, 5,000 locations, 100,000 incidents over five years, 20,000
actions and 150 meetings, with the skew real data has: a few repeat victims
and hot locations hold many incidents (Pareto-weighted choice). Rows go in with
bulk INSERTs in one transaction (no per-row ORM work, no per-row audit), then
one audit entry records the build. Names and places are the invented ones of
``jagtui.demo.data``; nothing here is real.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert
from sqlmodel import Session

from jagtui.config import Config
from jagtui.demo.build import ensure_empty
from jagtui.demo.data import FIRST_NAMES, STREET_STEMS, STREET_SUFFIXES, SURNAMES
from jagtui.rules.dates import action_ref
from jagtui.store import audit
from jagtui.store.db import Store
from jagtui.store.users import add_user, get_user
from jagtui.store.models import (
    Action, Case, CaseParty, Incident, IncidentParty, Intervention, Location, Meeting, MeetingItem,
    Person, RiskAssessment,
)

YEARS = 5
CHUNK = 5_000


@dataclass(frozen=True)
class ScaleSummary:
    cases: int
    people: int
    locations: int
    incidents: int
    actions: int
    meetings: int

    def __str__(self) -> str:
        return ", ".join(f"{value:,} {name}" for name, value in vars(self).items())


class _Weighted:
    """Pick ids with a heavy tail: a few are chosen very often."""

    def __init__(self, rng: random.Random, ids: list[int], alpha: float) -> None:
        self.ids = ids
        self.cumulative = list(itertools.accumulate(rng.paretovariate(alpha) for _ in ids))
        self.rng = rng

    def pick(self) -> int:
        point = self.rng.random() * self.cumulative[-1]
        return self.ids[bisect.bisect_left(self.cumulative, point)]


def _stamp(now: datetime) -> dict:
    return {"created_at": now, "updated_at": now, "created_by": "bench", "updated_by": "bench",
            "version": 1}


def _bulk(session: Session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def build_scale(store: Store, cfg: Config, today: date, cases: int = 10_000,
                seed: int = 7) -> ScaleSummary:
    """Fill an empty database with ``cases`` cases and everything in proportion."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    base = _stamp(now)
    n_people, n_places = cases * 3, max(cases // 2, 10)
    n_incidents, n_actions = cases * 10, cases * 2
    n_meetings = max(150 * cases // 10_000, 3)
    beats = [beat for beat in cfg.beats]
    subgroups = [s.key for s in cfg.subgroups]
    agencies = [a.key for a in cfg.agencies]
    categories = [c.key for c in cfg.categories]
    category_weights = [8 if c.asb else 2 for c in cfg.categories]
    sources = ("police", "council", "housing", "sentinel")
    span = YEARS * 365

    def day_in_span() -> date:
        return today - timedelta(days=int(rng.random() ** 0.8 * span))

    people = []
    for pid in range(1, n_people + 1):
        beat = rng.choice(beats)
        people.append({**base, "id": pid,
                       "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                       "date_of_birth": today - timedelta(days=rng.randint(11 * 365, 90 * 365)),
                       "address": f"{rng.randint(1, 199)} {rng.choice(STREET_STEMS)} "
                                  f"{rng.choice(STREET_SUFFIXES)}, {rng.choice(beat.localities)}",
                       "postcode": f"LE{rng.randint(11, 12)} {rng.randint(1, 9)}ZZ",
                       "beat": beat.code, "phone": "", "vulnerabilities": "", "notes": ""})
    places = []
    for lid in range(1, n_places + 1):
        beat = rng.choice(beats)
        locality = rng.choice(beat.localities)
        places.append({**base, "id": lid,
                       "name": f"{rng.choice(STREET_STEMS)} {rng.choice(('Park', 'Parade', 'Underpass', 'Shops', 'Rec'))}",
                       "address": locality, "postcode": "", "beat": beat.code, "locality": locality,
                       "kind": "public space", "notes": ""})

    case_rows, parties = [], []
    person_ids = list(range(1, n_people + 1))
    rng.shuffle(person_ids)
    for cid in range(1, cases + 1):
        kind = rng.choices(("victim", "perpetrator", "location"), (6, 3, 1))[0]
        opened = day_in_span()
        closed = opened + timedelta(days=rng.randint(30, 400)) if rng.random() < 0.7 else None
        if closed and closed >= today:
            closed = None
        beat = rng.choice(beats).code
        case_rows.append({**base, "id": cid, "reference": f"JAG-{opened:%y}-{cid:05d}",
                          "case_type": kind, "title": f"Case {cid}", "summary": "",
                          "subgroup": rng.choice(subgroups), "lead_agency": rng.choice(agencies),
                          "lead_officer": "", "priority": rng.choice(cfg.priorities).key,
                          "beat": beat, "status": "closed" if closed else "open",
                          "rag": rng.choice(("red", "amber", "green")), "opened_on": opened,
                          "closed_on": closed, "closure_reason": "Resolved" if closed else ""})
        if kind == "location":
            parties.append({**base, "case_id": cid, "person_id": None,
                            "location_id": rng.randint(1, n_places), "role": "location of concern",
                            "primary": True})
        else:
            parties.append({**base, "case_id": cid, "person_id": person_ids[(cid - 1) % n_people],
                            "location_id": None, "role": kind, "primary": True})

    victims = _Weighted(rng, list(range(1, n_people + 1)), 1.2)
    hot_places = _Weighted(rng, list(range(1, n_places + 1)), 1.1)
    incident_rows, incident_parties = [], []
    for iid in range(1, n_incidents + 1):
        source = rng.choice(sources)
        incident_rows.append({**base, "id": iid, "occurred_on": day_in_span(),
                              "category": rng.choices(categories, category_weights)[0],
                              "source": source, "source_ref": f"{source[:3].upper()}-{iid:07d}",
                              "location_id": hot_places.pick() if rng.random() < 0.6 else None,
                              "beat": rng.choice(beats).code, "hate": rng.random() < 0.03,
                              "description": "Reported ASB"})
        incident_parties.append({**base, "incident_id": iid, "person_id": victims.pick(),
                                 "role": "victim"})
        if rng.random() < 0.4:
            incident_parties.append({**base, "incident_id": iid,
                                     "person_id": rng.randint(1, n_people), "role": "perpetrator"})
    # A victim reported twice on one incident would break the unique key.
    incident_parties = list({(p["incident_id"], p["person_id"], p["role"]): p
                             for p in incident_parties}.values())

    risks = []
    for case in case_rows:
        if case["case_type"] == "victim":
            assessed = case["opened_on"] + timedelta(days=rng.randint(0, 30))
            level = rng.choices(("standard", "medium", "high"), (5, 3, 1))[0]
            risks.append({**base, "case_id": case["id"], "person_id": None,
                          "assessed_on": assessed, "assessor": "PC Bench", "answers": {},
                          "score": {"standard": 5, "medium": 15, "high": 25}[level],
                          "level": level, "computed_level": level, "override_reason": "",
                          "review_due": assessed + timedelta(days=28)})
    interventions = []
    ladder = [step.key for step in cfg.ladder]
    for case in case_rows:
        if case["case_type"] == "perpetrator":
            for step in ladder[: rng.randint(1, 3)]:
                issued = case["opened_on"] + timedelta(days=rng.randint(0, 200))
                interventions.append({**base, "case_id": case["id"], "person_id": None,
                                      "step": step, "issuing_agency": rng.choice(agencies),
                                      "issued_on": issued, "review_on": issued + timedelta(days=180),
                                      "outcome": rng.choice(("active", "complied", "breached")),
                                      "notes": ""})

    meeting_rows, items = [], []
    first = today - timedelta(weeks=6 * n_meetings)
    for mid in range(1, n_meetings + 1):
        held = first + timedelta(weeks=6 * mid)
        meeting_rows.append({**base, "id": mid, "held_on": held, "starts_at": "10:00",
                             "place": cfg.meetings.default_place, "subgroup": rng.choice(subgroups),
                             "chair": "Chair Bench", "status": "final",
                             "confidentiality_ack_at": now, "ended_at": now,
                             "next_meeting_on": held + timedelta(weeks=6)})
    action_rows = []
    for aid in range(1, n_actions + 1):
        mid = rng.randint(1, n_meetings)
        held = meeting_rows[mid - 1]["held_on"]
        due = held + timedelta(weeks=6)
        action_rows.append({**base, "id": aid, "ref": action_ref(held, rng.randint(3, 12)),
                            "meeting_id": mid, "item_id": None, "case_id": rng.randint(1, cases),
                            "text": "Visit and update the JAG", "owner": "PC Bench",
                            "owner_agency": rng.choice(agencies), "due_on": due,
                            "status": "open" if due > today - timedelta(days=90) else "complete",
                            "completed_on": None})

    with store.write() as session:
        session.info["audit"] = False
        ensure_empty(session, store)
        if get_user(session, store.login) is None:
            add_user(session, store.login, "Benchmark administrator", role="admin")
        for model, rows in ((Person, people), (Location, places), (Case, case_rows),
                            (CaseParty, parties), (Incident, incident_rows),
                            (IncidentParty, incident_parties), (RiskAssessment, risks),
                            (Intervention, interventions), (Meeting, meeting_rows),
                            (MeetingItem, items), (Action, action_rows)):
            if rows:
                _bulk(session, model, rows)
        summary = ScaleSummary(cases, n_people, n_places, n_incidents, n_actions, n_meetings)
        audit.record(session, "demo", scale=vars(summary), seed=seed)
    if store.engine.dialect.name == "postgresql":
        _reset_sequences(store)
    return summary


def _reset_sequences(store: Store) -> None:
    """Explicit ids bypass PostgreSQL's sequences; move them past the rows written."""
    from sqlalchemy import text

    with store.write() as session:
        for table in ("people", "locations", "cases", "incidents", "meetings", "actions"):
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 1))"))
