"""60,000 rows (the goal's size): checked and imported fast, on SQLite and PostgreSQL,
without holding other users up: on SQLite the import holds the write lock only for
its final swap, so another user's saves carry on meanwhile (the old import held it
for the whole 17 s, and their save failed after the 10 s busy timeout).

Run in a fresh process (``import_scale.py``) so its peak memory is the import's own.
The measured numbers are printed (``pytest -s``) for the record (docs/importing.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROWS = 60_000
# CPU seconds (wall time on a shared box is stretched by everyone else's work): the
# import meets the 5 s goal; checking and re-importing stay well inside these.
MAX_CPU_SECONDS = {"check": 10, "import": 5, "reimport": 10}
# Held write transaction, and the other user's slowest save, with room for a busy box
# (about 1 s and 1.5 s on a quiet one).
MAX_HELD_SECONDS = 3
MAX_OTHER_SAVE_SECONDS = 5
MAX_PEAK_MB = 1024


def test_60000_rows_import_fast_and_other_users_keep_saving(db_url, tmp_path):
    script = Path(__file__).with_name("import_scale.py")
    done = subprocess.run([sys.executable, str(script), db_url, str(ROWS), str(tmp_path)],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    print(f"\n{db_url.split(':')[0]} {ROWS:,} rows: {measured}")
    assert measured["applied"] and measured["problems"] == 0
    assert measured["created"] == ROWS
    assert (measured["reimport_unchanged"], measured["reimport_created"],
            measured["reimport_updated"]) == (ROWS, 0, 0)
    for stage, limit in MAX_CPU_SECONDS.items():
        assert measured[f"{stage}_cpu_s"] <= limit, (stage, measured)
    if db_url.startswith("sqlite"):
        assert measured["longest_write_transaction_s"] <= MAX_HELD_SECONDS, measured
    assert measured["other_user_saves"] > 0 and measured["other_user_failed"] == 0, measured
    assert measured["other_user_slowest_save_s"] <= MAX_OTHER_SAVE_SECONDS, measured
    assert measured["peak_mb"] < MAX_PEAK_MB, measured
