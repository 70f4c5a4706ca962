"""Export timings at county scale: each export the chair circulates, on SQLite and PostgreSQL.

    .venv/bin/python bench/exports.py [--backend sqlite,postgresql] [--cases 10000]
                                      [--repeat 3] [--db PATH] [--out bench/exports.json]

The databases are bench/run.py's (built once with ``jagtui.demo.scale`` plus its
40-case meeting, then reused; ``--db`` uses that SQLite file instead). It times,
as medians of ``--repeat`` runs inside the process (wall and CPU): the full and
the redacted minutes (Markdown and Word) of the meeting with the most on it, that
meeting's action log, full and redacted, the whole action log (``--all``), the
redacted log of open actions (``export actions --redacted``), and plan progress;
then each ``jagtui export`` command as typed (a fresh interpreter, the identity
check, the export, exit), the peak memory, and what each export module costs to
import. Target: each export at most 1 s inside the process at 10,000 cases /
20,000 actions (issue 14). Results are printed and written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_S = 1.0
# Fresh interpreters read compiled bytecode, as an installed jagtui does (pip compiles it):
# kept outside the tree, and written even where PYTHONDONTWRITEBYTECODE is set.
CHILD_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
             "PYTHONPYCACHEPREFIX": str(HERE / ".data" / "pycache")}


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
        subprocess.run([sys.executable, "-c", code], check=True, env=CHILD_ENV)
        return time.perf_counter() - started

    run(f"import {module}")  # compiled once
    bare = min(run("pass") for _ in range(3))
    return min(run(f"import {module}") for _ in range(3)) - bare


def _command(url: str, config: Path, argv: list[str], repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of the whole command in a fresh interpreter."""
    walls, cpus = [], []
    _run_command(url, config, argv)  # compiled once, as installed
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        _run_command(url, config, argv)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def _run_command(url: str, config: Path, argv: list[str]) -> None:
    subprocess.run([sys.executable, "-c", "import sys; from jagtui.cli import main; "
                    "sys.exit(main())", "export", *argv, "--db", url, "--config", str(config)],
                   check=True, capture_output=True, cwd=HERE.parent, env=CHILD_ENV)


def measure(url: str, cfg, repeat: int) -> dict:
    from sqlalchemy import func, select

    from jagtui.config import Exports
    from jagtui.export.action_log import export_action_log
    from jagtui.export.minutes import export_minutes
    from jagtui.export.plan_progress import export_plan
    from jagtui.store.db import open_store
    from jagtui.store.models import Action, Case, Meeting, MeetingItem, Person
    from run import _add_big_meeting, _register_me

    store = open_store(url, "bench")
    # The meeting held with the most on it: the chair's heaviest papers.
    biggest = (select(MeetingItem.meeting_id).join(Meeting, Meeting.id == MeetingItem.meeting_id)
               .where(Meeting.status == "final").group_by(MeetingItem.meeting_id)
               .order_by(func.count().desc(), MeetingItem.meeting_id.desc()).limit(1))
    with store.read() as session:
        meeting_id = session.scalar(biggest)
    if meeting_id is None:
        _add_big_meeting(store, cfg)
    _register_me(store)
    with store.read() as session:
        meeting_id = session.scalar(biggest)
        size = {"cases": session.scalar(select(func.count()).select_from(Case)),
                "actions": session.scalar(select(func.count()).select_from(Action)),
                "people": session.scalar(select(func.count()).select_from(Person)),
                "meeting": meeting_id}
    found: dict = {"size": size}
    with tempfile.TemporaryDirectory() as folder:
        cfg = cfg.model_copy(update={"exports": Exports(directory=folder)})
        steps = {
            "minutes (md, docx)": lambda: export_minutes(store, cfg, meeting_id),
            "redacted minutes (md, docx)": lambda: export_minutes(store, cfg, meeting_id,
                                                                  redacted=True),
            "meeting action log (csv, xlsx)": lambda: export_action_log(
                store, cfg, meeting_id=meeting_id),
            "redacted meeting action log": lambda: export_action_log(
                store, cfg, meeting_id=meeting_id, redacted=True),
            "action log --all (csv, xlsx)": lambda: export_action_log(store, cfg, status=None),
            "redacted open action log": lambda: export_action_log(store, cfg, redacted=True),
            "redacted action log --all": lambda: export_action_log(store, cfg, status=None,
                                                                   redacted=True),
            "plan progress (xlsx, md)": lambda: export_plan(store, cfg),
        }
        found["in process"] = {name: _timed(step, repeat) for name, step in steps.items()}
        config = Path(folder) / "config.toml"
        config.write_text(f'[exports]\ndirectory = "{folder}"\n')
        commands = {
            "export minutes": ["minutes", "--meeting", str(meeting_id)],
            "export minutes --redacted": ["minutes", "--meeting", str(meeting_id), "--redacted"],
            "export actions --all": ["actions", "--all"],
            "export actions --meeting --redacted": ["actions", "--meeting", str(meeting_id),
                                                    "--redacted"],
            "export plan": ["plan"],
        }
        found["commands"] = {name: _command(url, config, argv, repeat)
                             for name, argv in commands.items()}
    store.dispose()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--db", help="an SQLite file to use instead of bench/run.py's")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "exports.json"))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))

    from jagtui.config import DEFAULTS_PATH, load_config
    from run import database

    cfg = load_config(DEFAULTS_PATH)
    results: dict = {"machine": {"python": platform.python_version(),
                                 "load": __import__("os").getloadavg()[0]},
                     "target s": TARGET_S, "backends": {}}
    backends = ["sqlite"] if args.db else [b.strip() for b in args.backend.split(",") if b.strip()]
    ok = True
    for backend in backends:
        url = (f"sqlite:///{Path(args.db).resolve()}" if args.db
               else database(backend, args.cases, cfg))
        found = measure(url, cfg, args.repeat)
        results["backends"][backend] = found
        size = found["size"]
        print(f"{backend}: {size['cases']:,} cases, {size['actions']:,} actions, "
              f"{size['people']:,} people, meeting {size['meeting']}; medians of {args.repeat} "
              "(wall / CPU in the process)")
        for name, (wall, cpu) in found["in process"].items():
            verdict = "ok" if cpu <= TARGET_S else "OVER"
            ok = ok and verdict == "ok"
            print(f"  {name:34} {wall:6.2f} s / {cpu:5.2f} s  {verdict}")
        for name, (wall, cpu) in found["commands"].items():
            print(f"  {'jagtui ' + name:42} {wall:6.2f} s / {cpu:5.2f} s (whole command)")
    results["peak memory MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["imports s"] = {module: _import_cost(module) for module in (
        "jagtui.export.minutes", "jagtui.export.action_log", "jagtui.export.plan_progress")}
    print(f"  {'peak memory of the process':34} {results['peak memory MiB']:6.0f} MiB")
    for module, cost in results["imports s"].items():
        print(f"  import {module:27} {cost:6.2f} s")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
