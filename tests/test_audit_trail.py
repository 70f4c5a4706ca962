"""The audit trail: one row per operation, append-only in the database, read and exported.

Each kind of operation (create, change, delete, view, search, export, login,
erasure) writes exactly one row; the database refuses to change or remove rows
(and, on PostgreSQL, to TRUNCATE the table); the export streams, filters and
neutralises spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from jagtui.export import audit_log
from jagtui.store import audit, cases, people, retention
from jagtui.store.casefile import record_view
from jagtui.store.casework import record_search
from jagtui.store.db import create_store
from jagtui.store.models import AuditEntry, CaseParty, User
from jagtui.store.users import add_user, record_login

TODAY = date(2026, 11, 22)


def _last_id(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


def _since(store, last: int) -> list[AuditEntry]:
    with store.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.id > last)
                                    .order_by(AuditEntry.id)))


def _case(session, name="Ann Example", reference=""):
    person = people.add_person(session, name, address="1 Larkspur Close")
    case = cases.open_case(session, case_type="victim", title=name, subgroup="JAG",
                           lead_agency="POLICE", opened_on=TODAY, reference=reference)
    cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
    return case, person


def test_each_operation_writes_exactly_one_row(store, cfg, tmp_path):
    """create, update, delete, view, search, export, login and erasure: one row each."""
    steps = []

    def step(name, do):
        last = _last_id(store)
        do()
        steps.append((name, [(e.operation, e.table_name) for e in _since(store, last)]))

    def create():
        with store.write() as session:
            people.add_person(session, "Bob Sample")

    def update():
        with store.write() as session:
            cases.update_case(session, case.id, None, rag="red")

    def remove():
        with store.write() as session:
            session.delete(session.scalar(select(CaseParty).where(CaseParty.case_id == case.id)))

    def view():
        with store.write() as session:
            record_view(session, cases.get_case(session, case.id))

    def search():
        with store.write() as session:
            record_search(session, "Example", 1)

    def login():
        with store.write() as session:
            user = add_user(session, "someone", "Some One")
        with store.write() as session:
            record_login(session, user, "ssh 203.0.113.9")

    def export():
        audit_log.export(store, audit.Filter(), "csv", tmp_path / "audit.csv")

    def erase():
        retention.purge(store, date(2033, 1, 1), 6)

    with store.write() as session:
        case, _ = _case(session, reference="JAG-26-0001")
        cases.close_case(session, case.id, None, TODAY, "Resolved")
        retention_case, _ = _case(session, "Cat Specimen", reference="JAG-26-0002")
        cases.close_case(session, retention_case.id, None, TODAY, "Resolved")
    with store.write() as session:
        retention.mark_for_deletion(session, "JAG-26-0002", date(2033, 1, 1), 6)
    for name, do in (("create", create), ("update", update), ("delete", remove), ("view", view),
                     ("search", search), ("export", export), ("erase", erase)):
        step(name, do)
    last = _last_id(store)
    login()
    assert [(e.operation, e.table_name) for e in _since(store, last)] == [
        ("create", "users"), ("login", "users")]
    assert steps == [
        ("create", [("create", "people")]),
        ("update", [("update", "cases")]),
        ("delete", [("delete", "case_parties")]),
        ("view", [("view", "cases")]),
        ("search", [("search", "cases")]),
        ("export", [("export", "audit_log")]),
        ("erase", [("erasure", "cases")]),
    ]


def test_change_rows_hold_before_and_after_and_who(store):
    with store.write() as session:
        case, person = _case(session)
    last = _last_id(store)
    with store.write() as session:
        people.update_person(session, person.id, None, address="2 Larkspur Close")
    with store.write() as session:
        session.delete(session.scalar(select(CaseParty).where(CaseParty.case_id == case.id)))
    update, delete = _since(store, last)
    assert (update.login, update.operation, update.record_id) == ("tester", "update", person.id)
    assert update.detail == {"address": {"before": "1 Larkspur Close", "after": "2 Larkspur Close"}}
    assert delete.detail["before"]["role"] == "victim" and delete.case_id == case.id


def test_the_database_refuses_to_change_or_remove_audit_rows(store):
    with store.write() as session:
        _case(session)
    with store.read() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry))
    statements = ["UPDATE audit_log SET detail = '{}'", "DELETE FROM audit_log WHERE id = 1"]
    if not store.is_sqlite:
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), store.write() as session:
            session.execute(text(statement))
    # Through the ORM too.
    with pytest.raises(DBAPIError, match="append-only"), store.write() as session:
        entry = session.scalar(select(AuditEntry).limit(1))
        entry.login = "someone else"
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == count


def test_pages_walk_the_whole_log_newest_first_without_overlap(store):
    with store.write() as session:
        for k in range(25):
            audit.record(session, "search", text=f"q{k}")
    seen, before = [], None
    with store.read() as session:
        while True:
            rows, more = audit.page(session, audit.Filter(), before_id=before, size=10)
            seen += [row.id for row in rows]
            if not more:
                break
            before = rows[-1].id
        total = session.scalar(select(func.count()).select_from(AuditEntry))
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == total


def test_filters_by_login_case_and_local_dates(store):
    with store.write() as session:
        case, _ = _case(session, reference="JAG-26-0001")
        _case(session, "Bob Sample", reference="JAG-26-0002")
    other = create_store(store.url, "other")
    with other.write() as session:
        record_search(session, "Sample", 1)
    other.dispose()
    with store.read() as session:
        assert {r.login for r in audit.page(session, audit.Filter(login="other"))[0]} == {"other"}
        by_case = audit.page(session, audit.Filter(case="JAG-26-0001"))[0]
        assert by_case and {r.case_id for r in by_case} == {case.id}
        assert audit.page(session, audit.Filter(case="JAG-00-0000"))[0] == []
        today = datetime.now().date()
        assert len(audit.page(session, audit.Filter(since=today, until=today))[0]) > 3
        assert audit.page(session, audit.Filter(until=today - timedelta(days=1)))[0] == []
        assert audit.page(session, audit.Filter(since=today + timedelta(days=1)))[0] == []
        assert audit.page(session, audit.Filter(since=today, until=today - timedelta(1)))[0] == []


def test_csv_cells_that_would_be_formulas_get_a_quote():
    for value in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\uff1d1+2", "\uff20A1"):
        assert audit_log.safe_cell(value) == "'" + value
    for value in ("plain", "1", "", None, "a=b"):
        assert audit_log.safe_cell(value) == ("" if value is None else value)
    # a carriage return or escape is shown as a code; after a separator is guarded too
    assert audit_log.safe_cell("\rx") == "\\x0dx"
    assert audit_log.safe_cell("\x1b[2J\u202e") == "\\x1b[2J\\u202e"
    assert audit_log.safe_cell('ok;=HYPERLINK("x")') == 'ok;\'=HYPERLINK("x")'


def test_export_streams_csv_and_jsonl_exactly(sqlite_store, tmp_path):
    tricky = "=HYPERLINK(\"http://x\")\n\u202eevil [b]markup[/b] \x1b[31m"
    formula_login = create_store(str(sqlite_store.engine.url), "=2+3")
    with formula_login.write() as session:
        record_search(session, tricky, 0)
    formula_login.dispose()
    count, where = audit_log.export(sqlite_store, audit.Filter(), "csv", tmp_path / "a.csv")
    assert where == str(tmp_path / "a.csv")
    assert stat.S_IMODE(os.stat(tmp_path / "a.csv").st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8"))))
    assert len(rows) == count == 1
    assert rows[0]["login"] == "'=2+3"
    assert json.loads(rows[0]["detail"])["text"] == tricky.strip()
    audit_log.export(sqlite_store, audit.Filter(), "jsonl", tmp_path / "a.jsonl")
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert (first["login"], first["detail"]["text"]) == ("=2+3", tricky.strip())
    # The first export is in the second; each export is one row.
    assert [json.loads(line)["operation"] for line in lines] == ["search", "export"]
    with pytest.raises(Exception, match="exists already"):
        audit_log.export(sqlite_store, audit.Filter(), "csv", tmp_path / "a.csv")


def test_audit_export_command(sqlite_store, tmp_path, monkeypatch, capsys):
    from jagtui import cli

    with sqlite_store.write() as session:
        add_user(session, "tester", "Tess Admin", role="admin")
        _case(session, reference="JAG-26-0001")
    monkeypatch.setattr("jagtui.identity.current_login", lambda: "tester")
    db = str(sqlite_store.engine.url.database)
    config = tmp_path / "config.toml"
    config.write_text(f'[exports]\ndirectory = "{tmp_path / "exports"}"\n')
    umask = os.umask(0o022)
    try:
        assert cli.main(["audit", "export", "--db", db, "--config", str(config),
                         "--case", "JAG-26-0001", "--format", "jsonl"]) == 0
        out = capsys.readouterr().out
        [path] = list((tmp_path / "exports").glob("audit-log-*.jsonl"))
        assert f"Exported 2 audit entries to {path}" in out
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert cli.main(["audit", "export", "--db", db, "--output", "-", "--user", "nobody"]) == 0
        captured = capsys.readouterr()
        assert captured.out == ",".join(f'"{c}"' for c in audit_log.COLUMNS) + "\r\n"
        assert "Exported 0 audit entries" in captured.err
        assert cli.main(["audit", "export", "--db", db, "--since", "31/02/2026"]) == 2
        assert "--since:" in capsys.readouterr().err
    finally:
        os.umask(umask)
    with sqlite_store.read() as session:
        exports = session.scalars(select(AuditEntry).where(AuditEntry.operation == "export"))
        assert [e.detail["filters"] for e in exports] == [
            {"case": "JAG-26-0001"}, {"login": "nobody"}]


def test_timestamps_are_utc_and_filters_use_local_midnight(monkeypatch):
    from jagtui.store.audit import _local_midnight_utc

    monkeypatch.setenv("TZ", "Europe/London")
    import time

    time.tzset()
    try:
        summer = datetime(2026, 6, 30, 23, tzinfo=timezone.utc)
        assert _local_midnight_utc(date(2026, 7, 1)) == summer
        assert _local_midnight_utc(date(2026, 12, 1)) == datetime(2026, 12, 1, tzinfo=timezone.utc)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_users_table_is_audited_like_everything_else(store):
    last = _last_id(store)
    with store.write() as session:
        add_user(session, "newbie", "New Bee")
    [entry] = _since(store, last)
    assert (entry.operation, entry.table_name) == ("create", "users")
    with store.read() as session:
        assert session.scalar(select(User.role).where(User.login == "newbie")) == "member"


def test_postgresql_app_role_cannot_touch_the_trail_even_with_raw_sql(pg_database):
    """The hardening in docs/access-and-audit.md: jagtui connects as a role that owns nothing,
    may only SELECT and INSERT on audit_log, and so cannot alter, disable or drop its triggers."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from testdb import reset_pg as _reset_pg
    from jagtui.store.db import open_store

    _reset_pg(pg_database)
    create_store(pg_database, "owner").dispose()  # the schema, made by its owner
    role = f"jagtui_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    hardening = [
        f"CREATE ROLE {role} LOGIN",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    with admin.connect() as conn:
        for statement in hardening:
            conn.execute(text(statement))
    app_url = make_url(pg_database).set(username=role).render_as_string(hide_password=False)
    store = open_store(app_url, "ann")
    try:
        with store.write() as session:
            case, _ = _case(session, reference="JAG-26-0001")
            cases.close_case(session, case.id, None, TODAY, "Resolved")
            retention.mark_for_deletion(session, "JAG-26-0001", date(2033, 1, 1), 6)
        assert [e.reference for e in retention.purge(store, date(2033, 1, 1), 6)] == ["JAG-26-0001"]
        for statement in ("UPDATE audit_log SET login = 'x'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                          "DROP TRIGGER audit_log_append_only ON audit_log"):
            with pytest.raises(DBAPIError, match="permission denied|must be owner"), \
                    store.write() as session:
                session.execute(text(statement))
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(AuditEntry)) > 5
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
