"""``jagtui import``: the report on stdout, exit status 0 when imported, 1 when not."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import func, select

from import_data import SENTINEL, STORM
from jagtui import cli
from jagtui.store import people
from jagtui.store.db import create_store
from jagtui.store.models import Incident
from jagtui.store.users import add_user

LOGIN = "asb-officer"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "jag.db"
    store = create_store(f"sqlite:///{path}", "setup")
    with store.write() as session:
        add_user(session, LOGIN, "Ash Officer", "CBC-ASB", "member")
        add_user(session, "watcher", "Val Viewer", "POLICE", "viewer")
        people.add_person(session, "Ann Example", date_of_birth=date(1950, 3, 1),
                          address="1 Larkspur Close")
    store.dispose()
    monkeypatch.setattr("jagtui.identity.current_login", lambda: LOGIN)
    return str(path)


def run(*argv: str) -> int:
    umask = os.umask(0o022)
    try:
        return cli.main(list(argv))
    finally:
        os.umask(umask)


def incident_count(db) -> int:
    store = create_store(f"sqlite:///{db}", "check")
    try:
        with store.read() as session:
            return session.scalar(select(func.count()).select_from(Incident))
    finally:
        store.dispose()


def test_dry_run_then_import_then_reimport(db, capsys):
    assert run("import", "incidents", str(STORM), "--dry-run", "--db", db) == 0
    out = capsys.readouterr().out
    assert "6 rows: 6 would be created" in out and out.rstrip().endswith("Dry run: nothing written.")
    assert incident_count(db) == 0
    assert run("import", "incidents", str(STORM), "--mapping", "storm", "--db", db) == 0
    assert "Imported." in capsys.readouterr().out
    assert incident_count(db) == 6
    assert run("import", "incidents", str(STORM), "--db", db) == 0
    assert "0 created, 0 updated, 6 unchanged" in capsys.readouterr().out


def test_problems_stop_the_import_with_status_1_until_skipped(db, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(STORM.read_text().replace("Criminal Damage", "Alien landing"))
    assert run("import", "incidents", str(path), "--db", db) == 1
    out = capsys.readouterr().out
    assert "row 4, Call Type: unknown category 'Alien landing'" in out
    assert "Nothing imported" in out and incident_count(db) == 0
    assert run("import", "incidents", str(path), "--skip-invalid", "--db", db) == 0
    assert "row 4 (LP-20261102-0051): Call Type: unknown category" in capsys.readouterr().out
    assert incident_count(db) == 5


def test_possible_matches_are_confirmed_by_key(db, tmp_path, capsys):
    path = tmp_path / "sentinel.csv"
    path.write_text(SENTINEL.read_text().replace("Ann Example,01/03/1950", "Anne Example,01/03/1950"))
    assert run("import", "incidents", str(path), "--dry-run", "--db", db) == 0
    out = capsys.readouterr().out
    assert "[2] victim 'Anne Example', born 1 Mar 1950" in out and "(rows 2, 6, Complainant)" in out
    assert "could be person 1 'Ann Example'" in out and "--confirm-matches 2=1" in out
    assert run("import", "incidents", str(path), "--confirm-matches", "2=1", "--db", db) == 0
    assert "[2] victim 'Anne Example'" in (out := capsys.readouterr().out)
    assert "confirmed: person 1" in out
    assert run("import", "incidents", str(path), "--confirm-matches", "7=1", "--db", db) == 2
    assert "no possible match has the key 7" in capsys.readouterr().err


def test_a_file_that_cannot_be_read_is_one_report_and_status_1(db, tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert run("import", "incidents", str(empty), "--db", db) == 1
    out = capsys.readouterr().out
    assert "file: The file is empty" in out and "Traceback" not in out


def test_unknown_mapping_and_missing_permission_are_one_line_errors(db, monkeypatch, capsys):
    assert run("import", "incidents", str(STORM), "--mapping", "nope", "--db", db) == 2
    assert capsys.readouterr().err == "jagtui: No import mapping 'nope' (known: sentinel, storm)\n"
    monkeypatch.setattr("jagtui.identity.current_login", lambda: "watcher")
    assert run("import", "incidents", str(STORM), "--db", db) == 2
    assert "Your role (viewer) cannot" in capsys.readouterr().err
    assert incident_count(db) == 0


def test_the_mappings_are_listed(capsys):
    assert run("import", "mappings") == 0
    out = capsys.readouterr().out
    assert "storm: Police STORM incident log (source police)" in out
    assert "Complainant (victim)" in out
