"""``build_demo``: the stages in order, in one transaction, and what they wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.demo import cases, casework, incidents, meetings, plan, referrals  # the stages
from jagtui.demo.data import DEMO_USERS
from jagtui.demo.world import World
from jagtui.store import audit
from jagtui.store.db import Store
from jagtui.store.errors import StoreError
from jagtui.store.models import (
    ROLES, Action, Breach, Case, Incident, Intervention, Location, Meeting, Person, PlanAction,
    PlanPriority, PlanUpdate, RiskAssessment, User,
)
from jagtui.store.users import add_user, get_user


@dataclass(frozen=True)
class DemoSummary:
    """What ``build_demo`` wrote: one count per kind of record."""

    cases: int
    open_cases: int
    people: int
    locations: int
    incidents: int
    risk_assessments: int
    interventions: int
    breaches: int
    meetings: int
    actions: int
    open_actions: int
    plan_actions: int
    plan_updates: int
    users: int

    def __str__(self) -> str:
        return (f"{self.cases} cases ({self.open_cases} open), {self.people} people, "
                f"{self.locations} locations, {self.incidents:,} incidents, "
                f"{self.risk_assessments} risk assessments, {self.interventions} interventions, "
                f"{self.meetings} meetings, {self.actions} actions, {self.plan_actions} plan actions")


def build_demo(store: Store, cfg: Config, today: date, seed: int = 2026) -> DemoSummary:
    """Fill an empty database with invented data; the same seed and today give the same data.

    Raises StoreError if the database already holds cases, people or other records.
    """
    with store.write() as session:
        session.info["audit"] = False
        ensure_empty(session, store)
        _build(World(session, store, cfg, today, seed))
        summary = _summary(session)
        audit.record(session, "demo", note="Demo data built: all names and addresses are invented",
                     seed=seed, today=today.isoformat(), **_counts(summary))
    return summary


def _build(world: World) -> None:
    """The stages in order: each draws from the one generator where the last left off."""
    _users(world)
    world.make_locations()
    cases.plan_cases(world)
    world.session.add_all(world.locations)
    world.session.add_all(world.people)
    world.session.flush()
    cases.open_cases(world)
    incidents.make_incidents(world)
    incidents.write_incidents(world)
    casework.risk_assessments(world)
    casework.interventions(world)
    meetings.hold_meetings(world)
    plan.write_plan(world)
    referrals.make_referrals(world)  # last: its own generator, so nothing above changes


def _users(world: World) -> None:
    if get_user(world.session, world.store.login) is None:
        add_user(world.session, world.store.login, "Demo administrator",
                 world.agency("CBC-ASB"), "admin" if "admin" in ROLES else ROLES[0])
    for login, name, agency, role in DEMO_USERS:
        if login != world.store.login and role in ROLES:
            add_user(world.session, login, name, world.agency(agency), role)


def ensure_empty(session: Session, store: Store) -> None:
    for model, what in ((Case, "cases"), (Person, "people"), (Location, "locations"),
                        (Incident, "incidents"), (Meeting, "meetings"), (Action, "actions"),
                        (PlanPriority, "plan priorities")):
        count = session.scalar(select(func.count()).select_from(model))
        if count:
            raise StoreError(
                f"The database at {store.url} is not empty (it holds {count} {what}): "
                "build the demo into a new database"
            )


def _count(session: Session, model, *where) -> int:
    query = select(func.count()).select_from(model)
    if where:
        query = query.where(*where)
    return session.scalar(query) or 0


def _summary(session: Session) -> DemoSummary:
    session.flush()
    return DemoSummary(
        cases=_count(session, Case), open_cases=_count(session, Case, Case.status == "open"),
        people=_count(session, Person), locations=_count(session, Location),
        incidents=_count(session, Incident), risk_assessments=_count(session, RiskAssessment),
        interventions=_count(session, Intervention), breaches=_count(session, Breach),
        meetings=_count(session, Meeting), actions=_count(session, Action),
        open_actions=_count(session, Action, Action.status == "open"),
        plan_actions=_count(session, PlanAction), plan_updates=_count(session, PlanUpdate),
        users=_count(session, User),
    )


def _counts(summary: DemoSummary) -> dict[str, int]:
    return {name: getattr(summary, name) for name in summary.__dataclass_fields__}
