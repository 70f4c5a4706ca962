"""Code run in separate processes by the concurrency tests (spawned, so imported fresh)."""

from __future__ import annotations

import traceback


def write_people(url: str, login: str, count: int, barrier, results) -> None:
    """``count`` transactions, each adding one person; errors are reported, not raised."""
    from jagtui.store import people
    from jagtui.store.db import open_store

    store = open_store(url, login)
    errors: list[str] = []
    try:
        barrier.wait(timeout=60)
        for n in range(count):
            try:
                with store.write() as session:
                    people.add_person(session, f"{login} {n}", notes=f"written by {login}")
            except Exception as exc:  # report every failure, keep going
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        store.dispose()
    results.put((login, errors))


def edit_title(url: str, login: str, case_id: int, title: str, barrier, results) -> None:
    """Read the case, wait for the other editor, then save ``title`` against the version read."""
    from jagtui.store import cases
    from jagtui.store.db import open_store
    from jagtui.store.errors import Conflict

    store = open_store(url, login)
    try:
        with store.read() as session:
            version = cases.get_case(session, case_id).version
        barrier.wait(timeout=60)
        try:
            with store.write() as session:
                cases.update_case(session, case_id, version, title=title)
            results.put((login, "saved", None))
        except Conflict as clash:
            results.put((login, "conflict", (str(clash), clash.theirs, clash.yours, clash.by)))
    except Exception:
        results.put((login, "error", traceback.format_exc()))
    finally:
        store.dispose()


def open_cases(url: str, login: str, count: int, barrier, results) -> None:
    """``count`` transactions, each opening a case with a reference the store allocates."""
    from datetime import date

    from jagtui.store import cases
    from jagtui.store.db import open_store

    store = open_store(url, login)
    errors: list[str] = []
    try:
        barrier.wait(timeout=60)
        for n in range(count):
            try:
                with store.write() as session:
                    cases.open_case(session, case_type="location", title=f"{login} {n}",
                                    subgroup="JAG", lead_agency="POLICE",
                                    opened_on=date(2026, 11, 22))
            except Exception as exc:  # report every failure, keep going
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        store.dispose()
    results.put((login, errors))


def record_points(url: str, login: str, item_id: int, count: int, barrier, results) -> None:
    """``count`` transactions, each adding a discussion point (every fifth an AGREED) to one item."""
    from jagtui.store import meetings
    from jagtui.store.db import open_store

    store = open_store(url, login)
    errors: list[str] = []
    try:
        barrier.wait(timeout=60)
        for n in range(count):
            try:
                with store.write() as session:
                    meetings.add_note(session, item_id, f"{login} point {n}",
                                      "agreed" if n % 5 == 4 else "point")
            except Exception as exc:  # report every failure, keep going
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        store.dispose()
    results.put((login, errors))


def mixed_writes(url: str, login: str, count: int, case_id: int, item_id: int, action_id: int,
                 barrier, results) -> None:
    """``count`` transactions of five kinds in turn: add a person, open a case, retitle the
    shared case and reassign the shared action (each against a version read just before,
    as a form would), minute a point on the shared item. A Conflict on the shared records
    is an outcome (counted), anything else an error."""
    import time
    from datetime import date

    from jagtui.store import actions, cases, meetings, people
    from jagtui.store.db import open_store
    from jagtui.store.errors import Conflict
    from jagtui.store.models import Action, Case

    store = open_store(url, login)
    errors: list[str] = []
    done = {"people": 0, "cases": 0, "points": 0, "edits": 0, "conflicts": 0}
    held: list[float] = []
    try:
        barrier.wait(timeout=60)
        started = time.monotonic()
        for n in range(count):
            kind = n % 5
            try:
                if kind in (2, 4):
                    model, what = (Case, case_id) if kind == 2 else (Action, action_id)
                    with store.read() as session:
                        version = session.get(model, what).version
                began = time.monotonic()
                with store.write() as session:
                    if kind == 0:
                        people.add_person(session, f"{login} {n}")
                    elif kind == 1:
                        cases.open_case(session, case_type="location", title=f"{login} {n}",
                                        subgroup="JAG", lead_agency="POLICE",
                                        opened_on=date(2026, 11, 22))
                    elif kind == 2:
                        cases.update_case(session, case_id, version, title=f"{login} {n}")
                    elif kind == 3:
                        meetings.add_note(session, item_id, f"{login} point {n}")
                    else:
                        actions.update_action(session, action_id, version, owner=f"{login} {n}")
                held.append(time.monotonic() - began)
                done[("people", "cases", "edits", "points", "edits")[kind]] += 1
            except Conflict:
                done["conflicts"] += 1
            except Exception as exc:  # report every failure, keep going
                errors.append(f"{type(exc).__name__}: {exc}")
        done["seconds"] = time.monotonic() - started
        held.sort()
        done["write_p50_ms"] = 1000 * held[len(held) // 2] if held else 0
        done["write_max_ms"] = 1000 * held[-1] if held else 0
    finally:
        store.dispose()
    results.put((login, errors, done))
