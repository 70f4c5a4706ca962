"""The case list and the flag board count incidents in SQL; they must say exactly
what the rules say over every incident.

Reference for a case (as the case file works it out): all its incidents
(``store.incidents.case_incidents``), ``rules.harm.harm_from_incidents`` for
harm and trend, and the flag rules over the incidents up to today, called one
by one as ``caselist.case_flags`` did before the list counted in SQL.
Reference for the board: the rules over every victim's and every place's
incidents, worked out here in plain Python. Both are compared on the demo data
and on generated data full of edge cases (duplicate refs, an incident reaching a
case twice, window edges at exactly N months, future dates, hate incidents), on
SQLite and PostgreSQL, with the case list's queries naming a few cases by id and
naming many by their filter.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from jagtui.demo import build_demo
from jagtui.rules import flags as rules
from jagtui.rules.dates import fmt_date, months_before
from jagtui.rules.facts import IncidentFact
from jagtui.rules.harm import harm_from_incidents, windows
from jagtui.store import caselist, cases, incidents, people, risk
from jagtui.store.caselist import case_flags, case_rows
from jagtui.store.errors import Invalid
from jagtui.store.flagboard import REFERRAL_RULE, FlagLine, flag_board
from jagtui.store.incidents import case_incidents
from jagtui.store.referral_tables import Referral
from jagtui.store.models import (
    INCIDENT_SOURCES, Case, CaseParty, Incident, IncidentParty, Location, Person, RiskAssessment,
    User,
)

TODAY = date(2026, 11, 22)
UNKNOWN = "RETIRED-CATEGORY"  # in the database, no longer in the config: weighs nothing


def _few_or_many(monkeypatch, how: str) -> None:
    """The list names a few cases to the database by id, many by their filter: force one."""
    if how == "many":
        monkeypatch.setattr(caselist, "FEW_CASES", 0)


@pytest.fixture(params=["few", "many"])
def paths(request, monkeypatch):
    _few_or_many(monkeypatch, request.param)
    return request.param


# -- reference ---------------------------------------------------------------------------------


def _youngest(session, case_ids) -> dict[int, date]:
    found: dict[int, date] = {}
    for case_id, born in session.execute(
        select(CaseParty.case_id, Person.date_of_birth)
        .join(Person, Person.id == CaseParty.person_id)
        .join(Case, Case.id == CaseParty.case_id)
        .where(CaseParty.case_id.in_(case_ids), CaseParty.role == Case.case_type,
               Person.date_of_birth.is_not(None))
    ):
        found[case_id] = max(born, found.get(case_id, born))
    return found


def _reference_flags(cfg, today, case, incidents, risk, youngest) -> tuple:
    victim_facts = [item.fact for item in incidents if item.as_victim]
    rules_cfg = cfg.flags
    level, review_due = risk or (None, None)
    is_victim = case.case_type == "victim"
    found = [
        rules.community_trigger(victim_facts, rules_cfg.community_trigger, cfg.categories, today)
        if is_victim else None,
        rules.repeat_victim(victim_facts, rules_cfg.repeat_victim, cfg.categories, today)
        if is_victim else None,
        rules.hate_flag([i.fact for i in incidents], rules_cfg.community_trigger.months, today),
        rules.vulnerable_flag(level) if is_victim else None,
        rules.review_overdue_flag(review_due, today) if case.status == "open" else None,
        rules.youth_flag(youngest, today, rules_cfg.youth_under),
    ]
    if case.case_type == "location":
        found.append(rules.repeat_location([i.fact for i in incidents], rules_cfg.repeat_location,
                                           today))
    return tuple(flag for flag in found if flag is not None)


def _check_case_list(session, cfg, today: date, **filters) -> int:
    """The list's harm and flags equal the reference for every case it shows."""
    rows = case_rows(session, cfg, today, **filters)
    ids = [row.id for row in rows]
    every = case_incidents(session, ids)
    youngest = _youngest(session, ids)
    for row in rows:
        items = every.get(row.id, [])
        harm = harm_from_incidents([i.fact for i in items], cfg.categories, cfg.harm, today)
        up_to_today = [i for i in items if i.fact.occurred_on <= today]
        risk_now = (row.risk_level, row.risk_review_due) if row.risk_level else None
        flags = _reference_flags(cfg, today, row, up_to_today, risk_now, youngest.get(row.id))
        # The case file's flags, from every incident, too.
        assert case_flags(cfg, today, row, up_to_today, risk_now, youngest.get(row.id)) == flags
        assert (row.reference, row.harm) == (row.reference, harm)
        assert (row.reference, row.flags) == (row.reference, flags)
    return len(rows)


