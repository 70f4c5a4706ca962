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
