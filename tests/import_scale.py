"""Measure a 100,000-row import in a fresh process: ``python tests/import_scale.py URL ROWS DIR``.

Prints one JSON line: seconds (wall and CPU) for checking, importing and
re-importing, the counts, and the process's peak resident memory in MB. A fresh
process, so the peak is the import's and not the test run's.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from import_data import TODAY, big_storm  # noqa: E402


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, round(time.perf_counter() - wall, 1), round(time.process_time() - cpu, 1)


def main(url: str, rows: int, folder: Path) -> dict:
    from jagtui.config import DEFAULTS_PATH, load_config
    from jagtui.importer.apply import run_import
    from jagtui.importer.prepare import prepare
    from jagtui.store.db import create_store

    cfg = load_config(DEFAULTS_PATH)
    path = big_storm(folder / "big-storm.csv", rows)
    store = create_store(url, "scale-test")
    try:
        prepared, check_wall, check_cpu = timed(lambda: prepare(path, cfg, TODAY))
        first, import_wall, import_cpu = timed(lambda: run_import(store, cfg, prepared))
        again, reimport_wall, reimport_cpu = timed(lambda: run_import(store, cfg, prepared))
    finally:
        store.dispose()
    return {
        "rows": rows, "megabytes_file": round(path.stat().st_size / 2**20, 1),
        "check_s": check_wall, "check_cpu_s": check_cpu,
        "import_s": import_wall, "import_cpu_s": import_cpu,
        "reimport_s": reimport_wall, "reimport_cpu_s": reimport_cpu,
        "problems": len(first.problems), "applied": first.applied, "created": first.created,
        "people_created": first.people_created, "locations_created": first.locations_created,
        "reimport_unchanged": again.unchanged, "reimport_created": again.created,
        "reimport_updated": len(again.updates),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))))
