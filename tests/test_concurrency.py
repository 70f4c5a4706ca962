"""Several people at once, in separate processes, on SQLite and PostgreSQL.

Writers queue rather than fail (WAL, BEGIN IMMEDIATE and a busy timeout on
SQLite; row locks on PostgreSQL), and two people saving the same field from the
same starting point never silently overwrite each other: the second gets a
Conflict that carries both values.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import store_workers
from sqlalchemy import func, select, text

from jagtui.store import audit, cases
from jagtui.store.changes import latest_change
from jagtui.store.db import create_store
from jagtui.store.models import AuditEntry, Person

WRITES = 500
TODAY = date(2026, 11, 22)


def _spawn():
    return multiprocessing.get_context("spawn")


def _run(ctx, target, argsets, timeout=180):
    results = ctx.Queue()
    barrier = ctx.Barrier(len(argsets))
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in argsets]
    for proc in procs:
        proc.start()
    found = [results.get(timeout=timeout) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    return found


def test_two_processes_write_500_times_each_without_a_lock_error(db_url):
    store = create_store(db_url, "setup")
    store.dispose()
    found = _run(_spawn(), store_workers.write_people,
                 [(db_url, "alice", WRITES), (db_url, "bob", WRITES)])
    for login, errors in found:
        assert errors == [], f"{login}: {errors[:3]}"
    store = create_store(db_url, "checker")
    try:
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(Person)) == 2 * WRITES
            per_login = dict(session.execute(
                select(Person.created_by, func.count()).group_by(Person.created_by)).all())
            assert per_login == {"alice": WRITES, "bob": WRITES}
            # (Whether their rows interleave is up to the scheduler: SQLite's busy
            # handler lets a writer that holds the lock take it again, so on a loaded
            # machine one process may finish first. The barrier starts them together.)
            # Each write audited in its own transaction: one create row per person.
            created = session.scalar(select(func.count()).select_from(AuditEntry)
                                     .where(AuditEntry.table_name == "people"))
            assert created == 2 * WRITES
            if store.is_sqlite:
                assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        store.dispose()


def test_a_clash_between_two_processes_is_a_conflict_with_both_values(db_url):
    store = create_store(db_url, "setup")
    with store.write() as session:
        case_id = cases.open_case(session, case_type="location", title="Riverside Park",
                                  subgroup="JAG", lead_agency="POLICE", opened_on=TODAY).id
    store.dispose()
    for round_ in range(3):
        found = _run(_spawn(), store_workers.edit_title, [
            (db_url, "alice", case_id, f"Riverside Park (Alice {round_})"),
            (db_url, "bob", case_id, f"Riverside Park (Bob {round_})"),
        ])
        outcomes = {login: (what, detail) for login, what, detail in found}
        assert sorted(what for what, _ in outcomes.values()) == ["conflict", "saved"], outcomes
        winner = next(login for login, (what, _) in outcomes.items() if what == "saved")
        loser = "bob" if winner == "alice" else "alice"
        message, theirs, yours, by = outcomes[loser][1]
        assert theirs == {"title": f"Riverside Park ({winner.title()} {round_})"}
        assert yours == {"title": f"Riverside Park ({loser.title()} {round_})"}
        assert by == winner
        assert winner in message and "title" in message
        store = create_store(db_url, "checker")
        with store.read() as session:
            assert cases.get_case(session, case_id).title == theirs["title"]
        store.dispose()


def test_latest_change_moves_on_changes_not_on_reading(store):
    with store.read() as session:
        assert latest_change(session) == 0
    with store.write() as session:
        case = cases.open_case(session, case_type="location", title="Bus station", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY)
    with store.read() as session:
        after_create = latest_change(session)
    assert after_create > 0
    with store.write() as session:
        audit.record(session, "view", table_name="cases", record_id=case.id, case_id=case.id)
        audit.record(session, "search", table_name="cases", text="bus")
    with store.read() as session:
        assert latest_change(session) == after_create
    with store.write() as session:
        cases.update_case(session, case.id, case.version, title="Bus station (east)")
    with store.read() as session:
        assert latest_change(session) > after_create


def test_soak_two_processes_500_mixed_writes_each(db_url):
    """People, cases, edits of one shared case and one shared action, points on one item:
    0 errors, every row present, references and point numbers unique, every change audited."""
    import time

    from jagtui.store import actions, meetings
    from jagtui.store.models import Action, Case, ItemNote

    store = create_store(db_url, "setup")
    with store.write() as session:
        case_id = cases.open_case(session, case_type="location", title="Shared", subgroup="JAG",
                                  lead_agency="POLICE", opened_on=TODAY).id
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        item_id = meetings.add_item(session, meeting.id, "aob", "Any other business").id
        action_id = actions.add_action(session, ref="221126 Item 1", text="Visit",
                                       owner="Dee Housing").id
    store.dispose()
    started = time.monotonic()
    found = _run(_spawn(), store_workers.mixed_writes, [
        (db_url, login, WRITES, case_id, item_id, action_id) for login in ("alice", "bob")])
    took = time.monotonic() - started
    done = {login: counts for login, _errors, counts in found}
    for login, errors, _counts in found:
        assert errors == [], f"{login}: {len(errors)} errors, e.g. {errors[:2]}"
    store = create_store(db_url, "checker")
    try:
        with store.read() as session:
            made = {key: sum(counts[key] for counts in done.values())
                    for key in ("people", "cases", "points", "edits", "conflicts")}
            assert made["people"] == made["cases"] == 2 * WRITES // 5
            assert made["points"] == 2 * WRITES // 5
            assert made["edits"] + made["conflicts"] == 2 * 2 * WRITES // 5
            assert session.scalar(select(func.count()).select_from(Person)) == made["people"]
            references = list(session.scalars(select(Case.reference)))
            assert len(references) == len(set(references)) == made["cases"] + 1
            numbers = sorted(session.scalars(select(ItemNote.number)))
            assert numbers == list(range(1, made["points"] + 1))
            # Every saved edit is one audit row; none was lost (versions count them).
            edits = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.operation == "update", AuditEntry.table_name.in_(("cases", "actions"))))
            versions = (session.get(Case, case_id).version - 1) + (session.get(Action, action_id).version - 1)
            assert edits == versions == made["edits"]
    finally:
        store.dispose()
    assert took < 60, took
    print(f"soak {store.engine.dialect.name}: {took:.1f} s, {done}")