def _open_case_of(session, column) -> dict[int, tuple]:
    """The case the board names: an open one (primary subject, then victim, then newest);
    with none open, the one closed last (a case closed today is not 'no case yet')."""
    ranked = sorted(
        session.execute(
            select(column, Case.id, Case.reference, CaseParty.primary, CaseParty.role,
                   Case.opened_on, Case.status, Case.closed_on)
            .join(Case, Case.id == CaseParty.case_id)
            .where(column.is_not(None))
        ),
        key=lambda r: (r.status != "open", not r.primary, r.role != "victim",
                       -(r.closed_on.toordinal() if r.closed_on else 0),
                       -r.opened_on.toordinal(), -r.id),
    )
    found: dict[int, tuple] = {}
    for subject_id, case_id, reference, _primary, _role, _opened, status, closed_on in ranked:
        found.setdefault(subject_id, (case_id, reference, status == "open", closed_on))
    return found


def _line(flag, subject, is_person, locality, beat, case, person_id=None, location_id=None):
    case_id, reference, is_open, closed_on = case or (None, None, True, None)
    return FlagLine(flag.code, subject, is_person, locality, beat, flag.rule, flag.reason,
                    flag.refs, flag.since, case_id, reference, person_id, location_id, is_open,
                    closed_on)


def _reference_board(session, cfg, today: date) -> list[FlagLine]:
    rv, ct, rl = cfg.flags.repeat_victim, cfg.flags.community_trigger, cfg.flags.repeat_location
    start = months_before(today, max(rv.months, ct.months))
    lines = []
    victims, who = defaultdict(list), {}
    for person, incident in session.execute(
        select(Person, Incident).join(IncidentParty, IncidentParty.person_id == Person.id)
        .join(Incident, Incident.id == IncidentParty.incident_id)
        .where(IncidentParty.role == "victim")
    ):
        victims[person.id].append(incident)
        who[person.id] = person
    on_case = _open_case_of(session, CaseParty.person_id)
    for person_id, found in victims.items():
        person = who[person_id]
        facts = [IncidentFact(i.id, i.source_ref, i.occurred_on, i.category, i.hate) for i in found]
        in_window = sorted((i for i in found if start <= i.occurred_on <= today),
                           key=lambda i: (i.occurred_on, i.id))
        beat = person.beat or (in_window[-1].beat if in_window else "")
        for flag in (rules.community_trigger(facts, ct, cfg.categories, today),
                     rules.repeat_victim(facts, rv, cfg.categories, today)):
            if flag is not None:
                lines.append(_line(flag, person.name, True, "", beat, on_case.get(person.id),
                                   person_id=person.id))
    places, where = defaultdict(list), {}
    for place, incident in session.execute(
        select(Location, Incident).join(Incident, Incident.location_id == Location.id)
    ):
        places[place.id].append(IncidentFact(incident.id, incident.source_ref, incident.occurred_on,
                                             incident.category, incident.hate))
        where[place.id] = place
    on_case = _open_case_of(session, CaseParty.location_id)
    for place_id, facts in places.items():
        place = where[place_id]
        flag = rules.repeat_location(facts, rl, today)
        if flag is not None:
            lines.append(_line(flag, place.name, False, place.locality, place.beat,
                               on_case.get(place.id), location_id=place.id))
    for case in session.scalars(select(Case).where(Case.status == "open")):
        latest = session.scalars(
            select(RiskAssessment).where(RiskAssessment.case_id == case.id)
            .order_by(RiskAssessment.assessed_on.desc(), RiskAssessment.id.desc())
        ).first()
        flag = rules.review_overdue_flag(latest.review_due if latest else None, today)
        if flag is None:
            continue
        party = session.scalars(
            select(CaseParty).where(CaseParty.case_id == case.id, CaseParty.primary)
            .order_by(CaseParty.id.desc())
        ).first()
        person = session.get(Person, party.person_id) if party and party.person_id else None
        place = session.get(Location, party.location_id) if party and party.location_id else None
        lines.append(_line(
            flag, person.name if person else place.name if place else case.title,
            person is not None, "" if person or not place else place.locality,
            case.beat or (place.beat if place else ""), (case.id, case.reference, True, None),
            person_id=person.id if person else None, location_id=place.id if place else None,
        ))
    lines += _reference_referral_lines(session, cfg, today)
    return lines


