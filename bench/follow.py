"""Following a meeting live: the delay from the chair's save to the follower's screen,
and what the change watchers cost while nothing changes.

    .venv/bin/python bench/follow.py [--notes 40] [--idle 30] [--backend sqlite,postgresql]

Delay: two app instances under Textual's Pilot in one process (the chair's agenda
runner, a follower's ``FollowScreen``), on a file database each backend; the chair
types a point and ctrl+s; the clock runs from the commit of the note (an
``after_commit`` hook) to the first frame of the follower's screen holding it
(looked at every 2 ms). Median and p95 over ``--notes`` notes.

Then the follower alone in the process, the chair's save made from another
connection: the path as it is between two terminals (two processes).

Idle: a fresh interpreter holds one ``ChangeWatcher`` for ``--idle`` seconds with
nothing written; the process's CPU time (user + system) over that time, as a share
of one core. Then the same for a whole follower app (headless), which adds Textual's
own idle work and the app's 3 s change poll.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def database(backend: str, folder: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        folder.mkdir(exist_ok=True)
        return f"sqlite:///{folder / 'follow.db'}", lambda: None
    import psycopg

    name = f"jagtui_bench_follow_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


def running_meeting(url: str) -> tuple[object, object, int]:
    from jagtui.config import load_config
    from jagtui.store import meeting_run, users
    from jagtui.store.db import create_store
    from jagtui.store.meeting_run import Attendee

    cfg = load_config(None)
    store = create_store(url, "bench")
    with store.write() as session:
        users.add_user(session, "chair1", "Rhea Chair", agency="POLICE", role="chair")
        users.add_user(session, "member1", "Sam Officer", agency="CBC-ASB")
        meeting = meeting_run.start_meeting(session, cfg, subgroup=cfg.subgroups[0].key,
                                            held_on=date.today(), chair=Attendee("Rhea Chair"))
        meeting_run.acknowledge(session, meeting.id)
    return store, cfg, meeting.id


async def delays(url: str, notes: int) -> list[float]:
    from sqlalchemy import event
    from sqlmodel import Session
    from textual.widgets import Static

    from jagtui.app import JagApp
    from jagtui.screens.agenda_runner import AgendaRunnerScreen
    from jagtui.screens.follow import FollowScreen
    from jagtui.store.db import Store
    from jagtui.store.models import ItemNote

    store, cfg, meeting_id = running_meeting(url)
    committed: dict[str, float] = {}

    def flushed(session, _context) -> None:
        for obj in session.new:
            if isinstance(obj, ItemNote):
                session.info["bench_note"] = obj.text

    def commit(session) -> None:
        if "bench_note" in session.info:
            committed[session.info.pop("bench_note")] = time.monotonic()

    event.listen(Session, "after_flush", flushed)
    event.listen(Session, "after_commit", commit)

    def app(login: str, role: str) -> JagApp:
        made = JagApp(Store(store.engine, login), cfg, role=role)
        made.change_poll_seconds = 0  # only the watchers
        return made

    chair, follower = app("chair1", "chair"), app("member1", "member")
    found = []
    async with chair.run_test(size=(160, 48)) as cp, follower.run_test(size=(120, 40)) as fp:
        chair.push_screen(AgendaRunnerScreen(meeting_id))
        follower.push_screen(FollowScreen(meeting_id))
        await cp.pause(1.0)
        await fp.pause(1.0)
        for n in range(notes):
            text = f"Bench point {n:03d}"
            await cp.press("i", *text, "ctrl+s", "escape")
            while True:
                shown = "\n".join(str(w.content) for w in follower.screen.query(Static))
                if text in shown:
                    seen = time.monotonic()
                    break
                await fp.pause(0.002)
            found.append(seen - committed[text])
            await cp.pause(0.2)
    event.remove(Session, "after_flush", flushed)
    event.remove(Session, "after_commit", commit)
    store.dispose()
    return found


async def direct_delays(url: str, notes: int) -> list[float]:
    """The follower alone in this process; the chair's save made from another connection
    (a thread), as the chair's own process would: nothing else shares the follower's GIL."""
    from textual.widgets import Static

    from jagtui.app import JagApp
    from jagtui.screens.follow import FollowScreen
    from jagtui.store import agenda, meeting_run
    from jagtui.store.db import Store

    store, cfg, meeting_id = running_meeting(url)
    with store.read() as session:
        item = agenda.items(session, meeting_id)[0]
    follower = JagApp(Store(store.engine, "member1"), cfg, role="member")
    follower.change_poll_seconds = 0
    found = []
    async with follower.run_test(size=(120, 40)) as fp:
        follower.push_screen(FollowScreen(meeting_id))
        await fp.pause(1.0)
        for n in range(notes):
            text = f"Direct point {n:03d}"

            def save() -> float:
                with Store(store.engine, "chair1").write() as session:
                    meeting_run.record_note(session, item.id, text)
                return time.monotonic()

            saved = await asyncio.get_running_loop().run_in_executor(None, save)
            while text not in "\n".join(str(w.content) for w in follower.screen.query(Static)):
                await asyncio.sleep(0.002)
            found.append(time.monotonic() - saved)
            await asyncio.sleep(0.2)
    store.dispose()
    return found


def summary(found: list[float]) -> dict:
    return {"median ms": round(statistics.median(found) * 1000, 1),
            "p95 ms": round(pct(found, 0.95) * 1000, 1), "max ms": round(max(found) * 1000, 1),
            "notes": len(found)}


IDLE_PROBE = """
import resource, sys, time
from jagtui.store.db import open_store
from jagtui.store.notify import ChangeWatcher
store = open_store(sys.argv[1], "bench")
watcher = ChangeWatcher(store.engine, lambda: None).start()
before = resource.getrusage(resource.RUSAGE_SELF)
time.sleep(float(sys.argv[2]))
after = resource.getrusage(resource.RUSAGE_SELF)
watcher.stop()
print((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
"""

APP_PROBE = """
import asyncio, resource, sys, time
from jagtui.app import JagApp
from jagtui.config import load_config
from jagtui.screens.follow import FollowScreen
from jagtui.store.db import open_store

class FollowApp(JagApp):
    DEFAULT_MODE = "meeting"  # as jagtui follow opens

async def main():
    app = FollowApp(open_store(sys.argv[1], "member1"), load_config(None), role="member")
    async with app.run_test(headless=True, size=(120, 40)) as pilot:
        app.push_screen(FollowScreen())
        await pilot.pause(2.0)
        before = resource.getrusage(resource.RUSAGE_SELF)
        await asyncio.sleep(float(sys.argv[2]))
        after = resource.getrusage(resource.RUSAGE_SELF)
    print((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))

asyncio.run(main())
"""


def idle_share(probe: str, url: str, seconds: float) -> float:
    done = subprocess.run([sys.executable, "-c", probe, url, str(seconds)], capture_output=True,
                          text=True, timeout=seconds + 120, cwd=HERE.parent)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return float(done.stdout.strip().splitlines()[-1]) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=40)
    parser.add_argument("--idle", type=float, default=30)
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=HERE / "follow.json")
    args = parser.parse_args()
    results = {}
    for backend in args.backend.split(","):
        with tempfile.TemporaryDirectory() as folder:
            url, drop = database(backend, Path(folder))
            try:
                row = {"two apps, one process": summary(asyncio.run(delays(url, args.notes)))}
            finally:
                drop()
            url, drop = database(backend, Path(folder) / "direct")
            try:
                row["follower alone"] = summary(asyncio.run(direct_delays(url, args.notes)))
                row["watcher idle % of a core"] = round(
                    idle_share(IDLE_PROBE, url, args.idle) * 100, 3)
                row["follower app idle % of a core"] = round(
                    idle_share(APP_PROBE, url, args.idle) * 100, 3)
            finally:
                drop()
        results[backend] = row
        print(backend, json.dumps(row), flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
