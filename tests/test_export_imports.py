"""An export imports only what it uses (issue 14): the minutes, redacted or not, and the
action log never load the agenda builder (its case list and ranking), the app (Textual),
a spreadsheet or data-frame library, or python-docx when no .docx is asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from export_fixture import build_meeting

ROOT = Path(__file__).resolve().parents[1]
NOT_USED = ("jagtui.store.agenda", "jagtui.store.caselist", "jagtui.app", "textual",
            "openpyxl", "numpy", "pandas", "docx")


def test_the_minutes_and_action_log_exports_import_only_what_they_use(sqlite_store, cfg,
                                                                     tmp_path):
    with sqlite_store.write() as session:
        built = build_meeting(session, cfg, n_cases=1)
    db = sqlite_store.engine.url.database
    script = f"""
import sys
from jagtui.config import Exports, load_config
from jagtui.store.db import create_store
from jagtui.export.action_log import export_action_log
from jagtui.export.minutes import export_minutes
cfg = load_config().model_copy(update={{"exports": Exports(directory={str(tmp_path / 'x')!r})}})
store = create_store("sqlite:///{db}", "tester")
export_minutes(store, cfg, {built.meeting_id}, formats=["md"])
export_minutes(store, cfg, {built.meeting_id}, redacted=True, formats=["md"])
export_action_log(store, cfg, meeting_id={built.meeting_id}, redacted=True, formats=["csv"])
print(",".join(m for m in {NOT_USED!r} if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", done.stdout
