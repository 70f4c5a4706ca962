"""Tests for jagtui.demo: the invented demo database."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from jagtui.config import Keyed, LadderStep, Priority
from jagtui.demo import DemoSummary, build_demo
from jagtui.rules import risk as risk_rules
from jagtui.rules.dates import action_ref, financial_quarter, months_before
from jagtui.store.caselist import case_rows
from jagtui.store.db import create_store
from jagtui.store.errors import StoreError
from jagtui.store.models import (
    PLAN_STATUSES, ROLES, Action, ActionUpdate, Attendance, AuditEntry, Breach, Case, CaseParty,
    Incident, IncidentParty, Intervention, ItemNote, Location, Meeting, MeetingItem, Person,
    PlanAction, PlanObjective, PlanPriority, PlanUpdate, RiskAssessment, User,
)

TODAY = date(2026, 11, 22)


def _build(path, cfg, seed: int = 2026, today: date = TODAY):
    store = create_store(f"sqlite:///{path}", "tester")
    started = time.perf_counter()
    summary = build_demo(store, cfg, today, seed=seed)
    return store, summary, time.perf_counter() - started


@pytest.fixture(scope="module")
def demo(tmp_path_factory, cfg):
    store, summary, seconds = _build(tmp_path_factory.mktemp("demo") / "d.db", cfg)
    yield store, summary, seconds
    store.dispose()


@pytest.fixture
def session(demo):
    store, _summary, _seconds = demo
    with store.read() as session:
        yield session


def count(session, model, *where) -> int:
    query = select(func.count()).select_from(model)
    return session.scalar(query.where(*where) if where else query)


# --- counts ---------------------------------------------------------------------------------


def test_summary_matches_the_database(session, demo):
    _store, summary, _seconds = demo
    assert isinstance(summary, DemoSummary)
    assert summary.cases == count(session, Case) >= 55
    assert summary.open_cases == count(session, Case, Case.status == "open")
    assert summary.people == count(session, Person) >= 140
    assert summary.locations == count(session, Location) >= 35
    assert summary.incidents == count(session, Incident) >= 1000
    assert summary.meetings == count(session, Meeting) >= 3
    assert summary.users == count(session, User) == 5
    assert "cases" in str(summary) and "incidents" in str(summary)


def test_builds_in_under_ten_seconds(demo):
    _store, _summary, seconds = demo
    assert seconds < 10


# --- cases, people, locations ---------------------------------------------------------------


def test_cases_cover_every_type_subgroup_beat_and_priority(session, cfg):
    cases = list(session.scalars(select(Case)))
    assert {c.case_type for c in cases} == {"victim", "perpetrator", "location"}
    types = Counter(c.case_type for c in cases)
    assert types["victim"] > types["perpetrator"] and types["victim"] > types["location"]
    assert {c.subgroup for c in cases} == {s.key for s in cfg.subgroups}
    assert {c.beat for c in cases} == {b.code for b in cfg.beats}
    assert {c.priority for c in cases} <= {p.key for p in cfg.priorities}
    assert {c.lead_agency for c in cases} <= {a.key for a in cfg.agencies}
    assert all(c.lead_officer for c in cases)
    assert {c.rag for c in cases} == {"red", "amber", "green"}
    for case in cases:
        assert re.fullmatch(rf"JAG-{case.opened_on:%y}-\d{{4}}", case.reference)
        assert case.opened_on <= TODAY


def test_some_cases_are_closed_with_reasons(session):
    closed = list(session.scalars(select(Case).where(Case.status == "closed")))
    assert 6 <= len(closed) <= 10
    for case in closed:
        assert case.closure_reason
        assert case.opened_on < case.closed_on <= TODAY
    assert count(session, Case, Case.status == "open", Case.closed_on.is_not(None)) == 0


def test_every_case_has_a_primary_subject(session):
    primaries = Counter(session.scalars(select(CaseParty.case_id).where(CaseParty.primary)))
    assert set(primaries) == set(session.scalars(select(Case.id)))
    assert set(primaries.values()) == {1}
    perp_parents = session.scalar(
        select(func.count()).select_from(CaseParty).join(Case, Case.id == CaseParty.case_id)
        .where(Case.case_type == "perpetrator", CaseParty.role == "parent/carer")
    )
    assert perp_parents >= 5


def test_people_are_invented_with_young_and_old(session, cfg):
    people = list(session.scalars(select(Person)))
    ages = [(TODAY - p.date_of_birth).days // 365 for p in people]
    assert sum(age < 18 for age in ages) >= 10
    assert sum(age > 75 for age in ages) >= 3
    assert sum(bool(p.vulnerabilities) for p in people) >= 15
    beats = {b.code for b in cfg.beats}
    for person in people:
        assert person.beat in beats
        # Inward codes ending ZZ/ZY/ZX: not allocated to real addresses.
        assert re.fullmatch(r"LE\d{1,2} \dZ[ZYX]", person.postcode), person.postcode
        assert person.address
        assert not person.phone or person.phone.startswith("07700 900")


def test_locations_sit_in_configured_beats_and_localities(session, cfg):
    localities = {b.code: set(b.localities) for b in cfg.beats}
    locations = list(session.scalars(select(Location)))
    for location in locations:
        assert location.locality in localities[location.beat]
        assert location.kind
    assert {"park", "shop parade", "underpass", "estate"} <= {loc.kind for loc in locations}


# --- incidents ------------------------------------------------------------------------------


def test_incidents_span_two_years_with_plausible_refs(session, cfg):
    first = session.scalar(select(func.min(Incident.occurred_on)))
    last = session.scalar(select(func.max(Incident.occurred_on)))
    assert TODAY - timedelta(days=731) <= first <= TODAY - timedelta(days=600)
    assert TODAY - timedelta(days=7) <= last <= TODAY
    patterns = {
        "police": r"STORM-\d{6}-\d{4}", "sentinel": r"SEN-\d+", "housing": r"HSG-\d+",
        "council": r"CBC-\d+",
    }
    incidents = list(session.scalars(select(Incident)))
    assert {i.source for i in incidents} == set(patterns)
    categories = {c.key: c for c in cfg.categories}
    for incident in incidents:
        assert re.fullmatch(patterns[incident.source], incident.source_ref)
        assert incident.category in categories
        assert incident.description
        if incident.source == "police":
            assert incident.source_ref[6:12] == f"{incident.occurred_on:%y%m%d}"
    asb = sum(categories[i.category].asb for i in incidents)
    assert asb > len(incidents) * 0.7
    assert sum(i.hate for i in incidents) >= 10
    assert sum(i.location_id is not None for i in incidents) > len(incidents) / 2


def test_incidents_are_skewed_to_repeat_victims_and_hot_locations(session):
    roles = Counter(session.scalars(select(IncidentParty.role)))
    assert set(roles) == {"victim", "perpetrator", "witness", "reporter"}
    per_victim = session.execute(
        select(IncidentParty.person_id, func.count()).where(IncidentParty.role == "victim")
        .group_by(IncidentParty.person_id).order_by(func.count().desc())
    ).all()
    assert per_victim[2][1] >= 30  # a few repeat victims hold many incidents
    assert per_victim[len(per_victim) // 2][1] <= 10
    per_place = session.execute(
        select(Incident.location_id, func.count()).where(Incident.location_id.is_not(None))
        .group_by(Incident.location_id).order_by(func.count().desc())
    ).all()
    assert per_place[0][1] >= 60
    assert per_place[-1][1] <= 20


def test_case_list_flags_trigger_and_quiet_victims(session, cfg):
    rows = case_rows(session, cfg, TODAY)
    assert rows and all(row.status == "open" for row in rows)
    triggered = [r for r in rows if r.has_flag("community_trigger")]
    assert len(triggered) >= 3
    assert sum(r.case_type == "victim" for r in triggered) >= 3
    quiet = [r for r in rows if r.case_type == "victim" and not r.has_flag("community_trigger")]
    assert len(quiet) >= 3
    assert sum(r.case_type == "victim" and r.has_flag("repeat_victim") for r in rows) >= 3
    assert sum(r.case_type == "victim" and not r.has_flag("repeat_victim") for r in rows) >= 3
    assert any(r.has_flag("hate") for r in rows)
    assert any(r.has_flag("youth") for r in rows)
    assert any(r.has_flag("repeat_location") for r in rows)
    assert any(r.harm.index > 0 for r in rows)


# --- risk and interventions -----------------------------------------------------------------


def test_risk_assessments_are_scored_by_the_rules(session, cfg):
    assessments = list(session.scalars(select(RiskAssessment)))
    victim_cases = set(session.scalars(select(Case.id).where(Case.case_type == "victim")))
    assert {a.case_id for a in assessments} <= victim_cases
    assert len({a.case_id for a in assessments}) >= len(victim_cases) - 3
    for a in assessments:
        assert set(a.answers) == {q.key for q in cfg.risk.questions}
        result = risk_rules.assess(cfg.risk, a.answers)
        assert a.score == result.score and a.computed_level == result.computed_level
        assert risk_rules.LEVELS.index(a.level) >= risk_rules.LEVELS.index(a.computed_level)
        assert a.override_reason if a.level != a.computed_level else not a.override_reason
        assert a.review_due is not None and a.review_due >= a.assessed_on
        assert a.assessor and a.person_id is not None
    assert {a.level for a in assessments} == set(risk_rules.LEVELS)
    assert any(a.level != a.computed_level for a in assessments)
    history = Counter(a.case_id for a in assessments)
    assert sum(n >= 2 for n in history.values()) >= 5


def test_some_risk_reviews_are_overdue(session, cfg):
    rows = case_rows(session, cfg, TODAY)
    overdue = [r for r in rows if r.has_flag("review_overdue")]
    assert len(overdue) >= 3
    assert all(r.risk_review_due < TODAY for r in overdue)
    assert any(r.risk_review_due and r.risk_review_due >= TODAY for r in rows)


def test_interventions_escalate_with_breaches(session, cfg):
    steps = [s.key for s in cfg.ladder]
    interventions = list(session.scalars(select(Intervention)))
    perpetrator_cases = set(session.scalars(select(Case.id).where(Case.case_type == "perpetrator")))
    assert {i.case_id for i in interventions} == perpetrator_cases
    assert {i.outcome for i in interventions} == {"active", "complied", "breached", "expired"}
    assert len({i.step for i in interventions}) >= 4
    breaches = Counter(session.scalars(select(Breach.intervention_id)))
    for i in interventions:
        assert i.step in steps and i.issuing_agency and i.person_id is not None
        assert i.issued_on <= TODAY
        assert (i.outcome == "breached") == (i.id in breaches)
    for intervention_id in breaches:
        breached = session.get(Intervention, intervention_id)
        dates = session.scalars(select(Breach.breached_on).where(Breach.intervention_id == intervention_id))
        assert all(breached.issued_on <= on <= TODAY for on in dates)
    # An escalation: a breach followed by a higher step for the same person.
    by_person: dict[int, list[Intervention]] = {}
    for i in sorted(interventions, key=lambda i: i.issued_on):
        by_person.setdefault(i.person_id, []).append(i)
    escalations = [
        history for history in by_person.values()
        if any(a.outcome == "breached" and steps.index(b.step) > steps.index(a.step)
               for a, b in zip(history, history[1:]))
    ]
    assert len(escalations) >= 3


# --- meetings and actions -------------------------------------------------------------------


def test_past_meetings_are_final_with_minutes(session, cfg):
    meetings = list(session.scalars(select(Meeting).order_by(Meeting.held_on)))
    assert len(meetings) >= 3
    assert sum(m.subgroup == "JAG" for m in meetings) >= 3
    for meeting in meetings:
        assert meeting.status == "final"
        assert meeting.held_on < TODAY
        assert meeting.confidentiality_ack_at is not None and meeting.ended_at is not None
        assert meeting.ended_at > meeting.confidentiality_ack_at
        assert meeting.next_meeting_on == meeting.held_on + timedelta(weeks=cfg.meetings.cadence_weeks)
        kinds = Counter(session.scalars(select(Attendance.kind).where(Attendance.meeting_id == meeting.id)))
        assert kinds["present"] >= 5 and kinds["apology"] >= 1 and kinds["minutes"] == 1
        items = list(session.scalars(select(MeetingItem).where(MeetingItem.meeting_id == meeting.id)
                                     .order_by(MeetingItem.number)))
        assert [i.number for i in items] == list(range(1, len(items) + 1))
        assert items[0].kind == "apologies" and items[-1].kind == "next meeting"
        case_items = [i for i in items if i.case_id is not None]
        assert case_items and all(i.kind in ("referral", "high risk", "review", "closure")
                                  for i in case_items)
        agreed = list(session.scalars(
            select(ItemNote.text).join(MeetingItem, MeetingItem.id == ItemNote.item_id)
            .where(MeetingItem.meeting_id == meeting.id, ItemNote.kind == "agreed")
        ))
        # Minuted under an AGREED heading, as the runner records them: "That ...".
        assert agreed and all(text.startswith("That ") for text in agreed)
    kinds = set(session.scalars(select(MeetingItem.kind)))
    assert {"referral", "high risk", "review", "closure", "minutes", "actions", "aob"} <= kinds


def test_actions_carry_refs_owners_and_updates(session):
    actions = list(session.scalars(select(Action)))
    assert len(actions) >= 20
    for action in actions:
        meeting = session.get(Meeting, action.meeting_id)
        item = session.get(MeetingItem, action.item_id)
        assert action.ref == action_ref(meeting.held_on, item.number)
        assert action.owner and action.owner_agency and action.due_on > meeting.held_on
        assert action.case_id == item.case_id
        assert (action.status == "complete") == (action.completed_on is not None)
    open_actions = [a for a in actions if a.status == "open"]
    assert open_actions and any(a.status == "complete" for a in actions)
    assert sum(a.due_on < TODAY for a in open_actions) >= 3
    assert any(a.due_on >= TODAY for a in open_actions)
    updates = list(session.scalars(select(ActionUpdate)))
    assert len(updates) >= 10
    assert any(u.meeting_id is not None for u in updates)
    # The action log: an update is never older than the action's meeting.
    for update in updates:
        action = session.get(Action, update.action_id)
        assert update.updated_on >= session.get(Meeting, action.meeting_id).held_on


def test_partnership_plan_has_quarterly_updates(session, cfg):
    priorities = list(session.scalars(select(PlanPriority)))
    assert [p.key for p in priorities] == [p.key for p in cfg.priorities]
    assert all(p.period == "2023-26" for p in priorities)
    for priority in priorities:
        objectives = list(session.scalars(
            select(PlanObjective).where(PlanObjective.priority_id == priority.id)))
        assert 2 <= len(objectives) <= 3
        for objective in objectives:
            assert objective.title and objective.strategy
            actions = list(session.scalars(select(PlanAction).where(PlanAction.objective_id == objective.id)))
            assert 2 <= len(actions) <= 3
            assert all(a.lead and a.ends_on and a.measures and a.resources for a in actions)
    quarters = {financial_quarter(months_before(TODAY, n)) for n in (0, 3, 6)}
    updates = list(session.scalars(select(PlanUpdate)))
    assert updates and {u.quarter for u in updates} == quarters
    assert {u.status for u in updates} <= set(PLAN_STATUSES)
    assert len({u.status for u in updates}) >= 4
    assert all(u.text for u in updates)


def test_users_cover_every_role(session):
    users = {u.login: u for u in session.scalars(select(User))}
    assert users["tester"].role == "admin" and users["tester"].display_name
    assert {u.role for u in users.values()} == set(ROLES)


def test_one_audit_entry_records_the_build(session, demo):
    entries = list(session.scalars(select(AuditEntry)))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.operation == "demo" and entry.login == "tester"
    assert entry.detail["seed"] == 2026 and entry.detail["cases"] == demo[1].cases
    assert all(p.created_by == "tester" for p in session.scalars(select(Person).limit(5)))


# --- determinism, refusal, other configurations ----------------------------------------------


def _fingerprint(store):
    with store.read() as session:
        return (
            list(session.scalars(select(Case.reference).order_by(Case.reference))),
            list(session.scalars(select(Case.title).order_by(Case.reference))),
            list(session.scalars(select(Person.name).order_by(Person.id))),
            count(session, Incident),
            list(session.scalars(select(Incident.source_ref).order_by(Incident.id))),
        )


def test_same_seed_builds_the_same_data(tmp_path, cfg, demo):
    store, _summary, _seconds = _build(tmp_path / "again.db", cfg)
    try:
        assert _fingerprint(store) == _fingerprint(demo[0])
    finally:
        store.dispose()


def test_another_seed_builds_different_data(tmp_path, cfg, demo):
    store, summary, _seconds = _build(tmp_path / "other.db", cfg, seed=7)
    try:
        assert summary.cases >= 55 and summary.incidents >= 1000
        assert _fingerprint(store)[2] != _fingerprint(demo[0])[2]
    finally:
        store.dispose()


def test_refuses_a_database_that_is_not_empty(demo, cfg):
    store, summary, _seconds = demo
    with pytest.raises(StoreError, match="not empty"):
        build_demo(store, cfg, TODAY)
    with store.read() as session:
        assert count(session, Case) == summary.cases
        assert count(session, AuditEntry) == 1


def test_works_with_a_different_partnership(tmp_path, cfg):
    """Other subgroups, agencies, priorities and a shorter ladder: no Charnwood keys assumed."""
    other = cfg.model_copy(update={
        "subgroups": [Keyed(key="MAIN", name="Main group"), Keyed(key="EAST", name="East group")],
        "agencies": [Keyed(key="POL", name="Constabulary"), Keyed(key="DC", name="District Council")],
        "priorities": [Priority(key="A", title="Reduce harm"), Priority(key="B", title="Support victims")],
        "ladder": [LadderStep(key="WARN", name="Warning", review_months=2),
                   LadderStep(key="CONTRACT", name="Contract", review_months=6),
                   LadderStep(key="ORDER", name="Court order", review_months=0)],
    })
    store, summary, _seconds = _build(tmp_path / "other.db", other)
    try:
        with store.read() as session:
            assert {c.subgroup for c in session.scalars(select(Case))} == {"MAIN", "EAST"}
            assert set(session.scalars(select(Case.lead_agency))) <= {"POL", "DC"}
            assert set(session.scalars(select(Intervention.step))) <= {"WARN", "CONTRACT", "ORDER"}
            assert [p.key for p in session.scalars(select(PlanPriority))] == ["A", "B"]
            assert summary.meetings >= 3 and summary.incidents >= 1000
            assert len(case_rows(session, other, TODAY)) == summary.open_cases
    finally:
        store.dispose()
