"""Retention: closed cases listed for review with the clock moved on, decisions, and erasure.

The erasure tests dump every table's text and look for the person: purge must
leave no trace of them outside the audit log, and the audit log must show none
(its older entries about erased records are withheld; the erasure entry holds
only the reference, counts and record ids).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from jagtui.rules.retention import DAY, is_due, latest_due_closure, period_ends
from jagtui.store import (
    actions, audit, case_reviews, cases, drafts, incidents, interventions, meetings, people,
    retention, risk,
)
from jagtui.store.case_review_tables import CaseReview, CaseReviewAction
from jagtui.store.errors import Invalid
from jagtui.store.models import (
    AuditEntry, Case, Incident, Location, MeetingItem, Person, RetentionReview,
)

CLOSED = date(2020, 3, 10)
TODAY = date(2026, 3, 11)  # six years and one day after CLOSED
YEARS = 6

# What must not survive the purge of Zebedee's case, anywhere outside the audit log.
SECRETS = ("Zebedee", "Quarrington", "17 Unlikely Lane", "LE11 9ZZ", "07700 900417",
           "1931-03-17", "Hollowmere Yard", "sleeps in the stairwell")


def _case_for(session, cfg, name, *, closed_on=CLOSED, address="", dob=None, reference=""):
    person = people.add_person(session, name, date_of_birth=dob, address=address)
    case = cases.open_case(session, case_type="victim", title=name, subgroup="JAG",
                           lead_agency="POLICE",
                           opened_on=(closed_on or CLOSED) - timedelta(days=400),
                           reference=reference, summary=f"About {name}")
    cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
    if closed_on:
        cases.close_case(session, case.id, None, closed_on, "Moved away")
    return case, person


def _zebedee(session, cfg):
    """A closed case about Zebedee with everything that can hang off a case."""
    case, zeb = _case_for(session, cfg, "Zebedee Quarrington", address="17 Unlikely Lane",
                          dob=date(1931, 3, 17), reference="JAG-19-0001")
    people.update_person(session, zeb.id, None, postcode="LE11 9ZZ", phone="07700 900417",
                         notes="Zebedee sleeps in the stairwell")
    yard = people.add_location(session, "Hollowmere Yard", address="rear of 17 Unlikely Lane")
    cases.link_party(session, case.id, "location of concern", location_id=yard.id)
    witness = people.add_person(session, "Quarrington junior")
    categories = [c.key for c in cfg.categories]
    incidents.add_incident(session, occurred_on=CLOSED - timedelta(days=30),
                           category=categories[0], source="police", source_ref="Z-1",
                           categories=categories, location_id=yard.id,
                           description="Zebedee Quarrington shouted at",
                           people=[(zeb.id, "victim"), (witness.id, "witness")])
    answers = {q.key: 1 if q.kind == "yn" else 3 for q in cfg.risk.questions}
    risk.record_assessment(session, cfg.risk, case_id=case.id, assessed_on=CLOSED - timedelta(90),
                           assessor="PC Example", answers=answers, person_id=zeb.id,
                           review_due=CLOSED - timedelta(60))
    steps = [step.key for step in cfg.ladder]
    intervention = interventions.record_intervention(
        session, case_id=case.id, step=steps[0], steps=steps, issuing_agency="POLICE",
        issued_on=CLOSED - timedelta(80), person_id=zeb.id, notes="Zebedee warned")
    interventions.record_breach(session, intervention.id, CLOSED - timedelta(70),
                                "Zebedee Quarrington again")
    meeting = meetings.create_meeting(session, held_on=CLOSED - timedelta(50), subgroup="JAG")
    item = meetings.add_item(session, meeting.id, "case", "Zebedee Quarrington", case_id=case.id)
    other_item = meetings.add_item(session, meeting.id, "aob", "Any other business")
    meetings.add_note(session, item.id, "Zebedee sleeps in the stairwell", "point")
    meetings.add_note(session, other_item.id, "Nothing raised", "point")
    action = actions.add_action(session, ref="200121 Item 1", text="Visit Zebedee",
                                owner="PC Example", case_id=case.id, meeting_id=meeting.id,
                                item_id=item.id)
    actions.add_update(session, action.id, CLOSED - timedelta(40), "Zebedee visited",
                       status="complete")
    session.info["login"] = "typist"
    for key in (f"party:new:case:{case.id}", f"intervention:{case.id}", f"breach:{intervention.id}",
                f"meeting:{meeting.id}:item:{item.id}:agreed"):
        drafts.save(session, key, {"text": "Zebedee Q"})
    for key in ("case:new", f"meeting:{meeting.id}:item:{other_item.id}:agreed"):
        drafts.save(session, key, {"text": "unrelated"})
    session.info["login"] = "tester"
    return case, zeb, meeting


def _everything_but_the_audit_log(session) -> str:
    """Every value of every row of every table except audit_log, as text."""
    out = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name == "audit_log":
            continue
        for row in session.execute(select(table)):
            out.extend(json.dumps(value, default=str) if isinstance(value, (dict, list))
                       else str(value) for value in row)
    return "\n".join(out)


def _audit_as_shown(session) -> str:
    return "\n".join(json.dumps([row.login, row.operation, row.table_name, row.detail], default=str)
                     for row in audit.stream(session, audit.Filter()))


# --- When a case is due -----------------------------------------------------------------------


def test_due_the_day_after_the_period_ends():
    assert not is_due(date(2020, 3, 10), date(2026, 3, 10), 6)  # exactly six years
    assert is_due(date(2020, 3, 10), date(2026, 3, 11), 6)  # six years and one day
    # A 29 February closure's period ends on 28 February in a common year.
    assert period_ends(date(2020, 2, 29), 6) == date(2026, 2, 28)
    assert not is_due(date(2020, 2, 29), date(2026, 2, 28), 6)
    assert is_due(date(2020, 2, 29), date(2026, 3, 1), 6)
    # And on a leap day, a 28 February closure six years back is six years and a day old.
    assert is_due(date(2022, 2, 28), date(2028, 2, 29), 6)
    assert not is_due(None, date(2028, 2, 29), 6)


def test_the_sql_cutoff_agrees_with_the_rule_on_every_day_of_twelve_years():
    for years in (1, 6, 7):
        today = date(2024, 1, 1)
        while today < date(2036, 1, 1):
            last = latest_due_closure(today, years)
            assert is_due(last, today, years) and not is_due(last + DAY, today, years), today
            today += DAY


def test_review_lists_six_years_and_a_day_not_exactly_six(store, cfg):
    with store.write() as session:
        _case_for(session, cfg, "Ann Due", closed_on=date(2020, 3, 10))
        _case_for(session, cfg, "Bob Exact", closed_on=date(2020, 3, 11))
        _case_for(session, cfg, "Cat Leap", closed_on=date(2020, 2, 29))
        _case_for(session, cfg, "Dan Open", closed_on=None)
    with store.read() as session:
        assert [r.closed_on for r in retention.review_list(session, date(2026, 3, 11), 6)] == [
            date(2020, 2, 29), date(2020, 3, 10)]
        assert [r.closed_on for r in retention.review_list(session, date(2026, 2, 28), 6)] == []
        assert [r.closed_on for r in retention.review_list(session, date(2026, 3, 1), 6)] == [
            date(2020, 2, 29)]
        row = retention.review_list(session, date(2026, 3, 12), 6)[-1]
        assert (row.closed_on, row.closure_reason, row.state) == (
            date(2020, 3, 11), "Moved away", "due for review")


def test_flagged_not_deleted(store, cfg):
    with store.write() as session:
        case, zeb, _ = _zebedee(session, cfg)
    with store.read() as session:
        before = session.scalar(select(text("count(*)")).select_from(AuditEntry))
        due = retention.review_list(session, TODAY, YEARS)
        assert [r.reference for r in due] == ["JAG-19-0001"]
    with store.read() as session:
        assert session.get(Case, case.id) is not None
        assert session.get(Person, zeb.id).name == "Zebedee Quarrington"
        assert session.scalar(select(text("count(*)")).select_from(AuditEntry)) == before
        # Not a day early.
        assert retention.review_list(session, TODAY - DAY, YEARS) == []


# --- Decisions ----------------------------------------------------------------------------------


def test_retained_until_a_date_then_listed_again(store, cfg):
    with store.write() as session:
        _case_for(session, cfg, "Ann Due", reference="JAG-19-0002")
    with store.write() as session:
        with pytest.raises(Invalid, match="reason"):
            retention.retain(session, "JAG-19-0002", "  ", TODAY + DAY, TODAY, YEARS)
        with pytest.raises(Invalid, match="after today"):
            retention.retain(session, "JAG-19-0002", "Civil claim pending", TODAY, TODAY, YEARS)
        review = retention.retain(session, "JAG-19-0002", "Civil claim pending",
                                  date(2027, 1, 31), TODAY, YEARS)
        assert (review.decision, review.created_by) == ("retain", "tester")
    with store.read() as session:
        assert retention.review_list(session, TODAY, YEARS) == []
        assert retention.review_list(session, date(2027, 1, 31), YEARS) == []
        again = retention.review_list(session, date(2027, 2, 1), YEARS)
        assert [(r.reference, r.decision, r.reason) for r in again] == [
            ("JAG-19-0002", "retain", "Civil claim pending")]
        assert "review again" in again[0].state
        entry = audit.entries(session, limit=1)[0]
        assert (entry.operation, entry.table_name) == ("create", "retention_reviews")


def test_decisions_only_on_closed_cases_past_the_period(store, cfg):
    with store.write() as session:
        _case_for(session, cfg, "Open Case", closed_on=None, reference="JAG-26-0001")
        _case_for(session, cfg, "Recent", closed_on=TODAY - DAY, reference="JAG-26-0002")
    with store.write() as session:
        with pytest.raises(Invalid, match="open"):
            retention.mark_for_deletion(session, "JAG-26-0001", TODAY, YEARS)
        with pytest.raises(Invalid, match="runs to 2032-03-10"):
            retention.mark_for_deletion(session, "JAG-26-0002", TODAY, YEARS)
        with pytest.raises(Exception, match="No case"):
            retention.mark_for_deletion(session, "JAG-00-9999", TODAY, YEARS)


def test_purge_erases_only_what_is_marked_and_refuses_a_reopened_case(store, cfg):
    with store.write() as session:
        kept, _ = _case_for(session, cfg, "Kept Person", reference="JAG-19-0003")
        gone, _ = _case_for(session, cfg, "Gone Person", reference="JAG-19-0004")
        retention.mark_for_deletion(session, "JAG-19-0004", TODAY, YEARS)
    with store.write() as session:
        with pytest.raises(Invalid, match="not marked"):
            retention.purge_case(session, kept.id, TODAY, YEARS)
    assert [e.reference for e in retention.purge(store, TODAY, YEARS)] == ["JAG-19-0004"]
    with store.read() as session:
        assert session.get(Case, kept.id) is not None
        assert session.get(Case, gone.id) is None
        assert retention.purge(store, TODAY, YEARS) == []
    with store.write() as session:
        again, _ = _case_for(session, cfg, "Back Again", reference="JAG-19-0005")
        retention.mark_for_deletion(session, "JAG-19-0005", TODAY, YEARS)
        cases.update_case(session, again.id, None, status="open", closed_on=None)
    with store.write() as session:
        with pytest.raises(Invalid, match="review it again"):
            retention.purge_case(session, again.id, TODAY, YEARS)


# --- Erasure ------------------------------------------------------------------------------------


def test_purge_leaves_no_trace_of_the_person_outside_one_erasure_row(store, cfg):
    with store.write() as session:
        case, zeb, meeting = _zebedee(session, cfg)
        _case_for(session, cfg, "Other Person", reference="JAG-19-0009")
    with store.write() as session:
        retention.mark_for_deletion(session, "JAG-19-0001", TODAY, YEARS, "Period ended")
    with store.read() as session:
        dump = _everything_but_the_audit_log(session)
        assert all(secret in dump for secret in SECRETS)  # the test can see them...
        shown = _audit_as_shown(session)
        assert "Zebedee" in shown
        last_id = audit.entries(session, limit=1)[0].id

    [erasure] = retention.purge(store, TODAY, YEARS)

    with store.read() as session:
        dump = _everything_but_the_audit_log(session)
        assert [s for s in SECRETS if s in dump] == []  # ...and then nowhere
        assert "Other Person" in dump  # the rest of the database is untouched
        assert dump.count("unrelated") == 2  # and so are other drafts
        new = list(session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)))
        assert [(e.operation, e.login, e.case_id) for e in new] == [("erasure", "tester", case.id)]
        detail = json.dumps(new[0].detail)
        assert [s for s in SECRETS if s in detail] == []
        assert new[0].detail["reference"] == "JAG-19-0001"
        assert new[0].detail["counts"] == erasure.counts
        assert erasure.counts == {
            "item_notes": 1, "action_updates": 1, "actions": 1, "breaches": 1,
            "interventions": 1, "risk_assessments": 1, "case_parties": 2, "incident_parties": 2,
            "incidents": 1, "cases": 1, "people": 2, "locations": 1, "drafts": 4}
        # The audit trail as an admin sees or exports it shows none of it either.
        assert [s for s in SECRETS if s in _audit_as_shown(session)] == []
        # The decision survives the case, by reference; the minutes keep the item's number.
        [review] = session.scalars(select(RetentionReview)).all()
        assert (review.case_id, review.case_reference) == (None, "JAG-19-0001")
        items = session.scalars(select(MeetingItem).order_by(MeetingItem.number)).all()
        assert [(i.number, i.title) for i in items] == [
            (1, f"JAG-19-0001 (erased {TODAY.isoformat()})"), (2, "Any other business")]
        assert meetings.notes(session, [items[1].id])[items[1].id][0].text == "Nothing raised"
        # The case can still be found in the trail by its reference.
        rows, _ = audit.page(session, audit.Filter(case="JAG-19-0001"))
        assert rows[0].operation == "erasure"
        assert {row.case_reference for row in rows} == {"JAG-19-0001"}
        assert all(row.withheld for row in rows[1:]) and len(rows) > 5


def test_people_and_places_other_records_refer_to_are_kept(store, cfg):
    categories = [c.key for c in cfg.categories]
    with store.write() as session:
        case, zeb = _case_for(session, cfg, "Zebedee Quarrington", reference="JAG-19-0001")
        live, keeper = _case_for(session, cfg, "Live Keeper", closed_on=None)
        shared = people.add_person(session, "Shared Person")
        cases.link_party(session, case.id, "household member", person_id=shared.id)
        cases.link_party(session, live.id, "witness", person_id=shared.id)
        park = people.add_location(session, "Public Park")
        cases.link_party(session, case.id, "location of concern", location_id=park.id)
        # An incident at the park that only this case refers to goes, with its stranger...
        stranger = people.add_person(session, "Passing Stranger")
        incidents.add_incident(session, occurred_on=CLOSED, category=categories[0],
                               source="council", source_ref="P-1", categories=categories,
                               location_id=park.id, people=[(stranger.id, "victim")])
        # ...one there involving the live case's person stays, and keeps the park.
        incidents.add_incident(session, occurred_on=CLOSED, category=categories[0],
                               source="council", source_ref="P-2", categories=categories,
                               location_id=park.id, people=[(keeper.id, "perpetrator")])
        # An incident with the live case's person keeps it, and with it Zebedee.
        incidents.add_incident(session, occurred_on=CLOSED, category=categories[0],
                               source="police", source_ref="K-1", categories=categories,
                               people=[(zeb.id, "victim"), (keeper.id, "perpetrator")])
        retention.mark_for_deletion(session, "JAG-19-0001", TODAY, YEARS)
    [erasure] = retention.purge(store, TODAY, YEARS)
    with store.read() as session:
        names = set(session.scalars(select(Person.name)))
        assert names == {"Zebedee Quarrington", "Live Keeper", "Shared Person"}
        assert session.get(Case, case.id) is None
        assert session.get(Location, park.id).name == "Public Park"
        assert set(session.scalars(select(Incident.source_ref))) == {"P-2", "K-1"}
        assert (erasure.kept_people, erasure.kept_locations) == (2, 1)
        assert "kept 2 people and 1 locations" in erasure.summary()
        assert (erasure.counts["incidents"], erasure.counts["people"]) == (1, 1)


def test_each_purged_case_writes_exactly_one_audit_row(store, cfg):
    with store.write() as session:
        for n in range(3):
            _case_for(session, cfg, f"Person {n}", reference=f"JAG-19-001{n}")
            retention.mark_for_deletion(session, f"JAG-19-001{n}", TODAY, YEARS)
    with store.read() as session:
        last_id = audit.entries(session, limit=1)[0].id
    assert len(retention.purge(store, TODAY, YEARS)) == 3
    with store.read() as session:
        new = session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)).all()
        assert sorted(e.detail["reference"] for e in new) == [
            "JAG-19-0010", "JAG-19-0011", "JAG-19-0012"]
        assert {e.operation for e in new} == {"erasure"}


def test_sqlite_file_keeps_no_copy_of_unaudited_erased_rows(sqlite_store, cfg):
    """Rows loaded without per-row audit (as the demo and bulk loads do) leave no bytes behind."""
    from jagtui.store.db import sqlite_path

    with sqlite_store.write() as session:
        session.info["audit"] = False
        _case_for(session, cfg, "Quintessa Vandermolen", reference="JAG-19-0001",
                  address="99 Nowhere Row")
        session.info["audit"] = True
        retention.mark_for_deletion(session, "JAG-19-0001", TODAY, YEARS)
    path = sqlite_path(sqlite_store.url)
    files = [path, path.with_name(path.name + "-wal")]
    assert any(b"Vandermolen" in f.read_bytes() for f in files if f.exists())
    retention.purge(sqlite_store, TODAY, YEARS)
    for f in files:
        if f.exists():
            assert b"Vandermolen" not in f.read_bytes(), f
            assert b"99 Nowhere Row" not in f.read_bytes(), f


# --- The command line -------------------------------------------------------------------------


def test_retention_commands(tmp_path, cfg, monkeypatch, capsys):
    """review (today's real date), retain, delete, purge: admins only, purge confirmed."""
    import os

    from dateutil.relativedelta import relativedelta

    from jagtui import cli
    from jagtui.store.db import create_store
    from jagtui.store.users import add_user

    today = date.today()
    six_years_ago = today - relativedelta(years=6)
    path = tmp_path / "jag.db"
    store = create_store(f"sqlite:///{path}", "boss")
    with store.write() as session:
        add_user(session, "boss", "The Boss", role="admin")
        _case_for(session, cfg, "Exactly Six", closed_on=six_years_ago, reference="JAG-20-0001")
        _case_for(session, cfg, "Six And A Day", closed_on=six_years_ago - DAY,
                  reference="JAG-20-0002")
        _case_for(session, cfg, "Older Still", closed_on=six_years_ago - 400 * DAY,
                  reference="JAG-19-0003")
    store.dispose()
    monkeypatch.setattr("jagtui.identity.current_login", lambda: "boss")
    umask = os.umask(0o077)

    def jagtui(*argv):
        status = cli.main([*argv, "--db", str(path)])
        out, err = capsys.readouterr()
        return status, out, err

    try:
        status, out, _ = jagtui("retention", "review")
        assert status == 0
        assert "JAG-20-0001" not in out
        assert (f"JAG-19-0003\tclosed {(six_years_ago - 400 * DAY).isoformat()}\t"
                "due for review\tMoved away") in out
        assert out.index("JAG-19-0003") < out.index("JAG-20-0002")
        status, out, _ = jagtui("retention", "retain", "JAG-20-0002", "--reason", "Appeal",
                                "--until", "+1y")
        assert (status, out) == (0, f"JAG-20-0002 retained until "
                                    f"{(today + relativedelta(years=1)).isoformat()}\n")
        assert jagtui("retention", "retain", "JAG-20-0001", "--reason", "x", "--until", "+1y")[
            2].startswith("jagtui: JAG-20-0001 was closed on")
        assert jagtui("retention", "delete", "JAG-19-0003")[0] == 0
        status, _, err = jagtui("retention", "purge")  # standard input is not a terminal
        assert (status, err) == (2, "jagtui: Not confirmed: run again with --yes, or from a "
                                    "terminal\n")
        status, out, _ = jagtui("retention", "purge", "--yes")
        assert status == 0 and "Erased JAG-19-0003: erased " in out
        status, out, _ = jagtui("retention", "review")
        assert "No closed case is past its 6-year retention period." in out
    finally:
        os.umask(umask)


def test_purge_erases_the_case_s_asb_case_review_and_its_recommendations(store, cfg):
    """The applicant's name, what was reported and the findings go with the case."""
    with store.write() as session:
        case, zeb, _meeting = _zebedee(session, cfg)
        review = case_reviews.add_application(
            session, cfg, received_on=CLOSED - timedelta(days=100), person_id=zeb.id,
            applicant_name="Mrs Quarrington", applicant_relation="daughter",
            case_reference="JAG-19-0001", summary="Zebedee reported noise three times")
        case_reviews.update_application(session, cfg, review.id, None, {
            "threshold": "met", "decided_on": CLOSED - timedelta(days=95),
            "review_on": CLOSED - timedelta(days=90),
            "findings": "Zebedee Quarrington was not visited"})
        case_reviews.add_recommendation(session, review.id, text="Visit Zebedee weekly",
                                        owner="PC Example", due_on=CLOSED - timedelta(days=60))
        other, _ = _case_for(session, cfg, "Other Person", reference="JAG-19-0009")
        kept = case_reviews.add_application(session, cfg, received_on=CLOSED, person_id=None,
                                            applicant_name="Other Person",
                                            case_reference="JAG-19-0009")
    with store.write() as session:
        retention.mark_for_deletion(session, "JAG-19-0001", TODAY, YEARS, "Period ended")
    [erasure] = retention.purge(store, TODAY, YEARS)
    assert (erasure.counts["case_reviews"], erasure.counts["case_review_actions"]) == (1, 1)
    assert erasure.counts["actions"] == 2  # the meeting's action and the recommendation
    with store.read() as session:
        dump = _everything_but_the_audit_log(session)
        assert [s for s in SECRETS if s in dump] == []
        assert [r.id for r in session.scalars(select(CaseReview))] == [kept.id]
        assert session.scalars(select(CaseReviewAction)).all() == []
        assert "Other Person" in dump
