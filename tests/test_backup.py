"""``jagtui backup`` and ``jagtui restore``: a tested round trip through SQLite's backup API."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text

from jagtui.cli import main
from jagtui.identity import current_login
from jagtui.store import actions, audit, cases, incidents, people, users
from jagtui.store.db import create_store, open_store
from jagtui.store.models import AuditEntry, Case

TODAY = date(2026, 11, 22)


@pytest.fixture
def jagtui(capsys):
    """Run the CLI in-process; its umask change is undone afterwards."""

    def run(*argv: str) -> tuple[int, str, str]:
        old = os.umask(0o022)
        os.umask(old)
        try:
            code = main(list(argv))
        finally:
            os.umask(old)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _fill(store, role: str = "admin") -> None:
    with store.write() as session:
        users.add_user(session, current_login(), "Test Admin", role=role)
        for n in range(5):
            person = people.add_person(session, f"Person {n}", address=f"{n} Mill Lane",
                                       notes="Notes with 'quotes', \"doubles\" and ünïcödé")
            case = cases.open_case(session, case_type="victim", title=f"Case {n}", subgroup="JAG",
                                   lead_agency="POLICE", opened_on=TODAY - timedelta(days=n))
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
            incidents.add_incident(session, occurred_on=TODAY - timedelta(days=n), category="ASB-PERSONAL",
                                   source="police", source_ref=f"CAD-{n}", categories=["ASB-PERSONAL"],
                                   people=[(person.id, "victim")])
            actions.add_action(session, ref=f"261122 Item {n}", text="Visit", owner="PC Example",
                               case_id=case.id, due_on=TODAY + timedelta(days=14))
        audit.record(session, "view", table_name="cases", record_id=1, case_id=1)


def _counts(url: str) -> dict[str, int]:
    store = open_store(url, "checker")
    try:
        names = sa_inspect(store.engine).get_table_names()
        with store.read() as session:
            return {name: session.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
                    for name in names}
    finally:
        store.dispose()


def _case(url: str, reference: str) -> dict:
    store = open_store(url, "checker")
    try:
        with store.read() as session:
            case = session.scalar(select(Case).where(Case.reference == reference))
            return case.model_dump()
    finally:
        store.dispose()


def test_backup_and_restore_round_trip(tmp_path, jagtui):
    live = tmp_path / "live" / "jagtui.db"
    store = create_store(f"sqlite:///{live}", "setup")
    _fill(store)
    store.dispose()
    before = _counts(f"sqlite:///{live}")
    reference = _case(f"sqlite:///{live}", "JAG-26-0003")

    code, out, err = jagtui("backup", str(tmp_path / "nightly.db"), "--db", str(live))
    assert code == 0, err
    assert "integrity check ok" in out and "5 cases" in out
    backup_file = tmp_path / "nightly.db"
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    assert not (tmp_path / "nightly.db-wal").exists()
    with sqlite3.connect(backup_file) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restored = tmp_path / "restored" / "jagtui.db"
    code, out, err = jagtui("restore", str(backup_file), "--db", str(restored))
    assert code == 0, err
    assert "Restored 5 cases" in out
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    after = _counts(f"sqlite:///{restored}")
    # The same rows, plus the audit row of the restore (the backup's own row is
    # written to the live database once the backup is done).
    assert after["audit_log"] == before["audit_log"] + 1
    assert _counts(f"sqlite:///{live}")["audit_log"] == before["audit_log"] + 1
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    assert _case(f"sqlite:///{restored}", "JAG-26-0003") == reference
    store = open_store(f"sqlite:///{restored}", "checker")
    try:
        with store.read() as session:
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
            assert (last.operation, last.login) == ("restore", current_login())
            assert last.detail["source"] == str(backup_file)
    finally:
        store.dispose()


def test_backup_takes_a_consistent_snapshot_while_someone_is_writing(tmp_path):
    from jagtui.store.backup import backup

    live = tmp_path / "jagtui.db"
    store = create_store(f"sqlite:///{live}", "setup")
    _fill(store)
    # Another user's transaction is half done while the backup runs: the backup
    # neither waits for it nor includes it.
    conn = store.engine.connect()
    conn.exec_driver_sql("UPDATE cases SET title = 'uncommitted' WHERE id = 1")
    try:
        report = backup(store.engine, tmp_path)
    finally:
        conn.rollback()
        conn.close()
        store.dispose()
    assert report.path.parent == tmp_path and report.path.name.startswith("jagtui-backup-")
    assert report.cases == 5
    with sqlite3.connect(report.path) as raw:
        assert raw.execute("SELECT title FROM cases WHERE id = 1").fetchone() == ("Case 0",)


def test_restore_only_into_an_empty_place(tmp_path, jagtui):
    live = tmp_path / "jagtui.db"
    store = create_store(f"sqlite:///{live}", "setup")
    _fill(store)
    store.dispose()
    backup_file = tmp_path / "b.db"
    assert jagtui("backup", str(backup_file), "--db", str(live))[0] == 0

    code, _out, err = jagtui("restore", str(backup_file), "--db", str(live))
    assert code == 2 and "not empty" in err and err.count("\n") == 1
    # Never overwrites a backup either.
    code, _out, err = jagtui("backup", str(backup_file), "--db", str(live))
    assert code == 2 and "already exists" in err
    # Not a jagtui database, or not a database at all.
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE t (x)")
    code, _out, err = jagtui("restore", str(other), "--db", str(tmp_path / "new1.db"))
    assert code == 2 and "not a jagtui database" in err
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite" * 100)
    code, _out, err = jagtui("restore", str(junk), "--db", str(tmp_path / "new2.db"))
    assert code == 2 and "not a usable SQLite database" in err
    assert not (tmp_path / "new1.db").exists() and not (tmp_path / "new2.db").exists()
    # A backup from a newer jagtui is refused.
    newer = tmp_path / "newer.db"
    with sqlite3.connect(backup_file) as src, sqlite3.connect(newer) as dst:
        src.backup(dst)
        dst.execute("UPDATE alembic_version SET version_num = '9999_future'")
    code, _out, err = jagtui("restore", str(newer), "--db", str(tmp_path / "new3.db"))
    assert code == 2 and "newer than this jagtui" in err


def test_only_admins_back_up_or_restore(tmp_path, jagtui):
    live = tmp_path / "jagtui.db"
    store = create_store(f"sqlite:///{live}", "setup")
    _fill(store, role="member")
    store.dispose()
    code, _out, err = jagtui("backup", str(tmp_path / "b.db"), "--db", str(live))
    assert code == 2 and "admin" in err
    assert not (tmp_path / "b.db").exists()


def test_postgresql_gets_pg_dump_guidance(pg_database, jagtui):
    from testdb import reset_pg as _reset_pg

    _reset_pg(pg_database)
    store = create_store(pg_database, "setup")
    with store.write() as session:
        users.add_user(session, current_login(), "Test Admin", role="admin")
    store.dispose()
    code, out, err = jagtui("backup", "/tmp/jagtui.dump", "--db", pg_database)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "pg_dump --format=custom --file=/tmp/jagtui.dump postgresql://postgres@127.0.0.1" in err
