"""The benchmark at a tiny size, so it cannot rot (timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_end_to_end_on_both_databases(tmp_path, pg_database):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--cases", "120", "--repeat", "1",
         "--out", str(out), "--drop-after"],
        capture_output=True, text=True, timeout=900,
        env={**__import__("os").environ, "JAGTUI_BENCH_DATA": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    for backend in ("sqlite", "postgresql"):
        measured = results["backends"][backend]
        for key in ("startup ratio", "keystroke p95", "case view", "case view first",
                    "flags screen", "escalation screen", "actions screen", "flag board store call",
                    "harm all open", "minutes export", "plan export", "action log export",
                    "export command", "export command actions", "export command plan",
                    "startup peak memory MiB", "session peak memory MiB"):
            assert measured[key] > 0, (backend, key)
        assert measured["keystrokes timed"] >= 20  # a p95 of more than a handful
    assert "| keystroke p95 |" in done.stdout
