"""A small, fixed JAG for the meeting tests: one earlier meeting with open actions,
and one case for each agenda section (plus cases that must stay off the agenda)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.store import (actions, cases, interventions, meeting_run, meetings, people, plan,
                          risk, users)
from jagtui.store.meeting_run import Attendee

TODAY = date(2026, 11, 22)
# The meeting began at STARTED; the runner's clock stands at FROZEN (its ticking off),
# so its elapsed time and the minutes' times are the same on every run.
STARTED = datetime(2026, 11, 22, 10, 2, tzinfo=timezone.utc)
FROZEN = datetime(2026, 11, 22, 10, 41, 30, tzinfo=timezone.utc)
PREVIOUS = date(2026, 10, 11)
ANSWERS_HIGH = {"ongoing": 1, "frequency": 6, "targeted": 1, "hate": 1, "fear": 1, "health": 1}


@dataclass
class Seeded:
    previous_meeting: int
    open_action: int
    undated_action: int
    other_group_action: int
    referral: int
    high_risk: int
    red: int
    due: int
    green: int
    quiet: int
    other_group: int
    closed: int


def _case(session, title, *, opened_on, rag="amber", case_type="victim", subgroup="JAG",
          person=None, reference=""):
    case = cases.open_case(session, case_type=case_type, title=title, subgroup=subgroup,
                           lead_agency="POLICE", opened_on=opened_on, beat="62", rag=rag,
                           reference=reference)
    if person:
        who = people.add_person(session, person, address=f"{len(person)} Larkspur Close",
                                date_of_birth=date(1960, 1, 1), beat="62")
        cases.link_party(session, case.id, case_type if case_type != "location" else "victim",
                         person_id=who.id, primary=True)
    return case


def _assess(session, cfg, case_id, *, level, assessed_on, review_due):
    answers = ANSWERS_HIGH if level == "high" else {"ongoing": 1}
    risk.record_assessment(session, cfg.risk, case_id=case_id, assessed_on=assessed_on,
                           assessor="PC Test", answers=answers, review_due=review_due)


def seed(store, cfg) -> Seeded:
    """The fixed data: every date relative to TODAY (22 Nov 2026) and PREVIOUS (11 Oct 2026)."""
    with store.write() as session:
        users.add_user(session, "chair1", "Insp. Rhea Chairwoman", agency="POLICE", role="chair")
        users.add_user(session, "member1", "Sam Officer", agency="CBC-ASB")
        earlier = meetings.create_meeting(session, held_on=PREVIOUS, subgroup="JAG",
                                          chair="Insp. Rhea Chairwoman")
        meetings.add_attendee(session, earlier.id, "Insp. Rhea Chairwoman", "Leicestershire Police")
        meetings.add_attendee(session, earlier.id, "Dee Housing", "Charnwood Borough Council")
        meetings.add_attendee(session, earlier.id, "Pat Apology", "Probation Service", kind="apology")
        item = meetings.add_item(session, earlier.id, "aob", "Any other business")
        earlier.status = "final"
        earlier.confidentiality_ack_at = datetime(2026, 10, 11, 10, 2, tzinfo=timezone.utc)
        earlier.ended_at = datetime(2026, 10, 11, 11, 40, tzinfo=timezone.utc)
        open_action = actions.add_action(
            session, ref="111026 Item 1", text="Visit the shop owners on Market Street",
            owner="Dee Housing", owner_agency="CBC-HOUSING", due_on=TODAY - timedelta(days=3),
            meeting_id=earlier.id, item_id=item.id)
        undated = actions.add_action(session, ref="111026 Item 1", text="Share the patrol plan",
                                     owner="Insp. Rhea Chairwoman", meeting_id=earlier.id,
                                     item_id=item.id)
        done = actions.add_action(session, ref="111026 Item 1", text="Already done",
                                  owner="Dee Housing", meeting_id=earlier.id, item_id=item.id)
        actions.add_update(session, done.id, PREVIOUS + timedelta(days=5), "Complete.",
                           status="complete")

        referral = _case(session, "Noise and threats towards a tenant", person="Ann Referral",
                         opened_on=TODAY - timedelta(days=10))
        high = _case(session, "Repeated harassment of an older man", person="Bob Highrisk",
                     opened_on=PREVIOUS - timedelta(days=90))
        _assess(session, cfg, high.id, level="high", assessed_on=TODAY - timedelta(days=5),
                review_due=TODAY + timedelta(days=9))
        red = _case(session, "Drug dealing at Kestrel Park", case_type="location", rag="red",
                    opened_on=PREVIOUS - timedelta(days=200))
        due = _case(session, "Youths gathering at a shop parade", case_type="perpetrator",
                    person="Cal Dueforreview", opened_on=PREVIOUS - timedelta(days=120))
        interventions.record_intervention(
            session, case_id=due.id, step="ABC", steps=[s.key for s in cfg.ladder],
            issuing_agency="CBC-ASB", issued_on=TODAY - timedelta(days=180),
            review_on=TODAY - timedelta(days=1))
        green = _case(session, "Fly-tipping in an alleyway", case_type="location", rag="green",
                      opened_on=PREVIOUS - timedelta(days=300))
        quiet = _case(session, "Neighbour dispute, settled for now", person="Dot Quiet",
                      opened_on=PREVIOUS - timedelta(days=60))
        _assess(session, cfg, quiet.id, level="standard", assessed_on=TODAY - timedelta(days=20),
                review_due=TODAY + timedelta(days=20))
        other = _case(session, "Youth group in the park", case_type="perpetrator", subgroup="YJAG",
                      rag="red", opened_on=TODAY - timedelta(days=3))
        other_action = actions.add_action(session, ref="X", text="Youth worker visit",
                                          owner="Yo Worker", case_id=other.id)
        closed = _case(session, "An old closed case", rag="red", opened_on=PREVIOUS)
        cases.close_case(session, closed.id, None, TODAY - timedelta(days=2), "Resolved")

        priority = plan.add_priority(session, "P2", "To reduce the harm caused by youth ASB")
        objective = plan.add_objective(session, priority.id, 1, "Reduce youth ASB in hotspots")
        plan.add_plan_action(session, objective.id, 1, "Divert young people from ASB", lead="YOS")
        plan.add_plan_action(session, objective.id, 2, "Refer high-risk young people to the YJAG",
                             lead="Youth JAG")
        return Seeded(earlier.id, open_action.id, undated.id, other_action.id, referral.id,
                      high.id, red.id, due.id, green.id, quiet.id, other.id, closed.id)


@pytest.fixture(autouse=True)
def frozen_clocks(monkeypatch):
    """Every test of a module that imports this: the runner's clock at FROZEN."""
    monkeypatch.setattr(AgendaRunnerScreen, "now", staticmethod(lambda: FROZEN))
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)


def start_jag(store, cfg, apologies: tuple[Attendee, ...] = ()) -> int:
    """The JAG under way today, chaired, Dee Housing present, the statement acknowledged
    at STARTED: the meeting's id."""
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"),
            present=[Attendee("Dee Housing", "Charnwood Borough Council")],
            apologies=list(apologies))
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
    return meeting.id