def _reference_referral_lines(session, cfg, today: date) -> list[FlagLine]:
    """Referrals still "made" after their follow-up date, one line per person and case."""
    waiting = defaultdict(list)
    names = {user.login: user.display_name for user in session.scalars(select(User))}
    for referral in session.scalars(select(Referral).order_by(Referral.follow_up_on, Referral.id)):
        if referral.status == "made" and referral.follow_up_on and referral.follow_up_on < today:
            waiting[(referral.person_id, referral.case_id)].append(referral)
    lines = []
    for (person_id, case_id), found in waiting.items():
        person, case = session.get(Person, person_id), session.get(Case, case_id)
        said = "; ".join(f"{cfg.referrals.service_name(r.service)}, made {fmt_date(r.referred_on)} "
                         f"by {names.get(r.made_by, r.made_by)}, follow-up was due {fmt_date(r.follow_up_on)}"
                         for r in found)
        flag = rules.Flag("referral_overdue", REFERRAL_RULE, f"No answer yet: {said}", (),
                          found[0].follow_up_on)
        lines.append(_line(flag, person.name, True, "", person.beat or "",
                           (case.id, case.reference, case.status == "open", case.closed_on),
                           person_id=person.id))
    return lines


def _identity(line: FlagLine) -> tuple:
    return (line.code, line.person_id or 0, line.location_id or 0, line.case_id or 0)


def _check_board(session, cfg, today: date) -> None:
    assert sorted(flag_board(session, cfg, today), key=_identity) == sorted(
        _reference_board(session, cfg, today), key=_identity)


# -- the demo data -----------------------------------------------------------------------------


def test_the_demo_data_matches_the_reference(store, cfg):
    build_demo(store, cfg, TODAY)
    for how in ("few", "many"):
        with pytest.MonkeyPatch.context() as monkeypatch, store.read() as session:
            _few_or_many(monkeypatch, how)
            assert _check_case_list(session, cfg, TODAY, status=None) > 50
            # A later day moves every window edge over the same incidents.
            _check_case_list(session, cfg, TODAY + timedelta(days=45))
            _check_case_list(session, cfg, TODAY, subgroup="JAG")
    with store.read() as session:
        _check_board(session, cfg, TODAY)
        _check_board(session, cfg, TODAY + timedelta(days=45))


# -- generated data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """An invented neighbourhood: people, places, cases and incidents, as indexes."""

    today: date
    births: tuple[date | None, ...]  # one per person
    places: int
    cases: tuple  # (type, closed, parties: ((role, person or None, place or None, primary), ...))
    incidents: tuple  # (day, category, hate, ref, place or None, people: ((person, role), ...))
    assessments: tuple  # (case, assessed on, review due)


# Days whose month-end clamping moves the N-month window starts about.
TODAYS = (TODAY, date(2026, 5, 31), date(2024, 2, 29), date(2026, 3, 31))
ROLES = ("victim", "perpetrator", "household member", "witness", "location of concern")


def _edge_days(today: date, cfg) -> list[date]:
    previous_start, current_start, _ = windows(today, cfg.harm.window_days)
    edges = [today, today + timedelta(days=1), today + timedelta(days=40), previous_start,
             current_start]
    for months in (cfg.flags.repeat_victim.months, cfg.flags.community_trigger.months,
                   cfg.flags.repeat_location.months):
        edges.append(months_before(today, months))
    return edges + [day - timedelta(days=1) for day in edges]


def _stricter(cfg):
    """Other thresholds and windows, so that no rule is implied by another."""
    flags = cfg.flags
    return cfg.model_copy(update={"flags": flags.model_copy(update={
        "repeat_victim": flags.repeat_victim.model_copy(
            update={"count": 2, "months": 1, "same_category": True}),
        "community_trigger": flags.community_trigger.model_copy(update={"hate_count": 2}),
        "repeat_location": flags.repeat_location.model_copy(update={"count": 2, "months": 2}),
    })})


