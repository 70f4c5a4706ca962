"""jagtui's benchmark: the real code paths on a county-sized database.

    .venv/bin/python bench/run.py [--cases 10000] [--repeat 5] [--backend sqlite,postgresql]

Builds (once, then reuses) a database per backend and size with
``jagtui.demo.scale``, measures, prints a table and writes it as JSON
(``bench/results.json`` unless ``--out``). Timings are medians / percentiles
of repeated runs of the same functions the app calls; start-up is a fresh
interpreter each time, against a bare Textual app started the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("JAGTUI_BENCH_DATA", HERE / ".data"))
PG_ADMIN = os.environ.get("JAGTUI_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = date.today()
TARGETS = {  # seconds (memory in MiB); from the performance issues
    "startup ratio": 2.0, "keystroke p95": 0.050, "case view": 0.100, "flags screen": 0.200,
    "escalation screen": 0.200, "actions screen": 0.200, "flag board store call": 0.200,
    "harm all open": 0.200, "minutes export": 1.0, "plan export": 1.0, "action log export": 1.0,
    "export command": 1.0, "export command actions": 1.0, "export command plan": 1.0,
    "session peak memory MiB": 200,
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


# -- databases ---------------------------------------------------------------

def pg_name(cases: int) -> str:
    # A separate data folder (the smoke test's) gets its own PostgreSQL database too.
    return f"jagtui_bench_{cases}_{zlib.crc32(str(DATA).encode()):08x}"


def drop_pg(cases: int) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_name(cases)}" WITH (FORCE)')


def database(backend: str, cases: int, cfg) -> str:
    from jagtui.demo.scale import build_scale
    from jagtui.store.db import create_store

    if backend == "sqlite":
        path = DATA / f"bench-{cases}.db"
        url = f"sqlite:///{path}"
        # Private, as a deployment keeps it: else every start pays for the app's warning.
        path.parent.mkdir(mode=0o700, exist_ok=True)
        path.parent.chmod(0o700)
        if path.exists():
            return url
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        name = pg_name(cases)
        admin = make_url(PG_ADMIN).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if exists:
                return make_url(PG_ADMIN).set(database=name).render_as_string(False)
            conn.execute(f'CREATE DATABASE "{name}"')
        url = make_url(PG_ADMIN).set(database=name).render_as_string(False)
    store = create_store(url, "bench")
    started = time.perf_counter()
    build_scale(store, cfg, TODAY, cases=cases)
    _add_big_meeting(store, cfg)
    store.dispose()
    if backend == "postgresql":
        vacuum_analyze(url)
    print(f"  built {backend} {cases:,} cases in {time.perf_counter() - started:.1f}s", flush=True)
    return url


def vacuum_analyze(url: str) -> None:
    """Statistics and a visibility map, as a live server's autovacuum keeps them (this
    machine's PostgreSQL runs without autovacuum: fresh data would be planned blind)."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _add_big_meeting(store, cfg) -> None:
    """A 40-case meeting with notes and decisions, for the minutes export."""
    from sqlalchemy import select

    from jagtui.store import meetings
    from jagtui.store.models import Case

    with store.write() as session:
        ids = session.scalars(select(Case.id).where(Case.status == "open").limit(40)).all()
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG", chair="Chair Bench",
                                          starts_at="10:00", place=cfg.meetings.default_place)
        for n in range(12):
            meetings.add_attendee(session, meeting.id, f"Officer {n}", "Leicestershire Police")
        meetings.add_attendee(session, meeting.id, "Absent Officer", "Probation Service", "apology")
        for case_id in ids:
            item = meetings.add_item(session, meeting.id, "case", "Case review", case_id)
            meetings.add_note(session, item.id, "Two further incidents reported since the last meeting.")
            meetings.add_note(session, item.id, "That a joint visit is made.", "agreed")
        meeting.status = "final"


# -- measurements ------------------------------------------------------------

