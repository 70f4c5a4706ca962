"""The JAG the scenarios run: the small fixed JAG of ``meeting_data`` plus what the
chair's path needs that it lacks.

- a perpetrator (Eve Perpetrator) and a household member on the high-risk victim
  case, so an intervention must be given to someone other than the victim;
- a third open action on the earlier meeting's log, so ``u``, ``c`` and ``f``
  each have their own action;
- a minute-taker in the directory (Sam Officer, a registered user), and a user
  the chair adds by mistake and removes (Tom Wrongroom).

Everything is dated from TODAY (22 Nov 2026). ``seed_screens`` adds the cases the
per-screen scenarios need (a surname shared by several cases, a lapsed CPW after
an older ABC, a person whose case was closed today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jagtui.store import actions, cases, incidents, interventions, people, users

from meeting_data import PREVIOUS, TODAY, Seeded, seed as seed_jag

__all__ = ["PREVIOUS", "TODAY", "Jag", "seed", "seed_screens", "Screens"]

EVE = "Eve Perpetrator"
HOUSEHOLD = "Hal Household"
MISTAKE = "Tom Wrongroom"   # a registered user the chair adds by mistake, then removes


@dataclass(frozen=True)
class Jag:
    ids: Seeded
    eve_id: int             # perpetrator on the high-risk victim case
    bob_id: int             # the victim (primary party) on the high-risk case
    cal_id: int             # the perpetrator (primary party) of the review case
    third_action: int       # a third open action from the earlier meeting


def _person_id(session, case_id: int) -> int:
    party, person, _place = cases.parties(session, case_id)[0]
    return person.id


def seed(store, cfg) -> Jag:
    ids = seed_jag(store, cfg)
    with store.write() as session:
        eve = people.add_person(session, EVE, address="7 Larkspur Close", beat="62",
                                date_of_birth=date(1990, 5, 17))
        users.add_user(session, "tom1", MISTAKE, agency="FIRE", role="member")
        hal = people.add_person(session, HOUSEHOLD, address="9 Larkspur Close", beat="62")
        cases.link_party(session, ids.high_risk, "perpetrator", person_id=eve.id)
        cases.link_party(session, ids.high_risk, "household member", person_id=hal.id)
        earlier_item = session.get(actions.Action, ids.open_action).item_id
        third = actions.add_action(
            session, ref="111026 Item 1", text="Write to the landlord about the gate",
            owner="Sam Officer", owner_agency="CBC-ASB", due_on=TODAY + timedelta(days=3),
            meeting_id=ids.previous_meeting, item_id=earlier_item)
        return Jag(ids, eve.id, _person_id(session, ids.high_risk),
                   _person_id(session, ids.due), third.id)


@dataclass(frozen=True)
class Screens:
    jag: Jag
    shared_surname: str
    shared_cases: tuple[int, ...]    # cases whose subject has the shared surname, by reference
    lapsed_case: int                 # an older ABC (breached) and the CPW after it, lapsed
    abc_id: int
    cpw_id: int
    closed_today_case: int
    closed_today_person: str


def seed_screens(store, cfg) -> Screens:
    """The meeting JAG plus cases for the case list, escalation and flags scenarios."""
    jag = seed(store, cfg)
    steps = [s.key for s in cfg.ladder]
    with store.write() as session:
        shared = []
        for first in ("Una", "Vic", "Wyn"):
            who = people.add_person(session, f"{first} Thistlewood", beat="62",
                                    address=f"{len(first)} Thistle Way")
            case = cases.open_case(session, case_type="victim", title=f"Noise at {first}'s",
                                   subgroup="JAG", lead_agency="POLICE", beat="62", rag="amber",
                                   opened_on=PREVIOUS - timedelta(days=400))
            cases.link_party(session, case.id, "victim", person_id=who.id, primary=True)
            shared.append(case.id)
        yan = people.add_person(session, "Yan Lapsedcase", beat="63", address="1 Mill Lane")
        lapsed = cases.open_case(session, case_type="perpetrator", title="Lapsed warning case",
                                 subgroup="JAG", lead_agency="CBC-ASB", beat="63", rag="amber",
                                 opened_on=PREVIOUS - timedelta(days=300))
        cases.link_party(session, lapsed.id, "perpetrator", person_id=yan.id, primary=True)
        abc = interventions.record_intervention(
            session, case_id=lapsed.id, step="ABC", steps=steps, issuing_agency="CBC-ASB",
            issued_on=TODAY - timedelta(days=250), review_on=TODAY - timedelta(days=70),
            person_id=yan.id)
        interventions.record_breach(session, abc.id, TODAY - timedelta(days=90), "Broke the ABC")
        cpw = interventions.record_intervention(
            session, case_id=lapsed.id, step="CPW", steps=steps, issuing_agency="CBC-ASB",
            issued_on=TODAY - timedelta(days=60), review_on=TODAY - timedelta(days=5),
            person_id=yan.id)
        zed = people.add_person(session, "Zed Closedtoday", beat="62", address="4 Hall Road")
        gone = cases.open_case(session, case_type="victim", title="Closed today",
                               subgroup="JAG", lead_agency="POLICE", beat="62", rag="green",
                               opened_on=PREVIOUS - timedelta(days=100))
        cases.link_party(session, gone.id, "victim", person_id=zed.id, primary=True)
        categories = [c.key for c in cfg.categories]
        for n in range(3):  # a repeat victim and Community Trigger: on the flag board
            incidents.add_incident(
                session, occurred_on=TODAY - timedelta(days=10 + 7 * n), category="ASB-PERSONAL",
                source="police", source_ref=f"STORM-Z{n}", categories=categories,
                description="Shouting in the street", people=[(zed.id, "victim")])
        cases.close_case(session, gone.id, None, TODAY, "Moved away")
        return Screens(jag, "Thistlewood", tuple(shared), lapsed.id, abc.id, cpw.id, gone.id,
                       "Zed Closedtoday")
