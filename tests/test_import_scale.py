"""100,000 rows: checked and imported in reasonable time and memory, on SQLite and PostgreSQL.

Run in a fresh process (``import_scale.py``) so its peak memory is the import's own.
The measured numbers are printed (``pytest -s``) for the record.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROWS = 100_000
# Generous bounds: CPU seconds (not wall time, which a busy CI box stretches) and MB.
MAX_CPU_SECONDS = {"check": 30, "import": 120, "reimport": 60}
MAX_PEAK_MB = 1024


def test_a_100000_row_extract_imports_and_reimports(db_url, tmp_path):
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
        assert measured[f"{stage}_cpu_s"] < limit, (stage, measured)
    assert measured["peak_mb"] < MAX_PEAK_MB, measured
