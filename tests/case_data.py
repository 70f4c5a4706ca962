"""A small, fixed case file for the case view, form and snapshot tests.

Ann Example is the victim of two ASB incidents in the last six months: one
more tips her over the Community Trigger threshold (three in six months).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jagtui.store import actions, cases, incidents, interventions, meetings, people, risk

TODAY = date(2026, 11, 22)


@dataclass(frozen=True)
class Seeded:
    case_id: int
    victim_id: int
    perpetrator_id: int
    location_id: int
    other_case_id: int
    perpetrator_case_id: int


def seed(store, cfg) -> Seeded:
    categories = [c.key for c in cfg.categories]
    steps = [s.key for s in cfg.ladder]
    with store.write() as s:
        ann = people.add_person(s, "Ann Example", date_of_birth=date(1948, 3, 2),
                                address="12 Larkspur Close, Shelthorpe", postcode="LE11 2AB",
                                beat="63", vulnerabilities="Lives alone; poor mobility")
        bob = people.add_person(s, "Bob Sample", date_of_birth=date(2010, 6, 1),
                                address="3 Mill Lane, Shelthorpe", beat="63")
        cat = people.add_person(s, "Cat Specimen", address="9 Hall Road, Quorn", beat="56")
        park = people.add_location(s, "Larkspur Close play area", locality="Shelthorpe", beat="63",
                                   address="Larkspur Close")
        case = cases.open_case(s, case_type="victim", title="Intimidation, Larkspur Close",
                               subgroup="JAG", lead_agency="POLICE", lead_officer="PC Dana Jones",
                               opened_on=TODAY - timedelta(days=120), beat="63", rag="red",
                               priority="P1")
        cases.link_party(s, case.id, "victim", person_id=ann.id, primary=True)
        cases.link_party(s, case.id, "perpetrator", person_id=bob.id)
        cases.link_party(s, case.id, "location of concern", location_id=park.id)
        for n, (days, category) in enumerate(((40, "ASB-PERSONAL"), (100, "HARASSMENT"))):
            incidents.add_incident(
                s, occurred_on=TODAY - timedelta(days=days), category=category, source="police",
                source_ref=f"STORM-{n + 1:04d}", categories=categories, location_id=park.id,
                description="Shouting outside 12 Larkspur Close at Ann Example",
                people=[(ann.id, "victim"), (bob.id, "perpetrator")])
        risk.record_assessment(s, cfg.risk, case_id=case.id, assessed_on=TODAY - timedelta(days=30),
                               assessor="PC Dana Jones", answers={"ongoing": 1, "frequency": 3},
                               review_due=TODAY - timedelta(days=2), person_id=ann.id)
        abc = interventions.record_intervention(
            s, case_id=case.id, step="ABC", steps=steps, issuing_agency="CBC-ASB",
            issued_on=TODAY - timedelta(days=60), review_on=TODAY + timedelta(days=120),
            person_id=bob.id, notes="Signed by Bob Sample with his father present: not to go "
                                    "near Larkspur Close")
        interventions.record_breach(s, abc.id, TODAY - timedelta(days=10), "Seen shouting again")
        actions.add_action(s, ref="011026 Item 3", text="Visit Ann Example and fit a camera",
                           owner="PC Dana Jones", owner_agency="POLICE",
                           due_on=TODAY - timedelta(days=5), case_id=case.id)
        meeting = meetings.create_meeting(s, held_on=TODAY - timedelta(days=52), subgroup="JAG",
                                          chair="Chair Person")
        item = meetings.add_item(s, meeting.id, "review", "Ann Example, Larkspur Close", case_id=case.id)
        meetings.add_note(s, item.id, "Ann Example reports daily shouting from Bob Sample")
        meetings.add_note(s, item.id, "ABC to be issued by the ASB team", kind="agreed")
        other = cases.open_case(s, case_type="victim", title="Noise, Hall Road", subgroup="AARG",
                                lead_agency="CBC-ASB", opened_on=TODAY - timedelta(days=20),
                                beat="56", rag="green")
        cases.link_party(s, other.id, "victim", person_id=cat.id, primary=True)
        youth = cases.open_case(s, case_type="perpetrator", title="Bob Sample", subgroup="YJAG",
                                lead_agency="YOS", opened_on=TODAY - timedelta(days=60), beat="63")
        cases.link_party(s, youth.id, "perpetrator", person_id=bob.id, primary=True)
        return Seeded(case.id, ann.id, bob.id, park.id, other.id, youth.id)
