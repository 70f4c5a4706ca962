"""Measure a large import in a fresh process: ``python tests/import_scale.py URL ROWS DIR``.

Prints one JSON line: seconds (wall and CPU) for checking, importing and
re-importing, the counts, the longest time the import held a write transaction
(on SQLite: the database's write lock, from BEGIN IMMEDIATE to COMMIT), how long
another user's saves waited meanwhile (a second process saving a draft every
0.2 s), and the process's peak resident memory in MB. A fresh process, so the
peak is the import's and not the test run's.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from import_data import TODAY, big_storm  # noqa: E402

# The other user: saves a draft every 0.2 s until told to stop, then prints
# how many saves failed and the longest a save took.
WRITER = """
import json, sys, time
from pathlib import Path
from jagtui.store import drafts
from jagtui.store.db import create_store
store = create_store(sys.argv[1], "other-user")
stop, slowest, failed, saves = Path(sys.argv[2]), 0.0, 0, 0
print("ready", flush=True)
while not stop.exists():
    started = time.perf_counter()
    try:
        with store.write() as session:
            drafts.save(session, "case:new", {"#title": f"save {saves}"})
    except Exception:
        failed += 1
    slowest = max(slowest, time.perf_counter() - started)
    saves += 1
    time.sleep(0.2)
print(json.dumps({"saves": saves, "failed": failed, "slowest_save_s": round(slowest, 2)}))
"""


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, round(time.perf_counter() - wall, 1), round(time.process_time() - cpu, 1)


def held_transactions(engine) -> list[float]:
    """Seconds each write transaction was open (SQLite: each BEGIN IMMEDIATE)."""
    from sqlalchemy import event

    held: list[float] = []
    opened: dict[int, float] = {}
    sqlite = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        if not sqlite or connection.get_execution_options().get("immediate"):
            opened[id(connection)] = time.perf_counter()

    @event.listens_for(engine, "commit")
    def _commit(connection) -> None:
        started = opened.pop(id(connection), None)
        if started is not None:
            held.append(time.perf_counter() - started)

    @event.listens_for(engine, "rollback")
    def _rollback(connection) -> None:
        opened.pop(id(connection), None)

    return held


def main(url: str, rows: int, folder: Path) -> dict:
    from jagtui.config import DEFAULTS_PATH, load_config
    from jagtui.importer.apply import run_import
    from jagtui.importer.prepare import prepare
    from jagtui.store.db import create_store

    cfg = load_config(DEFAULTS_PATH)
    path = big_storm(folder / "big-storm.csv", rows)
    store = create_store(url, "scale-test")
    stop = folder / "stop-writer"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url, str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        writer.stdout.readline()  # ready: its store is open
        held = held_transactions(store.engine)
        prepared, check_wall, check_cpu = timed(lambda: prepare(path, cfg, TODAY))
        first, import_wall, import_cpu = timed(lambda: run_import(store, cfg, prepared))
        import_held = max(held, default=0.0)
        stop.touch()
        other = json.loads(writer.communicate(timeout=120)[0])
        again, reimport_wall, reimport_cpu = timed(lambda: run_import(store, cfg, prepared))
    finally:
        stop.touch()
        writer.wait(timeout=120)
        store.dispose()
    return {
        "rows": rows, "megabytes_file": round(path.stat().st_size / 2**20, 1),
        "check_s": check_wall, "check_cpu_s": check_cpu,
        "import_s": import_wall, "import_cpu_s": import_cpu,
        "longest_write_transaction_s": round(import_held, 2),
        "reimport_s": reimport_wall, "reimport_cpu_s": reimport_cpu,
        "problems": len(first.problems), "applied": first.applied, "created": first.created,
        "people_created": first.people_created, "locations_created": first.locations_created,
        "reimport_unchanged": again.unchanged, "reimport_created": again.created,
        "reimport_updated": len(again.updates),
        "other_user_saves": other["saves"], "other_user_failed": other["failed"],
        "other_user_slowest_save_s": other["slowest_save_s"],
        "peak_mb": peak_mb(),
    }


def peak_mb() -> int:
    """This process's own peak resident memory: VmHWM (ru_maxrss on Linux keeps the
    parent's peak across exec, so a fresh child would report the test run's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))))