def startup(url: str, repeat: int) -> dict:
    from jagtui.store.db import open_store

    store = open_store(url, "bench")
    _register_me(store)  # `jagtui run` checks who is starting it
    store.dispose()

    def run(*args) -> tuple[float, int, float]:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / "startup.py"), *args],
                              capture_output=True, text=True, check=True)
        kib, cpu = done.stdout.strip().splitlines()[-1].split()
        return time.perf_counter() - started, int(kib), float(cpu)

    bare = [run("bare") for _ in range(repeat)]
    ours = [run("jagtui", url) for _ in range(repeat)]
    imports = [run("imports") for _ in range(repeat)]
    textual_imports = [run("textual") for _ in range(repeat)]
    bare_s = statistics.median(t for t, _, _ in bare)
    ours_s = statistics.median(t for t, _, _ in ours)
    bare_cpu = statistics.median(c for _, _, c in bare)
    ours_cpu = statistics.median(c for _, _, c in ours)
    # What jagtui imports on top of Textual (both runs pay the interpreter and Textual).
    imports_s = (statistics.median(t for t, _, _ in imports)
                 - statistics.median(t for t, _, _ in textual_imports))
    return {"bare textual start s": bare_s, "jagtui start s": ours_s,
            "startup ratio": ours_s / bare_s,
            # The bare app plus jagtui's own imports (SQLAlchemy, SQLModel, the tables): what
            # start-up could be with no query and no widget work at all.
            "jagtui imports beyond textual s": imports_s,
            "startup ratio floor": (bare_s + imports_s) / bare_s,
            # The processes' own CPU: the steadier reading when the machine is shared.
            "bare textual start cpu s": bare_cpu, "jagtui start cpu s": ours_cpu,
            "startup cpu ratio": ours_cpu / bare_cpu,
            # Each start's own peak (VmHWM of the fresh interpreter), the largest.
            "startup peak memory MiB": max(kib for _, kib, _ in ours) / 1024}


def store_paths(url: str, cfg, repeat: int) -> dict:
    from jagtui.store.caselist import case_rows
    from jagtui.store.db import open_store
    from jagtui.store.flagboard import flag_board

    store = open_store(url, "bench")
    with store.read() as session:
        case_rows(session, cfg, TODAY)  # warm the connection and caches once
        flags = timed(lambda: flag_board(session, cfg, TODAY), repeat)
        harm = timed(lambda: case_rows(session, cfg, TODAY), repeat)
        lines = len(flag_board(session, cfg, TODAY))
        open_cases = len(case_rows(session, cfg, TODAY))
    store.dispose()
    return {"flag board store call": statistics.median(flags), "flag lines": lines,
            "harm all open": statistics.median(harm), "open cases": open_cases}


def exports(url: str, cfg, repeat: int) -> dict:
    from sqlalchemy import func, select

    from jagtui.export.action_log import export_action_log
    from jagtui.export.minutes import export_minutes
    from jagtui.export.plan_progress import export_plan
    from jagtui.store.db import open_store
    from jagtui.store.models import Action, Meeting

    store = open_store(url, "bench")
    with store.read() as session:
        meeting_id = session.scalar(select(func.max(Meeting.id)))
        actions = session.scalar(select(func.count(Action.id)))
    _register_me(store)
    with tempfile.TemporaryDirectory() as folder:
        cfg = cfg.model_copy(update={"exports": cfg.exports.model_copy(update={"directory": folder})})
        minutes = timed(lambda: export_minutes(store, cfg, meeting_id, formats=("md", "docx")), repeat)
        plan = timed(lambda: export_plan(store, cfg, formats=("xlsx",)), repeat)
        # The whole action log, every status, as `jagtui export actions --all` writes it.
        log = timed(lambda: export_action_log(store, cfg, status=None, formats=("csv", "xlsx")),
                    repeat)
        # The commands as the chair types them: a fresh interpreter, the identity check,
        # the export, exit (what ``jagtui export ...`` takes from Enter to the prompt).
        config = Path(folder) / "config.toml"
        config.write_text(f'[exports]\ndirectory = "{folder}"\n')
        commands = {
            "export command": ["minutes", "--meeting", str(meeting_id)],
            "export command actions": ["actions", "--all"],
            "export command plan": ["plan", "--format", "xlsx"],
        }
        whole = {name: timed(lambda argv=argv: _command(url, config, argv), repeat)
                 for name, argv in commands.items()}
    store.dispose()
    return {"minutes export": statistics.median(minutes), "plan export": statistics.median(plan),
            "action log export": statistics.median(log), "actions in the log": actions,
            **{name: statistics.median(times) for name, times in whole.items()}}


def _register_me(store) -> None:
    """The login running the benchmark, registered (as an admin) so the commands run."""
    from jagtui.identity import current_login
    from jagtui.store.users import add_user, get_user

    login = current_login()
    with store.write() as session:
        if get_user(session, login) is None:
            add_user(session, login, "Benchmark", "POLICE", "admin")


