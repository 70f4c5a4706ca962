"""The store, run against SQLite and the real PostgreSQL alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jagtui.store import actions, audit, caselist, cases, incidents, interventions, meetings, people
from jagtui.store import plan, risk, users
from jagtui.store.db import (
    HEAD_REVISION, check_schema, create_store, current_revision, head_revision, make_engine,
)
from jagtui.store.errors import Conflict, Invalid, NotFound, StoreError
from jagtui.store.models import AuditEntry

TODAY = date(2026, 11, 22)
CATS = ["ASB-PERSONAL", "ASB-NUISANCE", "HATE", "ASSAULT"]


def _victim_case(session, name="Ann Example", reference=""):
    person = people.add_person(session, name, date_of_birth=date(1950, 3, 1),
                               address="1 Larkspur Close", beat="62")
    case = cases.open_case(session, case_type="victim", title=f"{name} household", subgroup="JAG",
                           lead_agency="POLICE", opened_on=TODAY - timedelta(days=100),
                           beat="62", reference=reference)
    cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
    return case, person


def _incident(session, person_id, days_ago, ref, category="ASB-PERSONAL", hate=False):
    return incidents.add_incident(
        session, occurred_on=TODAY - timedelta(days=days_ago), category=category,
        source="police", source_ref=ref, categories=CATS, hate=hate, people=[(person_id, "victim")],
    )


def test_migrations_reach_head_and_match_the_models(store):
    assert current_revision(store.engine) == head_revision() == HEAD_REVISION
    check_schema(store.engine)
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_create_read_update_case_and_parties(store):
    with store.write() as session:
        case, person = _victim_case(session)
        case_id, person_id = case.id, person.id
    with store.read() as session:
        got = cases.get_case(session, case_id)
        assert got.reference == "JAG-26-0001"
        assert got.created_by == "tester" and got.version == 1
        linked = cases.parties(session, case_id)
        assert [(p.role, who.name) for p, who, _ in linked] == [("victim", "Ann Example")]
    with store.write() as session:
        cases.update_case(session, case_id, 1, rag="red")
    with store.read() as session:
        got = cases.get_case(session, case_id)
        assert (got.rag, got.version) == ("red", 2)
        assert cases.find_case(session, "JAG-26-0001").id == case_id
        assert people.get_person(session, person_id).date_of_birth == date(1950, 3, 1)


def test_references_number_on(store):
    with store.write() as session:
        first, _ = _victim_case(session, "A One")
        second, _ = _victim_case(session, "B Two")
        assert (first.reference, second.reference) == ("JAG-26-0001", "JAG-26-0002")


def test_stale_version_is_a_conflict_showing_both_values(store):
    with store.write() as session:
        case, _ = _victim_case(session)
    with store.write() as session:
        cases.update_case(session, case.id, 1, rag="red")
    with pytest.raises(Conflict) as caught, store.write() as session:
        cases.update_case(session, case.id, 1, rag="green")
    assert caught.value.theirs == {"rag": "red"} and caught.value.yours == {"rag": "green"}
    assert "tester" in str(caught.value)
    with store.read() as session:
        assert cases.get_case(session, case.id).rag == "red"


def test_bad_values_are_refused_with_words(store):
    with store.write() as session:
        case, _ = _victim_case(session)
    with pytest.raises(Invalid, match="RAG must be one of"), store.write() as session:
        cases.update_case(session, case.id, None, rag="purple")
    with pytest.raises(Invalid, match="Category must be one of"), store.write() as session:
        incidents.add_incident(session, occurred_on=TODAY, category="NOPE", source="police",
                               source_ref="X", categories=CATS)
    with pytest.raises(NotFound, match="No case with id 999"), store.read() as session:
        cases.get_case(session, 999)
    with pytest.raises(Invalid, match="Cannot set version"), store.write() as session:
        cases.update_case(session, case.id, None, version=7)


def test_every_change_is_audited_and_the_log_is_append_only(store):
    with store.write() as session:
        case, _ = _victim_case(session)
    with store.write() as session:
        cases.update_case(session, case.id, None, rag="red", lead_officer="PC Example")
        audit.record(session, "view", table_name="cases", record_id=case.id, case_id=case.id)
    with store.read() as session:
        rows = audit.entries(session, case_id=case.id)
    ops = [(row.operation, row.table_name) for row in reversed(rows)]
    assert ops == [("create", "cases"), ("create", "case_parties"), ("update", "cases"),
                   ("view", "cases")]
    update = rows[1]
    assert update.login == "tester"
    assert update.detail == {"rag": {"before": "amber", "after": "red"},
                             "lead_officer": {"before": "", "after": "PC Example"}}
    for statement in ("UPDATE audit_log SET login = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.write() as session:
            session.execute(text(statement))
    with store.read() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_log")) == len(
            audit.entries(session, limit=10_000))


def test_case_rows_carry_flags_harm_risk_and_actions(store, cfg):
    with store.write() as session:
        case, person = _victim_case(session)
        quiet, quiet_person = _victim_case(session, "Bo Quiet")
        for n, days in enumerate((5, 40, 150)):
            _incident(session, person.id, days, f"S-{n}")
        _incident(session, quiet_person.id, 10, "Q-1")
        _incident(session, quiet_person.id, 200, "Q-2")
        risk.record_assessment(session, cfg.risk, case_id=case.id, assessed_on=TODAY - timedelta(30),
                               assessor="PC Example", answers={"ongoing": 1, "targeted": 1,
                               "fear": 1, "health": 1, "hate": 1, "disability": 1},
                               review_due=TODAY - timedelta(2))
        actions.add_action(session, ref="011026 Item 4", text="Visit", owner="PC Example",
                           due_on=TODAY - timedelta(1), case_id=case.id)
        actions.add_action(session, ref="011026 Item 4", text="Letter", owner="ASB officer",
                           due_on=TODAY + timedelta(7), case_id=case.id)
    with store.read() as session:
        rows = {row.reference: row for row in caselist.case_rows(session, cfg, TODAY)}
    flagged, calm = rows[case.reference], rows[quiet.reference]
    assert flagged.has_flag("community_trigger") and not calm.has_flag("community_trigger")
    assert flagged.has_flag("review_overdue") and flagged.has_flag("vulnerable")
    assert flagged.risk_level == "medium"
    assert (flagged.open_actions, flagged.overdue_actions) == (2, 1)
    weight = cfg.category_by_key["ASB-PERSONAL"].harm_weight
    assert flagged.harm.index == 2 * weight  # 5 and 40 days ago fall in the 90-day window
    assert flagged.subject == "Ann Example" and flagged.subject_is_person
    trigger = next(f for f in flagged.flags if f.code == "community_trigger")
    assert trigger.refs == ("S-2", "S-1", "S-0")


def test_search_is_literal_not_sql(store, cfg):
    with store.write() as session:
        _victim_case(session, "Robert'); DROP TABLE cases;--")
        _victim_case(session, "100% Genuine_Name")
        _victim_case(session, "Plain Person")
    with store.read() as session:
        assert [r.subject for r in caselist.case_rows(session, cfg, TODAY, search="DROP TABLE")] == [
            "Robert'); DROP TABLE cases;--"]
        assert [r.subject for r in caselist.case_rows(session, cfg, TODAY, search="100%")] == [
            "100% Genuine_Name"]
        assert caselist.case_rows(session, cfg, TODAY, search="%") == [] or all(
            "%" in r.subject for r in caselist.case_rows(session, cfg, TODAY, search="%"))
        assert caselist.case_rows(session, cfg, TODAY, search="_") != []
        assert len(caselist.case_rows(session, cfg, TODAY)) == 3
        assert [p.name for p in people.search_people(session, "genuine_")] == ["100% Genuine_Name"]


def test_interventions_breaches_and_outcomes(store):
    with store.write() as session:
        person = people.add_person(session, "Young Example", date_of_birth=date(2011, 5, 5))
        case = cases.open_case(session, case_type="perpetrator", title="Young Example",
                               subgroup="YJAG", lead_agency="YOS", opened_on=TODAY)
        cases.link_party(session, case.id, "perpetrator", person_id=person.id, primary=True)
        steps = ["ADVICE", "LETTER", "ABC"]
        letter = interventions.record_intervention(
            session, case_id=case.id, step="LETTER", steps=steps, issuing_agency="POLICE",
            issued_on=TODAY - timedelta(60), person_id=person.id)
        interventions.record_breach(session, letter.id, TODAY - timedelta(10), "seen on CCTV")
        abc = interventions.record_intervention(
            session, case_id=case.id, step="ABC", steps=steps, issuing_agency="CBC-ASB",
            issued_on=TODAY - timedelta(5), review_on=TODAY + timedelta(180))
    with store.write() as session:
        interventions.set_outcome(session, abc.id, 1, "complied")
    with store.read() as session:
        history = interventions.for_case(session, case.id)
    assert [(i.step, i.outcome, [b.breached_on for b in bs]) for i, bs in history] == [
        ("LETTER", "breached", [TODAY - timedelta(10)]), ("ABC", "complied", [])]


def test_actions_updates_and_completion(store):
    with store.write() as session:
        action = actions.add_action(session, ref="200521 Item 7", text="Liaise with VRN",
                                    owner="S Example", due_on=TODAY)
        actions.add_update(session, action.id, TODAY, "Chased; carried forward")
        actions.add_update(session, action.id, TODAY + timedelta(42), "Done", status="complete")
    with store.read() as session:
        assert actions.action_rows(session) == []
        (row,) = actions.action_rows(session, status="complete")
        assert row.latest_update.text == "Done" and row.action.completed_on == TODAY + timedelta(42)
        assert [u.text for u in actions.updates(session, action.id)] == [
            "Chased; carried forward", "Done"]


def test_meetings_items_notes_and_history(store):
    with store.write() as session:
        case, _ = _victim_case(session)
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG", chair="Chair One")
        meetings.add_attendee(session, meeting.id, "Ann Officer", "Leicestershire Police")
        meetings.add_attendee(session, meeting.id, "Bob Absent", "Probation Service", "apology")
        item = meetings.add_item(session, meeting.id, "high risk", "High-risk case", case.id)
        meetings.add_note(session, item.id, "Three incidents since the last meeting")
        meetings.add_note(session, item.id, "That a CPW is issued", "agreed")
    with store.read() as session:
        assert meetings.last_meeting_date(session) == TODAY
        assert [a.kind for a in meetings.attendance(session, meeting.id)] == ["present", "apology"]
        ((met, got, notes),) = meetings.case_history(session, case.id)
        assert (met.id, got.number, [n.number for n in notes]) == (meeting.id, 1, [1, 2])
        assert notes[1].kind == "agreed"


def test_plan_updates_one_per_quarter(store):
    with store.write() as session:
        priority = plan.add_priority(session, "P2", "Youth ASB", "2023-26")
        objective = plan.add_objective(session, priority.id, 1, "Reduce youth ASB")
        action = plan.add_plan_action(session, objective.id, 1, "Diversionary activities",
                                      lead="YOS", measures="Young people engaged")
        plan.set_update(session, action.id, "2026/27 Q2", "on track", "Two projects funded")
        plan.set_update(session, action.id, "2026/27 Q3", "at risk", "Funding delayed")
        plan.set_update(session, action.id, "2026/27 Q3", "on track", "Funding confirmed")
    with store.read() as session:
        (line,) = plan.plan_lines(session)
    assert [(u.quarter, u.status) for u in line.updates] == [
        ("2026/27 Q2", "on track"), ("2026/27 Q3", "on track")]


def test_users_roles(store):
    with store.write() as session:
        users.add_user(session, "chair1", "Chair One", "CBC-ASB", "chair")
        with pytest.raises(Invalid, match="already exists"):
            users.add_user(session, "chair1", "Again")
    with store.write() as session:
        users.set_role(session, "chair1", "viewer")
        users.set_active(session, "chair1", False)
    with store.read() as session:
        user = users.get_user(session, "chair1")
        assert (user.role, user.active) == ("viewer", False)
    with pytest.raises(Invalid, match="Role must be one of"), store.write() as session:
        users.set_role(session, "chair1", "superuser")


def test_strange_text_round_trips_unchanged(store):
    strange = "[bold]x[/] \x1b[31mred\x1b[0m \u202eevil\u202c 🙂 " + "é" * 150
    long_notes = strange + "ü" * 100_000
    with store.write() as session:
        person = people.add_person(session, strange, notes=long_notes)
    with store.read() as session:
        got = people.get_person(session, person.id)
    assert got.name == strange and got.notes == long_notes


def test_text_too_long_or_with_nul_is_refused_in_words(store):
    with pytest.raises(Invalid, match="Name is too long: at most 200 characters"):
        with store.write() as session:
            people.add_person(session, "x" * 201)
    with pytest.raises(Invalid, match="Notes contains a NUL character"):
        with store.write() as session:
            people.add_person(session, "Nul Example", notes="a\x00b")
    with store.read() as session:
        assert people.search_people(session, "example") == []


def test_an_empty_or_foreign_database_is_refused(tmp_path):
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}", create=True)
    with pytest.raises(StoreError, match="is empty: run `jagtui db upgrade`"):
        check_schema(empty)
    with empty.begin() as conn:
        conn.execute(text("CREATE TABLE other (x int)"))
    with pytest.raises(StoreError, match="not a jagtui database"):
        check_schema(empty)
    empty.dispose()


def test_a_database_behind_or_ahead_is_refused(tmp_path):
    store = create_store(f"sqlite:///{tmp_path / 'x.db'}", "tester")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(StoreError, match="newer than this jagtui"):
        check_schema(store.engine)
    store.dispose()


def test_sqlite_pragmas_and_file_mode(sqlite_store, tmp_path):
    with sqlite_store.read() as session:
        assert session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert session.scalar(text("PRAGMA foreign_keys")) == 1
        assert session.scalar(text("PRAGMA synchronous")) == 2
        assert session.scalar(text("PRAGMA busy_timeout")) == 10000
    assert (tmp_path / "test.db").stat().st_mode & 0o777 == 0o600


def test_foreign_keys_are_enforced(store):
    with pytest.raises(DBAPIError), store.write() as session:
        session.execute(text(
            "INSERT INTO case_parties (created_at, created_by, updated_at, updated_by, version,"
            " case_id, person_id, role, \"primary\") VALUES"
            " (CURRENT_TIMESTAMP, 'x', CURRENT_TIMESTAMP, 'x', 1, 424242, NULL, 'victim', false)"))


def test_upgrading_an_older_schema_keeps_its_data(db_url):
    from jagtui.store.db import make_engine, upgrade

    engine = make_engine(db_url, create=True)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO people (created_at, created_by, updated_at, updated_by, version, name,"
            " address, postcode, beat, phone, vulnerabilities, notes) VALUES (CURRENT_TIMESTAMP,"
            " 'x', CURRENT_TIMESTAMP, 'x', 1, 'Kept Person', '', '', '', '', '', '')"))
    with pytest.raises(StoreError, match="behind"):
        check_schema(engine)
    upgrade(engine)
    check_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM people")).scalars().all() == ["Kept Person"]
    engine.dispose()


def test_youth_and_trigger_flags_follow_the_case_subject(store, cfg):
    with store.write() as session:
        case, victim = _victim_case(session, "Old Victim")
        child = people.add_person(session, "Young Householder", date_of_birth=date(2015, 1, 1))
        cases.link_party(session, case.id, "household member", person_id=child.id)
        youth = people.add_person(session, "Young Perp", date_of_birth=date(2011, 1, 1))
        perp = cases.open_case(session, case_type="perpetrator", title="Young Perp",
                               subgroup="YJAG", lead_agency="YOS", opened_on=TODAY)
        cases.link_party(session, perp.id, "perpetrator", person_id=youth.id, primary=True)
        for n in range(3):
            incidents.add_incident(session, occurred_on=TODAY - timedelta(days=n + 1),
                                   category="ASB-PERSONAL", source="police", source_ref=f"Y-{n}",
                                   categories=CATS, people=[(youth.id, "victim")])
    with store.read() as session:
        rows = {row.id: row for row in caselist.case_rows(session, cfg, TODAY)}
    assert not rows[case.id].has_flag("youth")
    assert rows[perp.id].has_flag("youth")
    assert not rows[perp.id].has_flag("community_trigger")
    with pytest.raises(Invalid, match="Status must be one of"), store.write() as session:
        cases.open_case(session, case_type="victim", title="x", subgroup="JAG",
                        lead_agency="POLICE", opened_on=TODAY, status="pending")


def test_matching_case_ids_is_literal_and_covers_party_names(store, cfg):
    with store.write() as session:
        first, _ = _victim_case(session, "Robert'); DROP TABLE cases;--")
        second, _ = _victim_case(session, "50% Off_Name")
    with store.read() as session:
        assert caselist.matching_case_ids(session, "drop table") == {first.id}
        assert caselist.matching_case_ids(session, "50%") == {second.id}
        assert caselist.matching_case_ids(session, "JAG-26-0002") == {second.id}
        assert caselist.matching_case_ids(session, "nobody here") == set()


def test_a_lookup_with_nul_is_a_clear_refusal_or_nothing_never_a_driver_error(store):
    from sqlalchemy import select

    from jagtui.store.models import Case

    with store.read() as session:
        if store.is_sqlite:
            assert session.scalars(select(Case).where(Case.reference == "JAG\x00")).all() == []
        else:
            with pytest.raises(Invalid, match="NUL"):
                session.scalars(select(Case).where(Case.reference == "JAG\x00")).all()
        # The session stays usable afterwards.
        assert session.scalars(select(Case).where(Case.reference == "JAG")).all() == []
