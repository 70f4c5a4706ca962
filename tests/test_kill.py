"""SIGKILL cannot be caught, so nothing may depend on catching it.

A writer process commits edits in a loop and reports each one after its
commit returns. It is killed at random moments, over and over, on one SQLite
database. Afterwards the database passes ``PRAGMA integrity_check``, every edit
reported as committed is there, and every change kept its audit row (a change
and its audit row commit together or not at all).
"""

from __future__ import annotations

import os
import random
import select as selectmod
import signal
import sqlite3
import time

from sqlalchemy import func, select

from jagtui.store import cases, people
from jagtui.store.db import Store, create_store, make_engine
from jagtui.store.models import AuditEntry, Case, Person

KILLS = 200
TODAY = __import__("datetime").date(2026, 11, 22)


def _writer(url: str, case_id: int, out: int) -> None:
    """The child: commit, then report, forever (until killed).

    "ready" comes after the first commit, so the random delays that follow fall
    among commits rather than in connecting and warming up.
    """
    store = Store(make_engine(url), "writer")
    ready = False
    while True:
        with store.write() as session:
            person = people.add_person(session, f"Person {time.monotonic_ns()}",
                                       notes="written before the kill")
            cases.update_case(session, case_id, None, summary=f"last person {person.id}")
            committed = person.id
        os.write(out, f"{committed}\n".encode())
        if not ready:
            os.write(out, b"ready\n")
            ready = True


def _read_all(fd: int, timeout: float) -> bytes:
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = selectmod.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _one_life(url: str, case_id: int, rng: random.Random) -> list[int]:
    """Start a writer, let it run a random few milliseconds, SIGKILL it; the ids it reported."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        try:
            _writer(url, case_id, write_end)
        finally:
            os._exit(1)
    os.close(write_end)
    try:
        seen = b""
        while b"ready\n" not in seen:
            chunk = os.read(read_end, 64)
            assert chunk, "the writer died before it was ready"
            seen += chunk
        time.sleep(rng.uniform(0, 0.025))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        seen += _read_all(read_end, 2.0)
    finally:
        os.close(read_end)
    # Writes of a few bytes to a pipe are atomic: only whole lines arrive.
    return [int(line) for line in seen.decode().split("\n") if line.isdigit()]


def test_sigkill_at_random_moments_loses_no_committed_edit(tmp_path):
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    store = create_store(url, "setup")
    with store.write() as session:
        case_id = cases.open_case(session, case_type="location", title="Market Square",
                                  subgroup="JAG", lead_agency="POLICE", opened_on=TODAY).id
    store.dispose()

    rng = random.Random(20261122)
    reported: list[int] = []
    started = time.monotonic()
    for _ in range(KILLS):
        reported.extend(_one_life(url, case_id, rng))
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"{KILLS} kills took {elapsed:.1f}s"
    print(f"{KILLS} kills, {len(reported)} reported commits in {elapsed:.1f}s")
    assert len(reported) > 2 * KILLS, "the writer should commit several edits per life"

    raw = sqlite3.connect(tmp_path / "killed.db")
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        raw.close()

    store = Store(make_engine(url), "checker")
    try:
        with store.read() as session:
            present = set(session.scalars(select(Person.id)))
            missing = set(reported) - present
            assert not missing, f"{len(missing)} committed edits lost, e.g. {sorted(missing)[:5]}"
            # Every row and every case edit has its audit row, and no audit row lacks its change.
            created = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.table_name == "people", AuditEntry.operation == "create"))
            assert created == len(present)
            case = session.get(Case, case_id)
            edits = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.table_name == "cases", AuditEntry.operation == "update"))
            assert case.version == 1 + edits == 1 + len(present)
            assert case.summary == f"last person {max(present)}"
    finally:
        store.dispose()