@st.composite
def plans(draw, cfg) -> Plan:
    today = draw(st.sampled_from(TODAYS))
    n_people, n_places = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    born = st.sampled_from([date(today.year - age, today.month, 1) for age in (10, 17, 18, 19, 40)])
    births = tuple(draw(st.one_of(st.none(), born)) for _ in range(n_people))
    person, place = st.integers(0, n_people - 1), st.integers(0, max(n_places - 1, 0))

    @st.composite
    def party(draw):
        role = draw(st.sampled_from(ROLES))
        if n_places and (role == "location of concern" or draw(st.booleans())):
            return ("location of concern", None, draw(place), draw(st.booleans()))
        return (role if role != "location of concern" else "victim", draw(person), None,
                draw(st.booleans()))

    case_plans = tuple(draw(st.lists(st.tuples(
        st.sampled_from(("victim", "victim", "perpetrator", "location")), st.booleans(),
        st.lists(party(), min_size=1, max_size=3).map(tuple)), min_size=1, max_size=4)))
    # Mostly on a window's edge and mostly ASB, so that thresholds are met on the edge.
    edge = st.sampled_from(_edge_days(today, cfg))
    day = st.one_of(edge, edge, edge,
                    st.integers(-60, 400).map(lambda back: today - timedelta(days=back)))
    asb = st.sampled_from([c.key for c in cfg.categories if c.asb])
    category = st.one_of(asb, asb, st.sampled_from([*(c.key for c in cfg.categories), UNKNOWN]))
    incident_plans = tuple(draw(st.lists(st.tuples(
        day, category, st.booleans(),
        st.sampled_from(["R1", "r1 ", " R1", "R2", "R3", "R4", ""]),
        st.one_of(st.none(), place) if n_places else st.none(),
        st.lists(st.tuples(person, st.sampled_from(("victim", "perpetrator", "witness"))),
                 max_size=3, unique=True).map(tuple),
    ), max_size=14)))
    assessments = tuple(draw(st.lists(st.tuples(
        st.integers(0, len(case_plans) - 1), st.integers(0, 60), st.integers(-20, 20)),
        max_size=3)))
    return Plan(today, births, n_places, case_plans, incident_plans, assessments)


def _build(store, cfg, plan: Plan, tag: str) -> list[int]:
    """Insert the plan (names made unique by ``tag``); the ids of its cases."""
    categories = [*(c.key for c in cfg.categories), UNKNOWN]
    with store.write() as session:
        persons = [people.add_person(session, f"{tag} person {n}", date_of_birth=born,
                                     beat="" if n % 2 else "62").id
                   for n, born in enumerate(plan.births)]
        places = [people.add_location(session, f"{tag} place {n}", locality="Quorn", beat="56").id
                  for n in range(plan.places)]
        case_ids = []
        for n, (case_type, closed, parties) in enumerate(plan.cases):
            case = cases.open_case(session, case_type=case_type, title=f"{tag} case {n}",
                                   subgroup="JAG", lead_agency="POLICE",
                                   opened_on=plan.today - timedelta(days=100 + n),
                                   reference=f"{tag}-{n}")
            linked = set()
            for role, who, where, primary in parties:
                key = (who, where)
                if key not in linked:
                    linked.add(key)
                    cases.link_party(session, case.id, role, primary=primary,
                                     person_id=None if who is None else persons[who],
                                     location_id=None if where is None else places[where])
            if closed:
                cases.close_case(session, case.id, None, plan.today, "Resolved")
            case_ids.append(case.id)
        for n, (day, category, hate, ref, where, involved) in enumerate(plan.incidents):
            # The same ref from another source is the same incident reported twice.
            incidents.add_incident(
                session, occurred_on=day, category=category, source=INCIDENT_SOURCES[n % 5],
                source_ref=f"{tag}{ref}" if n < 5 else f"{tag}{ref}#{n}", categories=categories,
                hate=hate, location_id=None if where is None else places[where],
                people=[(persons[who], role) for who, role in involved])
        for which, days_ago, due_in in plan.assessments:
            # A case with no victim to assess (a perpetrator's) is refused: drawn, not kept.
            with suppress(Invalid):
                risk.record_assessment(session, cfg.risk, case_id=case_ids[which],
                                       assessed_on=plan.today - timedelta(days=days_ago),
                                       assessor="PC Example", answers={"ongoing": 1},
                                       review_due=plan.today + timedelta(days=due_in))
    return case_ids


GENERATED = settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def tags():
    return iter(f"G{n:04d}" for n in range(10_000))


