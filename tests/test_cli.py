"""The jagtui command as a user runs it: a demo database, then the app on it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from textual.widgets import DataTable

from jagtui.app import JagApp
from jagtui.store.db import open_store


def jagtui(*args, env=None):
    return subprocess.run([sys.executable, "-m", "jagtui.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


async def test_demo_then_the_app_opens_on_its_cases(tmp_path, cfg):
    path = tmp_path / "demo.db"
    done = jagtui("demo", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert f"Demo database ready at {path}" in done.stdout
    store = open_store(f"sqlite:///{path}", "tester")
    try:
        app = JagApp(store, cfg, today=date.today)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            assert len(app.screen.rows) >= 40  # the table builds rows as they come into reach
            assert table.row_count > 0
            refs = [str(table.get_cell(key, "ref")) for key in table.rows]
            assert all(ref.startswith("JAG-") for ref in refs)
    finally:
        store.dispose()
    again = jagtui("demo", "--db", str(path))
    assert again.returncode == 2 and "not empty" in again.stderr


def test_errors_are_one_line_and_a_nonzero_exit(tmp_path):
    cases = [
        (["--db", str(tmp_path / "missing.db")], "No database at"),
        (["users", "list", "--db", "foo://bar"], "Unsupported database 'foo'"),
        (["users", "list", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"],
         "Cannot open the database"),
        (["config", "check", "--config", str(tmp_path / "nope.toml")], "file not found"),
        (["db", "status", "--db", str(tmp_path / "missing.db")], "No database at"),
    ]
    for args, message in cases:
        done = jagtui(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_db_upgrade_creates_then_reports_up_to_date(tmp_path):
    path = tmp_path / "new.db"
    first = jagtui("db", "upgrade", "--db", str(path))
    assert first.returncode == 0 and "(was empty)" in first.stdout
    status = jagtui("db", "status", "--db", str(path))
    assert status.returncode == 0 and "up to date" in status.stdout


def test_version_and_help():
    assert jagtui("--version").stdout.startswith("jagtui ")
    text = jagtui("--help").stdout
    for command in ("demo", "db", "config", "users"):
        assert command in text
