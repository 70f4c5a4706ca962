"""`jagtui run` shows the case list without importing what only other screens, other
commands or the other database need: each such import is start-up CPU paid by every
partner at every login (issue 15: the start was 4x a bare Textual app's)."""

from __future__ import annotations

import json
import subprocess
import sys

from jagtui import cli
from jagtui.identity import current_login
from jagtui.store.db import create_store

# Nothing the case list's first load uses. The postgresql package loads every PostgreSQL
# driver's dialect (~20 ms); on PostgreSQL its engine imports it, on SQLite nothing should.
NOT_AT_START = ("alembic", "pandas", "openpyxl", "docx", "psycopg", "sqlalchemy.dialects.postgresql",
                "jagtui.export.document", "jagtui.export.xlsx", "jagtui.export.redact",
                "jagtui.export.minutes", "jagtui.importer", "jagtui.demo", "jagtui.redaction",
                "jagtui.screens.case_view", "jagtui.screens.flags", "jagtui.screens.actions")
# `jagtui run --db URL` as typed, headless, until the case list's first load is in; the
# screens it warms up afterwards (case_list.warm_imports) are left out: they come after.
PROBE = """
import json, sys
from textual.app import App
import jagtui.app
from jagtui.cli import main
from jagtui.screens import case_list

case_list.warm_imports = lambda: None
seen = []
loaded = case_list.CaseListScreen.loaded

def record(self, *args):
    loaded(self, *args)
    seen.extend(sorted(sys.modules))
    self.app.exit()

case_list.CaseListScreen.loaded = record
jagtui.app.JagApp.run = lambda self: App.run(self, headless=True, size=(120, 40))
code = main(["run", "--db", sys.argv[1]])
print(json.dumps({"code": code, "modules": seen}), file=sys.stderr)
"""


def unwanted(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_AT_START)]


def test_the_case_list_starts_on_sqlite_without_other_screens_commands_or_postgresql(tmp_path):
    db = tmp_path / "jag.db"
    create_store(f"sqlite:///{db}", "setup").dispose()
    assert cli.main(["users", "add", current_login(), "--name", "A", "--db", str(db)]) == 0
    done = subprocess.run([sys.executable, "-c", PROBE, f"sqlite:///{db}"], capture_output=True,
                          text=True, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0 and report["modules"], done.stderr
    assert unwanted(report["modules"]) == []


async def test_the_next_screens_are_warmed_up_only_once_the_rows_are_drawn(store, cfg,
                                                                         monkeypatch):
    """Their imports (~50 ms) held the interpreter's lock from the rows' first frame."""
    from case_data import TODAY, seed
    from pilot_help import settle

    from jagtui.app import JagApp
    from jagtui.screens import case_list

    imported, at_load = [], []
    monkeypatch.setattr(case_list, "import_module", imported.append)
    loaded = case_list.CaseListScreen.loaded

    def record(self, *args):
        started = len(self.app.workers)
        loaded(self, *args)
        # Nothing more set going by the load itself: the warm-up waits for the frame.
        at_load.append((len(self.app.workers) - started, self.query_one("#cases").row_count))

    monkeypatch.setattr(case_list.CaseListScreen, "loaded", record)
    seed(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert at_load and at_load[0][0] == 0 and at_load[0][1] > 0
        assert imported == list(case_list.OPENED_NEXT)
