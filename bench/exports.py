"""Export timings at county scale: each export the chair circulates, inside the process.

    .venv/bin/python bench/exports.py [--db PATH] [--cases 10000] [--repeat 3]

With ``--db`` it uses that database (e.g. one built once by ``jagtui demo --scale
large --db /tmp/county.db``); otherwise it builds one with ``jagtui.demo.scale``
under ``bench/.data`` (reused next time). It times, as medians of ``--repeat``
runs: the full and the redacted minutes (Markdown and Word) of the latest meeting,
that meeting's action log, the whole action log (``--all``, CSV and Excel) and
plan progress (Excel and Markdown); then the peak memory of the process, and what
each ``jagtui export`` command costs to import in a fresh interpreter. Target: each
export at most 1 s (the issue's county scale: 10,000 cases, 20,000 actions).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_S = 1.0


def _database(args, cfg) -> str:
    if args.db:
        return f"sqlite:///{Path(args.db).resolve()}"
    path = HERE / ".data" / f"exports-{args.cases}.db"
    if not path.exists():
        from jagtui.demo.scale import build_scale
        from jagtui.store.db import create_store

        path.parent.mkdir(parents=True, exist_ok=True)
        store = create_store(f"sqlite:///{path}", "bench")
        try:
            build_scale(store, cfg, date.today(), cases=args.cases)
        finally:
            store.dispose()
    return f"sqlite:///{path}"


def _timed(fn, repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds: on a shared machine the wall time includes waiting
    for a core; the CPU time is what the export itself costs."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _import_cost(module: str) -> float:
    """Seconds a fresh interpreter takes to import ``module`` (less a bare start)."""
    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - started

    bare = min(run("pass") for _ in range(3))
    return min(run(f"import {module}") for _ in range(3)) - bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from sqlalchemy import func, select

    from jagtui.config import Exports, load_config
    from jagtui.export.action_log import export_action_log
    from jagtui.export.minutes import export_minutes
    from jagtui.export.plan_progress import export_plan
    from jagtui.store.db import create_store
    from jagtui.store.minutes import latest_meeting_id
    from jagtui.store.models import Action, Case, Meeting, MeetingItem

    cfg = load_config()
    store = create_store(_database(args, cfg), "bench")
    # The meeting held with the most on it: the chair's heaviest papers. A generated
    # county has no agenda items, so bench/run.py's 40-case meeting is added once.
    biggest = (select(MeetingItem.meeting_id).join(Meeting, Meeting.id == MeetingItem.meeting_id)
               .where(Meeting.status == "final").group_by(MeetingItem.meeting_id)
               .order_by(func.count().desc(), MeetingItem.meeting_id.desc()).limit(1))
    with store.read() as session:
        meeting_id = session.scalar(biggest)
    if meeting_id is None:
        sys.path.insert(0, str(HERE))
        from run import _add_big_meeting

        _add_big_meeting(store, cfg)
    with store.read() as session:
        meeting_id = session.scalar(biggest) or latest_meeting_id(session)
        size = (session.scalar(select(func.count()).select_from(Case)),
                session.scalar(select(func.count()).select_from(Action)))
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        cfg = cfg.model_copy(update={"exports": Exports(directory=folder)})
        steps = {
            "minutes (md, docx)": lambda: export_minutes(store, cfg, meeting_id),
            "redacted minutes (md, docx)": lambda: export_minutes(store, cfg, meeting_id,
                                                                  redacted=True),
            "meeting action log (csv, xlsx)": lambda: export_action_log(store, cfg,
                                                                         meeting_id=meeting_id),
            "action log --all (csv, xlsx)": lambda: export_action_log(store, cfg, status=None),
            "plan progress (xlsx, md)": lambda: export_plan(store, cfg),
        }
        for name, step in steps.items():
            results[name] = _timed(step, args.repeat)
    store.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size[0]:,} cases, {size[1]:,} actions, meeting {meeting_id}; "
          f"medians of {args.repeat} runs (wall / CPU)")
    for name, (wall, cpu) in results.items():
        verdict = "ok" if cpu <= TARGET_S else "OVER"
        print(f"  {name:34} {wall:6.2f} s / {cpu:5.2f} s  {verdict}")
    print(f"  {'peak memory of the process':34} {peak:6.0f} MiB")
    for module in ("jagtui.export.minutes", "jagtui.export.action_log",
                   "jagtui.export.plan_progress"):
        print(f"  import {module:27} {_import_cost(module):6.2f} s")
    return 0 if all(cpu <= TARGET_S for _wall, cpu in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
