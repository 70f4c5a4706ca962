"""Writing an import: all of it in one transaction, or none of it.

The plan is made again inside the write transaction, so what is written
matches the database as it is at that moment; then locations, people,
incidents and their links are added in batches, every row audited, and one
``import`` audit row records who imported which file (name and SHA-256) with
the counts. Any failure rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from jagtui.config import Config
from jagtui.importer.plan import Plan, make_plan
from jagtui.importer.prepare import Prepared
from jagtui.importer.report import ImportReport
from jagtui.store import audit
from jagtui.store.db import Store, first_line
from jagtui.store.errors import StoreError
from jagtui.store.imports import chunks, insert_rows
from jagtui.store.models import Incident, IncidentParty, Location, Person

BATCH = 2000
# progress(stage, done, total): called from the importing thread.
Progress = Callable[[str, int, int], None]


def _batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def write(session: Session, plan: Plan, progress: Progress | None = None) -> None:
    """Carry out ``plan`` in ``session`` (the caller's transaction).

    New rows go in as bulk inserts (stamped and audited by ``insert_rows``);
    the few changed rows go through the ORM, so the flush hook audits them.
    """
    total = len(plan.creates) + len(plan.changes)
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("Writing", done, total)

    location_ids: dict[str, int] = {}
    for batch in _batched(plan.new_locations.items()):
        ids = insert_rows(session, Location, [
            {"name": new.name, "address": new.name, "postcode": new.postcode, "beat": new.beat,
             "locality": new.locality} for _, new in batch])
        location_ids.update(zip((key for key, _ in batch), ids))
    person_ids: dict[tuple, int] = {}
    for batch in _batched(plan.new_people.items()):
        ids = insert_rows(session, Person, [
            {"name": new.name, "date_of_birth": new.date_of_birth, "address": new.address,
             "postcode": new.postcode} for _, new in batch])
        person_ids.update(zip((key for key, _ in batch), ids))
    for model, fills in ((Person, plan.person_fills), (Location, plan.location_fills)):
        for chunk in chunks(fills):
            for obj in session.scalars(select(model).where(model.id.in_(chunk))):
                for name, value in fills[obj.id].items():
                    setattr(obj, name, value)
            session.flush()

    def person_id(ref) -> int:
        return ref if isinstance(ref, int) else person_ids[ref]

    def location_id(ref) -> int | None:
        return ref if ref is None or isinstance(ref, int) else location_ids[ref]

    for batch in _batched(plan.creates):
        ids = insert_rows(session, Incident, [
            {"occurred_on": c.incoming.occurred_on, "category": c.incoming.category,
             "source": plan.source, "source_ref": c.incoming.ref,
             "location_id": location_id(c.location), "beat": c.beat, "hate": c.incoming.hate,
             "description": c.incoming.description} for c in batch])
        insert_rows(session, IncidentParty, [
            {"incident_id": incident_id, "person_id": person_id(ref), "role": role}
            for create, incident_id in zip(batch, ids) for ref, role in create.people])
        tick(len(batch))
    for batch in _batched(plan.changes, 500):
        loaded = {obj.id: obj for obj in session.scalars(
            select(Incident).where(Incident.id.in_([c.incident_id for c in batch])))}
        for change in batch:
            incident = loaded[change.incident_id]
            for name, value in change.values.items():
                setattr(incident, name, location_id(value) if name == "location_id" else value)
        session.flush()
        insert_rows(session, IncidentParty, [
            {"incident_id": change.incident_id, "person_id": person_id(ref), "role": role}
            for change in batch for ref, role in change.links])
        tick(len(batch))


def run_import(
    store: Store, cfg: Config, prepared: Prepared, *, decisions: dict[str, str] | None = None,
    skip_invalid: bool = False, dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """Import a prepared file (or, with ``dry_run``, only say what importing would do).

    Nothing is written when the file cannot be read, or when rows have problems
    and ``skip_invalid`` is not given. Raises ``ConfirmError`` for a decision
    that fits no possible match, and ``StoreError`` if writing fails (nothing
    is then written).
    """
    if prepared.checked is None:
        report = prepared.report
        report.dry_run = dry_run
        return report
    if dry_run:
        with store.read() as session:
            report = make_plan(session, cfg, prepared, decisions, skip_invalid=skip_invalid).report
        report.dry_run = True
        return report
    if progress:
        progress("Matching", 0, 1)
    try:
        with store.write() as session:
            plan = make_plan(session, cfg, prepared, decisions, skip_invalid=skip_invalid)
            report = plan.report
            if report.blocked:
                return report
            write(session, plan, progress)
            audit.record(session, "import", table_name="incidents", file=report.file_name,
                         path=str(prepared.extract.path.resolve()), sha256=report.sha256,
                         mapping=report.mapping, source=report.source, **report.counts())
            report.applied = True
    except DBAPIError as exc:
        raise StoreError(f"The import failed and nothing was written: {first_line(exc.orig)}") from None
    except StoreError as exc:
        raise StoreError(f"The import failed and nothing was written: {exc}") from None
    if report.applied:
        store.refresh_statistics("incidents", "incident_parties", "people", "locations")
    return report
