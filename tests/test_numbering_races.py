"""Numbers people quote never collide, with two processes adding at once, on both databases.

Before: on PostgreSQL 2x200 new cases gave 195 IntegrityErrors (reference =
highest + 1, read by both) and 2x200 points on one item 140 duplicated numbers.
"""

from __future__ import annotations

import time
from datetime import date

import store_workers
from sqlalchemy import func, select
from test_concurrency import _run, _spawn

from jagtui.store import cases, meetings
from jagtui.store.db import create_store
from jagtui.store.models import AuditEntry, Case, ItemNote

TODAY = date(2026, 11, 22)
EACH = 200


def test_two_processes_open_200_cases_each_with_distinct_references(db_url):
    store = create_store(db_url, "setup")
    store.dispose()
    started = time.monotonic()
    found = _run(_spawn(), store_workers.open_cases, [(db_url, "alice", EACH), (db_url, "bob", EACH)])
    took = time.monotonic() - started
    for login, errors in found:
        assert errors == [], f"{login}: {len(errors)} errors, e.g. {errors[:2]}"
    store = create_store(db_url, "checker")
    try:
        with store.read() as session:
            references = list(session.scalars(select(Case.reference)))
            assert len(references) == len(set(references)) == 2 * EACH
            assert sorted(references) == [f"JAG-26-{n:04d}" for n in range(1, 2 * EACH + 1)]
            assert session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.table_name == "cases")) == 2 * EACH
    finally:
        store.dispose()
    print(f"2x{EACH} cases on {store.engine.dialect.name}: {took:.1f} s")


def test_two_processes_add_200_points_each_to_one_item_with_distinct_numbers(db_url):
    store = create_store(db_url, "setup")
    with store.write() as session:
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        item_id = meetings.add_item(session, meeting.id, "aob", "Any other business").id
    store.dispose()
    started = time.monotonic()
    found = _run(_spawn(), store_workers.record_points,
                 [(db_url, "alice", item_id, EACH), (db_url, "bob", item_id, EACH)])
    took = time.monotonic() - started
    for login, errors in found:
        assert errors == [], f"{login}: {len(errors)} errors, e.g. {errors[:2]}"
    store = create_store(db_url, "checker")
    try:
        with store.read() as session:
            numbers = sorted(session.scalars(select(ItemNote.number).where(ItemNote.item_id == item_id)))
            assert numbers == list(range(1, 2 * EACH + 1))
            agreed = session.scalar(select(func.count()).select_from(ItemNote)
                                    .where(ItemNote.kind == "agreed"))
            assert agreed == 2 * (EACH // 5)
    finally:
        store.dispose()
    print(f"2x{EACH} points on {store.engine.dialect.name}: {took:.1f} s")


def test_a_reference_is_never_handed_out_again(store):
    """Even after the case that had it is gone (a retention erasure), and past 9999."""
    with store.write() as session:
        first = cases.open_case(session, case_type="location", title="A", subgroup="JAG",
                                lead_agency="POLICE", opened_on=TODAY)
        assert first.reference == "JAG-26-0001"
        session.delete(first)
    with store.write() as session:
        second = cases.open_case(session, case_type="location", title="B", subgroup="JAG",
                                 lead_agency="POLICE", opened_on=TODAY)
        assert second.reference == "JAG-26-0002"
        cases.open_case(session, case_type="location", title="C", subgroup="JAG",
                        lead_agency="POLICE", opened_on=TODAY, reference="JAG-26-9999")
        assert cases.open_case(session, case_type="location", title="D", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY).reference == "JAG-26-10000"
        assert cases.open_case(session, case_type="location", title="E", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY).reference == "JAG-26-10001"
        assert cases.open_case(session, case_type="location", title="F", subgroup="JAG",
                               lead_agency="POLICE",
                               opened_on=date(2027, 1, 4)).reference == "JAG-27-0001"


def test_the_upgrade_repairs_duplicate_numbers_an_older_jagtui_let_through(db_url):
    """Duplicates are renumbered in their order (ties by when added), refs follow, audited."""
    from sqlalchemy import text

    from jagtui.store.db import make_engine, upgrade

    engine = make_engine(db_url, create=True)
    upgrade(engine, "0002")
    stamp = ("'2026-11-22 10:00:00', 'old', '2026-11-22 10:00:00', 'old', 1")
    tracked = "created_at, created_by, updated_at, updated_by, version"
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO meetings (id, {tracked}, held_on, starts_at, place, "
                          f"subgroup, chair, status) VALUES (1, {stamp}, '2026-11-22', '', '', "
                          "'JAG', '', 'final')"))
        for item_id, number in ((1, 1), (2, 2), (3, 2), (4, 3)):
            conn.execute(text(f"INSERT INTO meeting_items (id, {tracked}, meeting_id, number, kind, "
                              f"title) VALUES ({item_id}, {stamp}, 1, {number}, 'other', 'x')"))
        for note_id, number in ((1, 1), (2, 1), (3, 2)):
            conn.execute(text(f"INSERT INTO item_notes (id, {tracked}, item_id, number, kind, text) "
                              f"VALUES ({note_id}, {stamp}, 3, {number}, 'point', 'n')"))
        conn.execute(text(f"INSERT INTO actions (id, {tracked}, ref, item_id, text, owner, owner_agency, status) "
                          f"VALUES (1, {stamp}, '221126 Item 3', 4, 'Do it', 'Dee', '', 'open')"))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, number FROM meeting_items ORDER BY id")).all() == [
            (1, 1), (2, 2), (3, 3), (4, 4)]
        assert conn.execute(text("SELECT id, number FROM item_notes ORDER BY id")).all() == [
            (1, 1), (2, 2), (3, 3)]
        assert conn.scalar(text("SELECT ref FROM actions")) == "221126 Item 4"
        repaired = conn.execute(text("SELECT table_name, record_id, login FROM audit_log "
                                     "ORDER BY table_name, record_id")).all()
    assert repaired == [("actions", 1, "jagtui db upgrade"), ("item_notes", 2, "jagtui db upgrade"),
                        ("item_notes", 3, "jagtui db upgrade"),
                        ("meeting_items", 3, "jagtui db upgrade"),
                        ("meeting_items", 4, "jagtui db upgrade")]
    engine.dispose()
