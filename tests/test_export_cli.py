"""``jagtui export minutes|actions|plan`` as a user runs it."""

from __future__ import annotations

import os
from datetime import date

import pytest

from export_fixture import build_meeting
from jagtui.cli import main
from jagtui.identity import current_login
from jagtui.store import users
from jagtui.store.db import create_store


@pytest.fixture
def setup(tmp_path, cfg):
    """A database with a meeting, the current login registered, a config naming the folder."""
    db = tmp_path / "jag.db"
    store = create_store(f"sqlite:///{db}", "tester")
    with store.write() as session:
        users.add_user(session, current_login(), "Test Chair", role="chair")
        users.add_user(session, "someone-else", "Viewer", role="viewer")
        built = build_meeting(session, cfg, n_cases=2)
    store.dispose()
    folder = tmp_path / "exports"
    config = tmp_path / "config.toml"
    config.write_text(f'[exports]\ndirectory = "{folder}"\n')
    return db, config, folder, built


def _run(capsys, *argv):
    old = os.umask(0o022)
    try:
        code = main(list(argv))
    finally:
        os.umask(old)
    out, err = capsys.readouterr()
    return code, out, err


def test_minutes_default_to_the_latest_meeting_and_print_each_path(setup, capsys):
    db, config, folder, built = setup
    code, out, err = _run(capsys, "export", "minutes", "--db", str(db), "--config", str(config))
    assert code == 0, err
    assert out.splitlines() == [str(folder / "JAG-minutes-2026-11-22.md"),
                                str(folder / "JAG-minutes-2026-11-22.docx")]
    code, out, err = _run(capsys, "export", "minutes", "--meeting", str(built.previous_id),
                          "--redacted", "--format", "md", "--db", str(db), "--config", str(config))
    assert code == 0, err
    assert out.splitlines() == [str(folder / "JAG-minutes-2026-10-11-redacted.md")]


def test_actions_and_plan(setup, capsys):
    db, config, folder, built = setup
    code, out, err = _run(capsys, "export", "actions", "--all", "--db", str(db), "--config", str(config))
    assert code == 0, err
    assert [line.rsplit("/", 1)[1] for line in out.splitlines()] == [
        f"JAG-action-log-{date.today()}-all.csv",
        f"JAG-action-log-{date.today()}-all.xlsx"]
    code, out, err = _run(capsys, "export", "actions", "--meeting", str(built.meeting_id),
                          "--format", "csv", "--db", str(db), "--config", str(config))
    assert code == 0 and out.strip().endswith("JAG-action-log-2026-11-22-meeting.csv"), err
    code, out, err = _run(capsys, "export", "plan", "--quarter", "2026/27 Q2", "--db", str(db),
                          "--config", str(config))
    assert code == 0, err
    assert [line.rsplit("/", 1)[1] for line in out.splitlines()] == [
        "JAG-plan-progress-2026-27-Q2.xlsx", "JAG-plan-progress-2026-27-Q2.md"]


@pytest.mark.parametrize("argv, message", [
    (["minutes", "--meeting", "abc"], "A meeting id is a number"),
    (["minutes", "--meeting", "4242"], "No meeting with id 4242"),
    (["minutes", "--format", "pdf"], "Unknown format pdf"),
    (["actions", "--meeting", "4242"], "No meeting with id 4242"),
    (["plan", "--quarter", "Q3"], "Not a financial quarter"),
    (["plan", "--baseline", "22/23"], "Not a financial year"),
])
def test_bad_input_is_one_clear_line(setup, capsys, argv, message):
    db, config, _folder, _built = setup
    code, out, err = _run(capsys, "export", *argv, "--db", str(db), "--config", str(config))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_role_without_export_is_refused(setup, capsys, tmp_path):
    db, config, folder, _built = setup
    store = create_store(f"sqlite:///{db}", "tester")
    with store.write() as session:
        users.set_role(session, "someone-else", "admin")  # keep an admin when demoting ourselves
        users.set_role(session, current_login(), "viewer")
    store.dispose()
    code, out, err = _run(capsys, "export", "minutes", "--db", str(db), "--config", str(config))
    assert code == 2 and "cannot export" in err and err.count("\n") == 1
    assert not folder.exists() or not any(folder.iterdir())
