"""The demo's partnership action plan: the CSP plan's priorities, objectives and actions
(plan.toml), each action with invented updates for the last three quarters."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from jagtui.demo.data import PLAN, PLAN_PERIOD, PLAN_TEXT, STATUS_PATHS
from jagtui.demo.world import World
from jagtui.rules.dates import financial_quarter, months_before
from jagtui.store.models import PLAN_STATUSES
from jagtui.store.plan import add_objective, add_plan_action, add_priority, set_update

def write_plan(world: World) -> None:
    """The CSP plan with the last three quarters' updates (this one's partly in)."""
    rng, today = world.rng, world.today
    quarters = [financial_quarter(months_before(today, 6)), financial_quarter(months_before(today, 3)),
                financial_quarter(today)]
    year_end = date(today.year if today.month < 4 else today.year + 1, 3, 31)
    for priority in world.cfg.priorities:
        row = add_priority(world.session, priority.key, priority.title, PLAN_PERIOD)
        objectives = PLAN.get(priority.key) or (
            (f"Deliver the priority: {priority.title}",
             "Tactical plans are developed by the Joint Action Group and implemented through "
             "the CSP's operating model.",
             ((f"Report progress on {priority.title.lower()} to each Strategic Group meeting.",
               "Strategic Group", "Officer time", "Quarterly progress report received."),
              ("Raise cases and locations linked to this priority at the Joint Action Group.",
               "Joint Action Group", "Officer time", "Number of cases referred.")),),
        )
        for number, (title, strategy, actions) in enumerate(objectives, start=1):
            objective = add_objective(world.session, row.id, number, title, strategy)
            for n, (text, lead, resources, measures) in enumerate(actions, start=1):
                lead_name = world.cfg.agency_name(lead) if lead in world.agency_keys else lead
                ends = year_end if rng.random() < 0.7 else year_end + relativedelta(years=1)
                action = add_plan_action(world.session, objective.id, n, text, lead=lead_name,
                                         ends_on=ends, resources=resources, measures=measures)
                path = rng.choice(STATUS_PATHS)
                for quarter, status in zip(quarters, path):
                    if quarter == quarters[-1] and rng.random() < 0.4:
                        continue  # this quarter's update not in yet
                    assert status in PLAN_STATUSES
                    set_update(world.session, action.id, quarter, status,
                               rng.choice(PLAN_TEXT[status]))
