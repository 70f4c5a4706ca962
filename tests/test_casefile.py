"""The case file and the case forms' writes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jagtui.store import audit
from jagtui.store.casefile import case_file, locality_in, record_view
from jagtui.store.casework import (
    Picked, edit_case, find, incident_for_edit, link_to_case, new_location, new_person, picked,
    record_search, save_incident, start_case, unlink_from_case,
)
from jagtui.store.caselist import case_rows
from jagtui.store.cases import get_case
from jagtui.store.errors import Conflict, Invalid, NotFound
from jagtui.store.models import AuditEntry, CaseParty

from case_data import TODAY, seed


def _file(store, cfg, case_id):
    with store.read() as session:
        return case_file(session, cfg, TODAY, case_id)


def test_case_file_holds_everything_the_view_shows(store, cfg):
    ids = seed(store, cfg)
    file = _file(store, cfg, ids.case_id)
    assert file.case.reference.startswith("JAG-26-")
    assert [(p.role, p.name, p.primary) for p in file.parties] == [
        ("victim", "Ann Example", True), ("perpetrator", "Bob Sample", False),
        ("location of concern", "Larkspur Close play area", False)]
    assert file.subject.name == "Ann Example"
    assert file.parties[0].locality == "Shelthorpe"  # read from the address, for privacy mode
    # Newest first, each with the people involved; reached via the victim, so as victim.
    assert [line.item.fact.ref for line in file.incidents] == ["STORM-0001", "STORM-0002"]
    assert {(p.name, p.role) for p in file.incidents[0].people} == {
        ("Ann Example", "victim"), ("Bob Sample", "perpetrator")}
    assert file.incidents[0].location_locality == "Shelthorpe"
    assert all(line.item.as_victim for line in file.incidents)
    # Risk: one assessment, review two days overdue.
    assert [r.level for r in file.risk] == ["standard"]
    assert file.review_overdue and file.review_due == TODAY - timedelta(days=2)
    # Harm: 1 ASB personal (5) in the last 90 days; the harassment (20) the 90 before.
    assert (file.harm.index, file.harm.previous, file.harm.trend) == (5.0, 20.0, "down")
    assert file.harm.explain() == "1 x ASB - personal (5) = 5 → 5"
    assert len(file.harm_series) == 12 and sum(file.harm_series) == 25.0
    assert file.harm_series[-1] == 0 and file.harm_series[-2] == 5.0  # October
    # Interventions and the ladder: the ABC was breached, so a CPW is proposed.
    assert [(i.step_name, [b.notes for b in i.breaches]) for i in file.interventions] == [
        ("Acceptable Behaviour Contract", ["Seen shouting again"])]
    assert file.ladder.current.key == "ABC" and file.ladder.suggested.key == "CPW"
    assert [row.action.text for row in file.actions] == ["Visit Ann Example and fit a camera"]
    assert file.overdue_actions == 1
    assert [(n.kind, n.text) for n in file.history[0].notes] == [
        ("point", "Ann Example reports daily shouting from Bob Sample"),
        ("agreed", "ABC to be issued by the ASB team")]
    assert {f.code for f in file.flags} == {"review_overdue"}
    assert file.next_meeting is not None


def test_case_file_flags_match_the_case_list(store, cfg):
    ids = seed(store, cfg)
    with store.read() as session:
        rows = {row.id: row for row in case_rows(session, cfg, TODAY, status=None)}
        for case_id in (ids.case_id, ids.other_case_id, ids.perpetrator_case_id):
            file = case_file(session, cfg, TODAY, case_id)
            assert [f.code for f in file.flags] == [f.code for f in rows[case_id].flags]
            assert file.harm == rows[case_id].harm
    assert "youth" in {f.code for f in rows[ids.perpetrator_case_id].flags}


def test_an_unknown_case_is_not_found(store, cfg):
    seed(store, cfg)
    with store.read() as session, pytest.raises(NotFound):
        case_file(session, cfg, TODAY, 999_999)


def test_opening_a_case_records_one_view(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        file = case_file(session, cfg, TODAY, ids.case_id)
        record_view(session, file.case)
    with store.read() as session:
        views = [e for e in audit.entries(session, case_id=ids.case_id) if e.operation == "view"]
    assert len(views) == 1
    assert (views[0].table_name, views[0].record_id, views[0].login) == ("cases", ids.case_id, "tester")
    assert views[0].detail["reference"] == file.case.reference


def test_a_third_asb_incident_meets_the_community_trigger(store, cfg):
    ids = seed(store, cfg)
    keys = [c.key for c in cfg.categories]
    with store.write() as session:
        save_incident(session, keys, TODAY, occurred_on=TODAY - timedelta(days=1),
                      category="NOISE", source="council", source_ref="CBC-1",
                      people=[(ids.victim_id, "victim")])
    file = _file(store, cfg, ids.case_id)
    trigger = next(f for f in file.flags if f.code == "community_trigger")
    assert trigger.refs == ("STORM-0002", "STORM-0001", "CBC-1")
    assert "3 ASB incidents since" in trigger.reason


def test_saving_an_incident_checks_date_reference_and_roles(store, cfg):
    ids = seed(store, cfg)
    keys = [c.key for c in cfg.categories]
    base = dict(occurred_on=TODAY, category="NOISE", source="police", source_ref="STORM-0001")
    with store.write() as session, pytest.raises(Invalid, match="already recorded"):
        save_incident(session, keys, TODAY, **base)
    with store.write() as session, pytest.raises(Invalid, match="future"):
        save_incident(session, keys, TODAY, **{**base, "source_ref": "X",
                                                 "occurred_on": TODAY + timedelta(days=1)})
    with store.write() as session, pytest.raises(Invalid, match="Role"):
        save_incident(session, keys, TODAY, **{**base, "source_ref": "X"},
                      people=[(ids.victim_id, "bystander")])
    with store.write() as session, pytest.raises(Invalid, match="Category"):
        save_incident(session, keys, TODAY, **{**base, "source_ref": "X", "category": "NOPE"})


def test_editing_an_incident_replaces_its_people_and_place(store, cfg):
    ids = seed(store, cfg)
    keys = [c.key for c in cfg.categories]
    file = _file(store, cfg, ids.case_id)
    incident_id = file.incidents[0].id
    with store.read() as session:
        draft = incident_for_edit(session, incident_id)
    assert draft.location.name == "Larkspur Close play area"
    assert [(p.name, role) for p, role in draft.people] == [
        ("Ann Example", "victim"), ("Bob Sample", "perpetrator")]
    with store.write() as session:
        save_incident(session, keys, TODAY, incident_id=incident_id,
                      expected_version=draft.incident.version, occurred_on=TODAY,
                      category="HATE", source="police", source_ref="STORM-0001", location=None,
                      hate=True, description="Racist abuse", people=[(ids.victim_id, "victim"),
                                                                     (ids.perpetrator_id, "witness")])
    with store.read() as session:
        after = incident_for_edit(session, incident_id)
    assert after.location is None and after.incident.beat == ""
    assert after.incident.hate and after.incident.category == "HATE"
    assert [(p.name, role) for p, role in after.people] == [
        ("Ann Example", "victim"), ("Bob Sample", "witness")]
    assert "community_trigger" in {f.code for f in _file(store, cfg, ids.case_id).flags}
    # The version moved on: a second edit from the stale form is a conflict, not an overwrite.
    with store.write() as session, pytest.raises(Conflict):
        save_incident(session, keys, TODAY, incident_id=incident_id,
                      expected_version=draft.incident.version, occurred_on=TODAY,
                      category="NOISE", source="police", source_ref="STORM-0001")


def test_a_new_case_links_its_subject_as_primary(store, cfg):
    seed(store, cfg)
    with store.write() as session:
        dan = new_person(session, "Dan Instance", address="1 High St")
        case = start_case(session, subject=dan, case_type="victim", title="Dan", subgroup="JAG",
                          lead_agency="POLICE", opened_on=TODAY, rag="amber")
        case_id = case.id
    file = _file(store, cfg, case_id)
    assert [(p.name, p.role, p.primary) for p in file.parties] == [("Dan Instance", "victim", True)]
    with store.write() as session, pytest.raises(Invalid, match="about a location"):
        start_case(session, subject=dan, case_type="location", title="x", subgroup="JAG",
                   lead_agency="POLICE", opened_on=TODAY)
    with store.write() as session, pytest.raises(Invalid, match="subject"):
        start_case(session, subject=None, case_type="victim", title="x", subgroup="JAG",
                   lead_agency="POLICE", opened_on=TODAY)


def test_linking_refuses_duplicates_and_moves_the_primary(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        bob = picked(session, "person", ids.perpetrator_id)
        with pytest.raises(Invalid, match="already linked"):
            link_to_case(session, ids.case_id, bob, "perpetrator")
    with store.write() as session:
        eve = new_person(session, "Eve Example")
        link_to_case(session, ids.case_id, eve, "victim", primary=True)
    file = _file(store, cfg, ids.case_id)
    assert [p.name for p in file.parties if p.primary] == ["Eve Example"]
    with store.write() as session:
        unlink_from_case(session, file.parties[-1].link_id)
        assert session.scalar(select(CaseParty).where(CaseParty.id == file.parties[-1].link_id)) is None


def test_closing_needs_a_reason_and_reopening_clears_it(store, cfg):
    ids = seed(store, cfg)
    with store.read() as session:
        version = get_case(session, ids.other_case_id).version
    with store.write() as session, pytest.raises(Invalid, match="reason"):
        edit_case(session, ids.other_case_id, version, TODAY, status="closed", closure_reason=" ")
    with store.write() as session:
        edit_case(session, ids.other_case_id, version, TODAY, status="closed", rag="green",
                  closure_reason="Moved away; no incidents for 3 months")
    with store.read() as session:
        closed = get_case(session, ids.other_case_id)
    assert (closed.status, closed.closed_on, closed.closure_reason) == (
        "closed", TODAY, "Moved away; no incidents for 3 months")
    with store.write() as session, pytest.raises(Conflict):
        edit_case(session, ids.other_case_id, version, TODAY, rag="red")
    with store.write() as session:
        edit_case(session, ids.other_case_id, closed.version, TODAY, status="open")
    with store.read() as session:
        reopened = get_case(session, ids.other_case_id)
    assert (reopened.status, reopened.closed_on, reopened.closure_reason) == ("open", None, "")


def test_find_people_and_places_for_the_picker(store, cfg):
    seed(store, cfg)
    with store.write() as session:
        new_location(session, "Shelthorpe shops", locality="Shelthorpe", beat="63")
    with store.read() as session:
        both = find(session, "shelthorpe")
        places = find(session, "larkspur", kinds=("location",))
    assert [(p.kind, p.name) for p in both] == [
        ("person", "Ann Example"), ("person", "Bob Sample"),
        ("location", "Larkspur Close play area"), ("location", "Shelthorpe shops")]
    assert [p.name for p in places] == ["Larkspur Close play area"]
    assert isinstance(both[0], Picked) and both[0].token == f"person:{both[0].id}"


def test_a_search_is_audited_once(store, cfg):
    seed(store, cfg)
    with store.write() as session:
        record_search(session, " ann ", 1)
    with store.read() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.operation == "search")))
    assert [(r.table_name, r.detail) for r in rows] == [("cases", {"text": "ann", "results": 1})]


def test_locality_is_read_from_an_address(cfg):
    assert locality_in("12 Larkspur Close, Shelthorpe, LE11", cfg) == "Shelthorpe"
    assert locality_in("1 Nowhere Street", cfg) == ""
