"""Writing an import: all of it or none of it, without holding other users up.

The plan (``jagtui.importer.plan``) says what to create and change. The new
rows get their ids first and go in with the driver's bulk path
(``jagtui.store.imports``); the few changed rows go through the ORM, so the
flush hook audits each. One ``create`` audit row per table names the ids an
import created, and one ``import`` row records who imported which file (name,
path, size and SHA-256) with the counts.

SQLite has one writer at a time, so the write lock is taken only at the end:
the plan is made from a read snapshot, the new rows are staged in TEMP tables
(which lock nothing), and then, holding the lock, the import checks that
nothing it depends on has changed since the plan (the audit trail says so, and
the largest ids are as planned), copies the staged rows in, updates and audits
— for 60,000 rows about half a second. If something did change, the plan is
made again (up to ``PLAN_TRIES`` times; after that, inside the lock). On
PostgreSQL writers do not block one another: plan and write are one
transaction. Either way a failure rolls everything back.

Every file opened for import is audited, whatever happens: refused, unreadable,
checked (a dry run, or the Import screen's check), not imported for its
problems, failed, or imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from jagtui.config import Config
from jagtui.importer.plan import ConfirmError, Plan, make_plan
from jagtui.importer.prepare import Prepared
from jagtui.importer.report import ImportReport
from jagtui.store import audit
from jagtui.store.db import Store, database_error, first_line
from jagtui.store.errors import StoreError
from jagtui.store.imports import (
    Batch, audit_batches, audit_mark, changed_since, chunks, free_ids, insert_batches,
    largest_ids, stage, swap_in, unstage,
)
from jagtui.store.models import Incident, IncidentParty, Location, Person, utcnow

PLAN_TRIES = 3
# progress(stage, done, total): called from the importing thread.
Progress = Callable[[str, int, int], None]
IdSource = Callable[[type, int], list[int]]


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- the rows to write -------------------------------------------------------------------


class NewRows:
    """The plan's new rows as batches with their ids, and the ids of new places and
    people by the plan's keys (changed incidents may point at them). Built a column
    at a time: 60,000 incidents are some 270,000 rows."""

    def __init__(self, plan: Plan, ids: IdSource):
        places = list(plan.new_locations.values())
        self.location_ids = dict(zip(plan.new_locations, ids(Location, len(places))))
        names = [p.name for p in places]
        self.locations = Batch(Location, list(self.location_ids.values()), {
            "name": names, "address": names, "postcode": [p.postcode for p in places],
            "beat": [p.beat for p in places], "locality": [p.locality for p in places]})
        people = list(plan.new_people.values())
        self.person_ids = dict(zip(plan.new_people, ids(Person, len(people))))
        self.people = Batch(Person, list(self.person_ids.values()), {
            "name": [p.name for p in people], "date_of_birth": [p.date_of_birth for p in people],
            "address": [p.address for p in people], "postcode": [p.postcode for p in people]})
        creates = plan.creates
        incident_ids = ids(Incident, len(creates))
        new = [c.incoming for c in creates]
        place = self.location_ids.get
        self.incidents = Batch(Incident, incident_ids, {
            "occurred_on": [i.occurred_on for i in new], "category": [i.category for i in new],
            "source": [plan.source] * len(new), "source_ref": [i.ref for i in new],
            # An existing place's id, or a new place's key (a str): its new id.
            "location_id": [place(c.location, c.location) for c in creates],
            "beat": [c.beat for c in creates], "hate": [i.hate for i in new],
            "description": [i.description for i in new]})
        # A person is an existing id, or a new person's key (a tuple): its new id.
        person = self.person_ids.get
        links = [(incident_id, person(ref, ref), role)
                 for create, incident_id in zip(creates, incident_ids) for ref, role in create.people]
        links += [(change.incident_id, person(ref, ref), role)
                  for change in plan.changes for ref, role in change.links]
        incident_of, person_of, role_of = (list(column) for column in zip(*links)) if links else ([], [], [])
        self.parties = Batch(IncidentParty, ids(IncidentParty, len(links)), {
            "incident_id": incident_of, "person_id": person_of, "role": role_of})

    def location_id(self, ref) -> int | None:
        return ref if ref is None or isinstance(ref, int) else self.location_ids[ref]

    @property
    def batches(self) -> list[Batch]:
        # In this order: each refers only to rows of the ones before it.
        return [self.locations, self.people, self.incidents, self.parties]

    @property
    def count(self) -> int:
        return sum(len(batch.ids) for batch in self.batches)


def _finish(session: Session, plan: Plan, rows: NewRows, prepared: Prepared) -> None:
    """What follows the new rows, in the same transaction: blanks filled on matched people
    and places, changed incidents (through the ORM: audited row by row), and the audit
    rows of the import."""
    for model, fills in ((Person, plan.person_fills), (Location, plan.location_fills)):
        for chunk in chunks(fills):
            for obj in session.scalars(select(model).where(model.id.in_(chunk))):
                for name, value in fills[obj.id].items():
                    setattr(obj, name, value)
            session.flush()
    for batch in _batched(plan.changes, 500):
        loaded = {obj.id: obj for obj in session.scalars(
            select(Incident).where(Incident.id.in_([c.incident_id for c in batch])))}
        for change in batch:
            incident = loaded[change.incident_id]
            for name, value in change.values.items():
                setattr(incident, name, rows.location_id(value) if name == "location_id" else value)
        session.flush()
    report = plan.report
    audit_batches(session, rows.batches, file=report.file_name, sha256=report.sha256)
    audit.record(session, "import", table_name="incidents", outcome="imported",
                 **file_detail(prepared), mapping=report.mapping, source=report.source,
                 **report.counts())


def _writing(progress: Progress | None, total: int):
    done = 0
    if progress:
        progress("Writing", 0, total)

    def tick(batch: Batch) -> None:
        nonlocal done
        done += len(batch.ids)
        if progress:
            progress("Writing", done, total)

    return tick


# --- the audit of every file opened ------------------------------------------------------


def file_detail(prepared: Prepared) -> dict:
    """What the audit trail keeps about a file: never its content."""
    extract = prepared.extract
    return {"file": extract.name, "path": os.path.abspath(extract.path),
            "size": extract.size, "sha256": extract.sha256}


def audit_file(store: Store, prepared: Prepared, report: ImportReport, outcome: str, *,
               strict: bool = True) -> None:
    """One ``import`` audit row for a file opened but not imported, in a write of its own.

    ``strict``: a file whose rows are about to be shown is shown only once this row is
    written. Otherwise (a refusal, a failure) a database that cannot take the row does
    not turn the outcome into a different error."""
    counts = report.counts() if report.readable and prepared.checked is not None else {}
    try:
        with store.write() as session:
            audit.record(session, "import", table_name="incidents", outcome=outcome,
                         **file_detail(prepared), mapping=report.mapping, **counts)
    except (StoreError, SQLAlchemyError) as exc:
        if strict:
            message = first_line(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
            raise StoreError(f"Not checked: the audit trail could not record reading the file "
                             f"({message})") from None


def _unread(prepared: Prepared) -> str:
    first = next((p.message for p in prepared.report.file_problems), "")
    if prepared.extract.refused:
        return f"refused: {first}"
    return f"not imported: {first}" if first else "not imported"


# --- importing ---------------------------------------------------------------------------


def run_import(
    store: Store, cfg: Config, prepared: Prepared, *, decisions: dict[str, str] | None = None,
    skip_invalid: bool = False, dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """Import a prepared file (or, with ``dry_run``, only say what importing would do).

    Nothing is written when the file cannot be read, or when rows have problems
    and ``skip_invalid`` is not given (but the file's audit row). Raises
    ``ConfirmError`` for a decision that fits no possible match, and ``StoreError``
    if writing fails (nothing is then written but the audit row saying so).
    """
    if prepared.checked is None:
        report = prepared.report
        report.dry_run = dry_run
        audit_file(store, prepared, report, _unread(prepared), strict=False)
        return report
    try:
        if dry_run:
            with store.read() as session:
                report = make_plan(session, cfg, prepared, decisions, skip_invalid=skip_invalid).report
            report.dry_run = True
            audit_file(store, prepared, report, "dry run")
            return report
        if progress:
            progress("Matching", 0, 1)
        if store.is_sqlite:
            report = _import_staged(store, cfg, prepared, decisions, skip_invalid, progress)
        else:
            report = _import_in_one(store, cfg, prepared, decisions, skip_invalid, progress)
    except ConfirmError as exc:
        audit_file(store, prepared, prepared.report, f"not imported: {exc}", strict=False)
        raise
    except DBAPIError as exc:
        _failed(store, prepared, first_line(exc.orig))
    except StoreError as exc:
        if str(exc).startswith("Not checked:"):
            raise
        _failed(store, prepared, str(exc))
    if report.applied:
        store.refresh_statistics("incidents", "incident_parties", "people", "locations")
    else:
        problems = len(report.invalid_rows)
        audit_file(store, prepared, report, f"not imported: {problems} row"
                   f"{'s' if problems != 1 else ''} with problems", strict=False)
    return report


def _failed(store: Store, prepared: Prepared, message: str):
    audit_file(store, prepared, prepared.report, f"failed: {message}", strict=False)
    raise StoreError(f"The import failed and nothing was written: {message}") from None


def _import_in_one(store: Store, cfg: Config, prepared: Prepared, decisions, skip_invalid: bool,
                   progress: Progress | None) -> ImportReport:
    """Plan and write in one transaction (PostgreSQL; SQLite when the database keeps
    changing under a staged import)."""
    with store.write() as session:
        plan = make_plan(session, cfg, prepared, decisions, skip_invalid=skip_invalid)
        if plan.report.blocked:
            return plan.report
        rows = NewRows(plan, lambda model, count: free_ids(session, model, count))
        insert_batches(session.connection(), rows.batches, store.login, utcnow(),
                       _writing(progress, rows.count))
        _finish(session, plan, rows, prepared)
        plan.report.applied = True
    return plan.report


def _import_staged(store: Store, cfg: Config, prepared: Prepared, decisions, skip_invalid: bool,
                   progress: Progress | None) -> ImportReport:
    """SQLite: plan from a snapshot, stage, then hold the write lock only to swap in."""
    for _ in range(PLAN_TRIES):
        with store.read() as session:
            mark = audit_mark(session)  # first: the snapshot the plan is made from
            plan = make_plan(session, cfg, prepared, decisions, skip_invalid=skip_invalid)
            largest = largest_ids(session)
        if plan.report.blocked:
            return plan.report

        def ids(model, count: int) -> list[int]:
            start = largest[model.__tablename__]
            return list(range(start + 1, start + count + 1))

        rows = NewRows(plan, ids)
        with store.engine.connect() as connection:
            staged = []
            try:
                staged = stage(connection, rows.batches, store.login, utcnow(),
                               _writing(progress, rows.count))
                if _swap(store, connection, plan, rows, staged, mark, largest, prepared):
                    plan.report.applied = True
                    return plan.report
            finally:
                _drop(connection, staged)
    return _import_in_one(store, cfg, prepared, decisions, skip_invalid, progress)


def _swap(store: Store, connection: Connection, plan: Plan, rows: NewRows, staged, mark: int,
          largest: dict[str, int], prepared: Prepared) -> bool:
    """Holding the write lock: False (nothing written) if the plan is out of date, else
    the staged rows in, the changes made, audited and committed."""
    connection.execution_options(immediate=True, on_wait=store.on_wait)
    try:
        with connection.begin() as transaction:  # BEGIN IMMEDIATE: the write lock
            if changed_since(connection, mark) or largest_ids(connection) != largest:
                transaction.rollback()
                return False
            swap_in(connection, staged)
            with Session(bind=connection, expire_on_commit=False) as session:
                session.info["login"] = store.login
                _finish(session, plan, rows, prepared)
                session.flush()
        return True
    except StaleDataError:
        raise StoreError("a record changed while importing: import again") from None
    except OperationalError as exc:
        raise database_error(exc) from None
    finally:
        connection.execution_options(immediate=False, on_wait=None)


def _drop(connection: Connection, staged) -> None:
    try:
        if connection.in_transaction():
            connection.rollback()
        unstage(connection, staged)
    except SQLAlchemyError:
        connection.invalidate()  # the TEMP tables go with the connection