@pytest.mark.parametrize("rules", ["shipped", "stricter"])
def test_generated_neighbourhoods_match_the_reference(store, cfg, paths, tags, rules):
    cfg = cfg if rules == "shipped" else _stricter(cfg)

    @GENERATED
    @given(plan=plans(cfg))
    def check(plan):
        case_ids = _build(store, cfg, plan, next(tags))
        with store.read() as session:
            assert _check_case_list(session, cfg, plan.today, status=None,
                                    case_ids=case_ids) == len(case_ids)
            _check_board(session, cfg, plan.today)

    check()


def test_an_incident_reaching_a_case_twice_counts_once(store, cfg, paths):
    """As victim and perpetrator, and through the person and the place: one incident."""
    with store.write() as session:
        ann = people.add_person(session, "Ann Twice")
        park = people.add_location(session, "Twice Park", locality="Quorn", beat="56")
        case = cases.open_case(session, case_type="victim", title="Ann", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY - timedelta(days=10))
        cases.link_party(session, case.id, "victim", person_id=ann.id, primary=True)
        cases.link_party(session, case.id, "location of concern", location_id=park.id)
        for n in range(2):
            incidents.add_incident(
                session, occurred_on=TODAY - timedelta(days=n), category="ASB-PERSONAL",
                source="police", source_ref=f"TW-{n}", categories=[c.key for c in cfg.categories],
                location_id=park.id, people=[(ann.id, "victim"), (ann.id, "perpetrator")])
    with store.read() as session:
        (row,) = case_rows(session, cfg, TODAY)
        assert _check_case_list(session, cfg, TODAY) == 1
    assert row.harm.index == 2 * cfg.category_by_key["ASB-PERSONAL"].harm_weight
    assert [(d.category, d.count) for d in row.harm.drivers] == [("ASB-PERSONAL", 2)]
    assert not row.has_flag("community_trigger")  # two incidents, not four


# -- each rule alone, on its window's first day --------------------------------------------------

EDGES = {
    # rule: (rules, case type, the incident's role, category, hate, the other incidents' days ago)
    "community_trigger": ("shipped", "victim", "victim", "ASB-NUISANCE", False, (100, 120)),
    "repeat_victim": ("stricter", "victim", "victim", "ASB-NUISANCE", False, (3,)),
    "trigger by hate": ("stricter", "victim", "victim", "THEFT", True, (10,)),
    "hate": ("shipped", "perpetrator", "perpetrator", "THEFT", True, ()),
    "repeat_location": ("stricter", "location", None, "THEFT", False, (5,)),
}
WINDOW_MONTHS = {"community_trigger": 6, "repeat_victim": 1, "trigger by hate": 6, "hate": 6,
                 "repeat_location": 2}


@pytest.mark.parametrize("rule", EDGES)
@pytest.mark.parametrize("late", [0, 1], ids=["first day", "day before"])
def test_each_rule_counts_the_first_day_of_its_window(store, cfg, paths, rule, late):
    rules_used, case_type, role, category, hate, others = EDGES[rule]
    cfg = cfg if rules_used == "shipped" else _stricter(cfg)
    code = "community_trigger" if rule == "trigger by hate" else rule
    edge = months_before(TODAY, WINDOW_MONTHS[rule]) - timedelta(days=late)
    with store.write() as session:
        person = people.add_person(session, "Edge Person")
        place = people.add_location(session, "Edge Place", locality="Quorn", beat="56")
        case = cases.open_case(session, case_type=case_type, title="Edge", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY - timedelta(days=300))
        if role is None:
            cases.link_party(session, case.id, "location of concern", location_id=place.id,
                             primary=True)
        else:
            cases.link_party(session, case.id, role, person_id=person.id, primary=True)
        for n, day in enumerate([edge, *(TODAY - timedelta(days=d) for d in others)]):
            incidents.add_incident(
                session, occurred_on=day, category=category, source="police", source_ref=f"E-{n}",
                categories=[c.key for c in cfg.categories], hate=hate,
                location_id=place.id if role is None else None,
                people=[] if role is None else [(person.id, role)])
    with store.read() as session:
        (row,) = case_rows(session, cfg, TODAY)
        board = {line.code for line in flag_board(session, cfg, TODAY)} - {"review_overdue"}
        _check_case_list(session, cfg, TODAY)
        _check_board(session, cfg, TODAY)
    assert row.has_flag(code) == (not late)
    if code != "hate":
        assert board == (set() if late else {code})
