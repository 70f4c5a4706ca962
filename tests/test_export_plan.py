"""Plan progress: the measures counted in SQL by financial quarter, and the workbook and
Markdown built from the plan and those measures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from export_fixture import exports_cfg
from jagtui.export.paths import ExportError
from jagtui.export.plan_progress import export_plan
from jagtui.store import cases, incidents, interventions, people, plan
from jagtui.store.measures import first_data_on, quarterly_measures
from jagtui.store.models import RiskAssessment

UNTIL = date(2026, 12, 31)


def _assess(session, case_id, on, level):
    session.add(RiskAssessment(case_id=case_id, assessed_on=on, assessor="PC Tate", answers={},
                               score=30 if level == "high" else 14, level=level, computed_level=level,
                               review_due=on + timedelta(days=14)))


def _case(session, opened_on, ref, *parties):
    case = cases.open_case(session, case_type="victim", title=ref, subgroup="JAG",
                           lead_agency="POLICE", opened_on=opened_on, reference=ref)
    for role, person in parties:
        cases.link_party(session, case.id, role, person_id=person.id)
    return case


def _incident(session, cfg, person, on, ref, category="ASB-PERSONAL", hate=False):
    incidents.add_incident(session, occurred_on=on, category=category, source="police",
                           source_ref=ref, categories=[c.key for c in cfg.categories], hate=hate,
                           people=[(person.id, "victim")])


@pytest.fixture
def measured(store, cfg):
    """Cases, assessments, interventions and incidents with known quarterly counts."""
    steps = [step.key for step in cfg.ladder]
    with store.write() as session:
        adult = people.add_person(session, "Ada Adult", date_of_birth=date(1960, 1, 1))
        adult_perp = people.add_person(session, "Abe Adult", date_of_birth=date(1990, 1, 1))
        victim = people.add_person(session, "Vic Victim", date_of_birth=date(1970, 1, 1))
        youth = people.add_person(session, "Yan Young", date_of_birth=date(2012, 1, 1))
        a = _case(session, date(2025, 5, 10), "JAG-25-0001", ("victim", adult), ("perpetrator", adult_perp))
        b = _case(session, date(2026, 7, 1), "JAG-26-0001", ("victim", victim), ("perpetrator", youth))
        c = _case(session, date(2026, 4, 2), "JAG-26-0002", ("victim", victim))
        d = _case(session, date(2026, 8, 1), "JAG-26-0003", ("victim", adult))
        _assess(session, a.id, date(2025, 6, 1), "high")     # adult, 2025/26 Q1
        _assess(session, b.id, date(2026, 10, 5), "high")    # youth, 2026/27 Q3
        _assess(session, c.id, date(2026, 5, 1), "medium")   # not high: not counted
        _assess(session, d.id, date(2026, 7, 15), "high")    # before referral: counted at referral, Q2
        interventions.record_intervention(session, case_id=b.id, step="LETTER", steps=steps,
                                          issuing_agency="POLICE", issued_on=date(2026, 7, 10),
                                          person_id=youth.id)
        abc = interventions.record_intervention(session, case_id=b.id, step="ABC", steps=steps,
                                                issuing_agency="CBC-ASB", issued_on=date(2026, 8, 1),
                                                review_on=date(2026, 11, 1))
        interventions.set_outcome(session, abc.id, None, "complied")
        broken = interventions.record_intervention(session, case_id=b.id, step="ABC", steps=steps,
                                                   issuing_agency="CBC-ASB",
                                                   issued_on=date(2026, 8, 5),
                                                   review_on=date(2027, 2, 5))
        interventions.record_breach(session, broken.id, date(2026, 9, 1))
        interventions.record_intervention(session, case_id=a.id, step="CPW", steps=steps,
                                          issuing_agency="POLICE", issued_on=date(2025, 9, 1),
                                          person_id=adult_perp.id)
        for n, on in enumerate((date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 15))):
            _incident(session, cfg, adult, on, f"STORM-{n}")
        _incident(session, cfg, victim, date(2026, 10, 20), "STORM-H", category="HATE", hate=True)
    return store


def test_measures_by_financial_quarter(measured, cfg):
    with measured.read() as session:
        found = quarterly_measures(session, cfg, UNTIL)
        assert first_data_on(session) == date(2025, 5, 10)
    counts = {key: dict(counter) for key, counter in found.counts.items()}
    assert counts["high_risk_adult"] == {(2025, 1): 1, (2026, 2): 1}
    assert counts["high_risk_youth"] == {(2026, 3): 1}
    assert counts["young_interventions"] == {(2026, 2): 3}
    assert counts["abc_no_breach"] == {(2026, 3): 1}
    # people, once each: Ada (on two cases) by three ASB incidents, Vic by one hate incident
    assert counts["community_trigger"] == {(2025, 2): 1, (2026, 3): 1}
    assert counts["repeat_victims"] == {(2025, 2): 1}
    assert found.first_data == date(2025, 5, 10)


def test_measures_stop_at_the_date_asked(measured, cfg):
    with measured.read() as session:
        found = quarterly_measures(session, cfg, date(2026, 9, 30))
    assert dict(found.counts["high_risk_youth"]) == {}
    assert dict(found.counts["abc_no_breach"]) == {}
    assert dict(found.counts["community_trigger"]) == {(2025, 2): 1}


@pytest.fixture
def planned(measured):
    with measured.write() as session:
        plan.add_priority(session, "P1", "Safeguarding communities from abuse and violent offences")
        p2 = plan.add_priority(session, "P2", "To reduce the harm caused by youth ASB and youth crime")
        objective = plan.add_objective(session, p2.id, 1, "Solutions for complex issues")
        first = plan.add_plan_action(session, objective.id, 1, "Identify repeat locations",
                                     lead="Joint Action Group", ends_on=date(2027, 3, 31),
                                     resources="Officer time",
                                     measures="Outcome - fewer repeat locations; Measure - "
                                              "youth ASB incidents against the preceding year")
        second = plan.add_plan_action(session, objective.id, 2, "Diversionary activity",
                                      lead="CBC ASB Team", resources="£10,000 PCC grant")
        plan.set_update(session, first.id, "2026/27 Q1", "off track", "Data sharing stalled")
        plan.set_update(session, first.id, "2026/27 Q2", "on track", "Hotspots identified")
        plan.set_update(session, first.id, "2026/27 Q3", "at risk", "=Partner capacity reduced")
        plan.set_update(session, first.id, "2026/27 Q4", "on track", "Not yet: after Q3")
        plan.set_update(session, first.id, "2025/26 Q3", "complete", "Last year's: not shown")
        plan.set_update(session, second.id, "2026/27 Q2", "not started", "Funding awaited")
    return measured


def test_workbook_and_markdown_in_the_plans_own_layout(planned, cfg, tmp_path):
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    paths = export_plan(planned, ecfg, quarter="2026/27 Q3", baseline="2025/26",
                        today=date(2027, 1, 5))
    assert [p.name for p in paths] == ["JAG-plan-progress-2026-27-Q3.xlsx",
                                       "JAG-plan-progress-2026-27-Q3.md"]
    import pandas as pd
    from openpyxl import load_workbook

    book = load_workbook(paths[0])
    assert book.sheetnames == ["P1 Safeguarding communities fro", "P2 To reduce the harm caused by",
                               "Measures", "Against baseline", "Notes"]
    sheets = pd.read_excel(paths[0], sheet_name=None)
    p1, p2 = sheets["P1 Safeguarding communities fro"], sheets["P2 To reduce the harm caused by"]
    # The 2017/18 returns' columns, quarters oldest first up to the one reported.
    assert p1.empty and list(p2.columns) == [
        "Key Action", "Lead", "Time Scales", "Financial & Resource Implications",
        "Outcome/Measure", "Quarter one", "Quarter two", "Quarter three"]
    sheet = book["P2 To reduce the harm caused by"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][0] == "Objective 1. Solutions for complex issues"
    assert rows[1][:5] == ["1.1 Identify repeat locations", "Joint Action Group", "By 31 Mar 2027",
                           "Officer time", "Outcome - fewer repeat locations; Measure - youth ASB "
                           "incidents against the preceding year"]
    assert rows[1][5:] == ["Off track\nData sharing stalled", "On track\nHotspots identified",
                           "At risk\n=Partner capacity reduced"]
    assert rows[2][:4] == ["1.2 Diversionary activity", "CBC ASB Team", "Ongoing", "£10,000 PCC grant"]
    assert rows[2][5:] == [None, "Not started\nFunding awaited", "No update"]
    assert "Not yet: after Q3" not in p2.to_string() and "Last year" not in p2.to_string()
    # RAG: the word on its colour.
    fills = [sheet.cell(3, col).fill.fgColor.rgb[-6:] for col in (6, 7, 8)]
    assert fills == ["FFC7CE", "C6EFCE", "FFEB9C"]  # red, green, amber
    assert sheet["H3"].data_type == "s"  # text, never a formula

    measures = sheets["Measures"].set_index("Period")
    assert list(measures.index)[:2] == ["Baseline year 2025/26, whole year",
                                        "2025/26 Q1 (April to June)"]
    assert list(measures.index)[-1] == "2026/27 Q3 (October to December)"
    assert measures.loc["2026/27 Q2 (July to September)", "Interventions against young perpetrators"] == 3
    assert measures.loc["Baseline year 2025/26, whole year",
                        "Victims meeting the Community Trigger threshold"] == 1
    against = sheets["Against baseline"].set_index("Measure")
    assert list(against.columns) == [
        "This quarter: 2026/27 Q3 (October to December)", "Baseline: 2025/26 Q3", "Change",
        "Year to date: 2026/27 to 31 Dec 2026", "Baseline: 2025/26 to 31 Dec 2025",
        "Change (year to date)"]
    row = against.loc["High-risk adult cases referred"]
    assert row["Year to date: 2026/27 to 31 Dec 2026"] == 1
    assert row["Baseline: 2025/26 to 31 Dec 2025"] == 1 and row["Change (year to date)"] == 0
    assert "Baseline year 2025/26 (as chosen for this report)" in sheets["Notes"].to_string()
    assert book["Measures"].oddFooter.center.text == "OFFICIAL-SENSITIVE"

    md = paths[1].read_text()
    assert md.startswith("**OFFICIAL-SENSITIVE**") and md.rstrip().endswith("**OFFICIAL-SENSITIVE**")
    for text in ("## P2: To reduce the harm caused by youth ASB and youth crime",
                 "### Objective 1. Solutions for complex issues", "1.1 Identify repeat locations",
                 "| Key Action | Lead | Time Scales | Financial \\& Resource Implications | "
                 "Outcome/Measure | Quarter one | Quarter two | Quarter three |",
                 "Off track: Data sharing stalled", "At risk: =Partner capacity reduced",
                 "No actions are recorded for this priority.", "## Measures",
                 "| 2026/27 Q2 (July to September) | 1 | 0 | 3 | 0 | 0 | 0 |"):
        assert text in md, text


def test_the_baseline_is_the_plans_unless_chosen_and_bad_quarters(planned, cfg, tmp_path):
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    assert cfg.plan.baseline == "2022/23"  # the CSP plan's baseline year, shipped
    text = export_plan(planned, ecfg, quarter="2026/27 Q3", formats=["md"])[0].read_text()
    assert "Baseline year 2022/23: the plan's baseline" in text
    assert "records begin on 10 May 2025" in text  # the baseline is honest about its gaps
    assert "| Baseline year 2022/23, whole year |" in text and "| 2022/23 Q1 (April to June) |" in text
    md = export_plan(planned, ecfg, quarter="2026/27 Q3", baseline="2024/25", formats=["md"])[0]
    text = md.read_text()
    assert "Baseline year 2024/25 (as chosen for this report)" in text
    assert "Baseline year 2024/25, whole year" in text and "2024/25 Q1" in text
    unset = cfg.model_copy(update={"plan": cfg.plan.model_copy(update={"baseline": ""})})
    text = export_plan(planned, exports_cfg(unset, tmp_path / "exports"), quarter="2026/27 Q3",
                       formats=["md"])[0].read_text()
    assert "Baseline year 2025/26: a part year" in text
    with pytest.raises(ExportError, match="Not a financial quarter"):
        export_plan(planned, ecfg, quarter="Q3 2026")
    with pytest.raises(ExportError, match="after"):
        export_plan(planned, ecfg, quarter="2026/27 Q3", baseline="2027/28")
    default = export_plan(planned, ecfg, today=date(2026, 11, 22), formats=["xlsx"])
    assert default[0].name == "JAG-plan-progress-2026-27-Q3.xlsx"


def test_a_quarter_under_way_is_compared_with_the_same_days(planned, cfg, tmp_path):
    """22 Nov 2026 is day 53 of 92 of 2026/27 Q3: compared with 1 Oct-22 Nov 2025, not the
    whole of 2025/26 Q3 (which would read as a fall)."""
    with planned.write() as session:
        late = people.add_person(session, "Late Victim", date_of_birth=date(1980, 1, 1))
        case = _case(session, date(2025, 12, 1), "JAG-25-0099", ("victim", late))
        _assess(session, case.id, date(2025, 12, 1), "high")  # baseline Q3, after day 53
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    xlsx, md = export_plan(planned, ecfg, today=date(2026, 11, 22), baseline="2025/26")
    import pandas as pd

    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert sheets["Measures"]["Period"].iloc[-1] == "2026/27 Q3 (October to December) to date (53 of 92 days)"
    against = sheets["Against baseline"].set_index("Measure")
    assert list(against.columns)[:2] == [
        "This quarter: 2026/27 Q3 (October to December) to date (53 of 92 days)",
        "Baseline: 2025/26 Q3, the same 53 days"]
    row = against.loc["High-risk adult cases referred"]
    assert row.iloc[1] == 0  # the December case is outside the same 53 days
    assert row["Baseline: 2025/26 to 22 Nov 2025"] == 1 and row["Year to date: 2026/27 to 22 Nov 2026"] == 1
    assert "its figures run to 22 Nov 2026 (53 of 92 days)" in md.read_text()


def test_youth_is_the_perpetrators_age_at_the_incident(store, cfg):
    """A hate case against an adult with a 6-year-old in the household is an adult case; a
    perpetrator of 17 at the incident is youth though 18 by the time the case is high risk."""
    with store.write() as session:
        adult = people.add_person(session, "Ada Adult", date_of_birth=date(1960, 1, 1))
        child = people.add_person(session, "Cal Child", date_of_birth=date(2020, 3, 1))
        grown = people.add_person(session, "Gus Grown", date_of_birth=date(2008, 10, 1))
        household = _case(session, date(2026, 7, 1), "JAG-26-0001", ("victim", adult),
                          ("household member", child))
        _assess(session, household.id, date(2026, 7, 2), "high")
        offender = _case(session, date(2026, 10, 10), "JAG-26-0002", ("victim", adult),
                         ("perpetrator", grown))
        incidents.add_incident(session, occurred_on=date(2026, 9, 20), category="ASB-PERSONAL",
                               source="police", source_ref="STORM-17",
                               categories=[c.key for c in cfg.categories],
                               people=[(grown.id, "perpetrator"), (adult.id, "victim")])
        _assess(session, offender.id, date(2026, 10, 12), "high")  # Gus is 18 from 1 Oct
    with store.read() as session:
        found = quarterly_measures(session, cfg, UNTIL)
    assert dict(found.counts["high_risk_adult"]) == {(2026, 2): 1}
    assert dict(found.counts["high_risk_youth"]) == {(2026, 3): 1}


def _first_met_everywhere(facts, rule):
    """The definition: the first incident day on which the rule holds, trying every day."""
    for day in sorted({fact.occurred_on for fact in facts}):
        if rule(facts, day) is not None:
            return day
    return None


@pytest.mark.parametrize("same_category", [False, True])
def test_victim_measures_agree_with_the_rules_on_every_day(store, cfg, same_category):
    """Victim counts skip days the rules cannot hold on; they must still match trying
    each day: repeated refs (one in two categories), non-ASB and hate incidents."""
    import random

    from jagtui.rules import flags as rules_flags
    from jagtui.rules.facts import IncidentFact
    from jagtui.rules.quarters import quarter_of

    flags = cfg.flags.model_copy(update={"repeat_victim": cfg.flags.repeat_victim.model_copy(
        update={"same_category": same_category, "count": 2})})
    cfg = cfg.model_copy(update={"flags": flags})
    rng = random.Random(6)
    categories = ["NOISE", "HARASSMENT", "ASB-PERSONAL", "ASSAULT", "THEFT"]
    histories = {}
    with store.write() as session:
        for n in range(12):
            person = people.add_person(session, f"Victim {n}")
            _case(session, date(2024, 1, 1), f"JAG-24-{n:04d}", ("victim", person))
            facts, recorded = [], set()
            for k in range(rng.randint(1, 25)):
                on = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
                ref, source = f"R{n}-{k}", "police"
                if facts and rng.random() < 0.25:  # the same incident reported again
                    again = rng.choice(facts).ref.lower()
                    free = [s for s in ("council", "housing", "other") if (s, again) not in recorded]
                    if free:
                        ref, source = again, free[0]
                recorded.add((source, ref.lower()))
                category, hate = rng.choice(categories), rng.random() < 0.04
                incident = incidents.add_incident(
                    session, occurred_on=on, category=category, source=source, source_ref=ref,
                    categories=[c.key for c in cfg.categories], hate=hate,
                    people=[(person.id, "victim")])
                facts.append(IncidentFact(incident.id, ref, on, category, hate))
            histories[person.id] = facts
        # Reported as noise, then as harassment: the harassment pair first counts on a
        # later assault's day, when the noise report has left the window.
        edge = people.add_person(session, "Edge Victim")
        _case(session, date(2024, 1, 1), "JAG-24-9999", ("victim", edge))
        facts = []
        for on, category, ref, source in ((date(2025, 1, 10), "NOISE", "E1", "police"),
                                          (date(2025, 3, 15), "HARASSMENT", "E1", "council"),
                                          (date(2025, 3, 28), "HARASSMENT", "E2", "police"),
                                          (date(2025, 4, 11), "ASSAULT", "E3", "police")):
            incident = incidents.add_incident(
                session, occurred_on=on, category=category, source=source, source_ref=ref,
                categories=[c.key for c in cfg.categories], people=[(edge.id, "victim")])
            facts.append(IncidentFact(incident.id, ref, on, category, False))
        histories[edge.id] = facts

    rules = {
        "community_trigger": lambda facts, day: rules_flags.community_trigger(
            facts, cfg.flags.community_trigger, cfg.categories, day),
        "repeat_victims": lambda facts, day: rules_flags.repeat_victim(
            facts, cfg.flags.repeat_victim, cfg.categories, day),
    }
    expected = {key: {} for key in rules}
    for facts in histories.values():
        for key, rule in rules.items():
            met = _first_met_everywhere(facts, rule)
            if met is not None:
                quarter = quarter_of(met)
                expected[key][quarter] = expected[key].get(quarter, 0) + 1
    with store.read() as session:
        found = quarterly_measures(session, cfg, UNTIL)
    assert sum(expected["repeat_victims"].values()) > 3  # the data exercises the rules
    for key in rules:
        assert dict(found.counts[key]) == expected[key], key
    edge_met = _first_met_everywhere(histories[edge.id], rules["repeat_victims"])
    assert edge_met == (date(2025, 4, 11) if same_category else date(2025, 3, 28))