def _command(url: str, config: Path, argv: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "jagtui.cli", "export", *argv, "--db", url,
                    "--config", str(config)], check=True, capture_output=True, cwd=HERE.parent)


def interactive(url: str, cfg, repeat: int) -> dict:
    """A chair's session in the real app (``bench/session.py``), once per repeat, each in a
    fresh interpreter: list screens to their first painted rows, keystrokes, sorting,
    opening cases, and the session's own peak memory."""
    sessions = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, str(HERE / "session.py"), url, "--keys", "20",
                               "--opens", "5"], capture_output=True, text=True, check=True)
        sessions.append(json.loads(done.stdout.strip().splitlines()[-1]))
    keystrokes = [t for found in sessions for t in found["keystrokes"]]
    views = [t for found in sessions for t in found["case views"]]
    found = {name: statistics.median(s[name] for s in sessions)
             for screen in ("flags screen", "escalation screen", "actions screen")
             for name in (screen, f"{screen} cpu")}
    return {**found,
            "flags screen lines": sessions[0]["flags screen rows"],
            "keystrokes timed": len(keystrokes),
            "keystroke p50": pct(keystrokes, 0.5), "keystroke p95": pct(keystrokes, 0.95),
            "sort": statistics.median(t for s in sessions for t in s["sorts"]),
            # Each session opens five cases: the first builds the case screen, the rest refill it.
            "case view": statistics.median(views),
            "case view first": statistics.median(s["case views"][0] for s in sessions),
            "case view cpu": statistics.median(t for s in sessions for t in s["case view cpu"]),
            "session peak memory MiB": max(s["session peak memory MiB"] for s in sessions),
            # A bare Textual app's list and 7-tab screens, pushed in the same processes.
            "list screen anchor": statistics.median(s["list anchor"] for s in sessions),
            "tabs screen anchor": statistics.median(s["tabs anchor"] for s in sessions)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--drop-after", action="store_true",
                        help="drop the PostgreSQL benchmark database afterwards")
    args = parser.parse_args(argv)

    from jagtui.config import DEFAULTS_PATH, load_config

    cfg = load_config(DEFAULTS_PATH)
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
               "platform": platform.platform(), "load": os.getloadavg()[0]}
    results = {"machine": machine, "cases": args.cases, "targets": TARGETS, "backends": {}}
    for backend in args.backend.split(","):
        print(f"{backend}: {args.cases:,} cases", flush=True)
        url = database(backend, args.cases, cfg)
        measured = {}
        for step in (startup, store_paths, exports, interactive):
            if step is startup:
                measured.update(step(url, args.repeat))
            else:
                measured.update(step(url, cfg, args.repeat))
            print(f"  {step.__name__} done", flush=True)
        anchor, tabs = measured["list screen anchor"], measured["tabs screen anchor"]
        measured.update({f"{name} vs bare list": measured[name] / anchor
                         for name in ("flags screen", "escalation screen", "actions screen")})
        measured["case view vs bare tabs"] = measured["case view"] / tabs
        results["backends"][backend] = measured

    if args.drop_after and "postgresql" in results["backends"]:
        drop_pg(args.cases)
    print(table(results))
    Path(args.out).write_text(json.dumps(results, indent=2, default=str))
    print(f"written {args.out}")
    return 0


def table(results: dict) -> str:
    backends = list(results["backends"])
    keys = list(next(iter(results["backends"].values())))
    lines = [f"| measure | target | {' | '.join(backends)} |",
             f"| --- | --- |{' --- |' * len(backends)}"]
    for key in keys:
        target = TARGETS.get(key)
        cells = []
        for backend in backends:
            value = results["backends"][backend][key]
            text = f"{value * 1000:.1f} ms" if key.endswith((
                "export", "call", "open", "sort", "p50", "p95", "view", "first", "cpu",
                "screen", "command", "actions", "plan", "anchor")) and isinstance(value, float) else (
                f"{value:.2f}" if isinstance(value, float) else f"{value:,}")
            if target is not None and isinstance(value, float):
                text += " ✓" if value <= target else " ✗"
            cells.append(text)
        shown = "" if target is None else (f"{target * 1000:g} ms" if target < 5 and key != "startup ratio"
                                           else f"{target:g}")
        lines.append(f"| {key} | {shown} | {' | '.join(cells)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
