"""What an import needs from the database: look-ups in chunks, so 100,000 rows
never make one huge query, and a bulk insert for the rows it creates.

Look-ups return plain records (not ORM objects), so a large import holds little
memory while it plans; only the rows that change are loaded as objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, get_args

from sqlalchemy import func, insert, select, text
from sqlmodel import Session

from jagtui.store.hooks import check_text
from jagtui.store.models import AuditEntry, Incident, IncidentParty, Location, Person, utcnow
from jagtui.store.text_search import unicode_lower

_INTERNAL = {"id", "created_at", "created_by", "updated_at", "updated_by", "version"}

# Below SQLite's and PostgreSQL's bound-parameter limits, with room to spare.
CHUNK = 900


def chunks(values: Iterable) -> Iterator[list]:
    items = list(dict.fromkeys(values))
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


@dataclass(frozen=True)
class IncidentRecord:
    id: int
    source_ref: str
    occurred_on: date
    category: str
    beat: str
    hate: bool
    description: str
    location_id: int | None


@dataclass(frozen=True)
class PersonRecord:
    id: int
    name: str
    date_of_birth: date | None
    address: str
    postcode: str


@dataclass(frozen=True)
class LocationRecord:
    id: int
    name: str
    address: str
    postcode: str
    beat: str
    locality: str


def incidents_by_ref(session: Session, source: str, refs: Iterable[str]) -> dict[str, IncidentRecord]:
    """Incidents already recorded from ``source`` under these references."""
    found = {}
    for chunk in chunks(refs):
        rows = session.execute(
            select(Incident.id, Incident.source_ref, Incident.occurred_on, Incident.category,
                   Incident.beat, Incident.hate, Incident.description, Incident.location_id)
            .where(Incident.source == source, Incident.source_ref.in_(chunk))
        )
        for row in rows:
            found[row.source_ref] = IncidentRecord(*row[:5], bool(row.hate), *row[6:])
    return found


def incident_people(session: Session, incident_ids: Iterable[int]) -> dict[int, list[tuple[int, str, str]]]:
    """(person id, role, name) linked to each incident."""
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for chunk in chunks(incident_ids):
        rows = session.execute(
            select(IncidentParty.incident_id, IncidentParty.person_id, IncidentParty.role, Person.name)
            .join(Person, Person.id == IncidentParty.person_id)
            .where(IncidentParty.incident_id.in_(chunk))
        )
        for incident_id, person_id, role, name in rows:
            found[incident_id].append((person_id, role, name))
    return found


def _people(session: Session, condition) -> Iterator[PersonRecord]:
    rows = session.execute(select(Person.id, Person.name, Person.date_of_birth, Person.address,
                                  Person.postcode).where(condition))
    for row in rows:
        yield PersonRecord(*row)


def people_sharing(
    session: Session, *, ids: Iterable[int] = (), births: Iterable[date] = (),
    postcodes: Iterable[str] = (), addresses: Iterable[str] = (),
) -> list[PersonRecord]:
    """People with one of these ids, dates of birth, postcodes (compact, upper case) or
    addresses (lower case): everyone an incoming person could be matched to."""
    found: dict[int, PersonRecord] = {}
    compact_postcode = func.upper(func.replace(Person.postcode, " ", ""))
    lookups = ((Person.id, ids), (Person.date_of_birth, births), (compact_postcode, postcodes),
               (unicode_lower(func.trim(Person.address)), addresses))
    for column, values in lookups:
        for chunk in chunks(v for v in values if v):
            for record in _people(session, column.in_(chunk)):
                found[record.id] = record
    return list(found.values())


def locations_sharing(
    session: Session, *, ids: Iterable[int] = (), names: Iterable[str] = (),
    postcodes: Iterable[str] = (),
) -> list[LocationRecord]:
    """Locations with one of these ids, names or addresses (lower case) or postcodes."""
    found: dict[int, LocationRecord] = {}
    compact_postcode = func.upper(func.replace(Location.postcode, " ", ""))
    lookups = ((Location.id, ids), (unicode_lower(func.trim(Location.name)), names),
               (unicode_lower(func.trim(Location.address)), names), (compact_postcode, postcodes))
    for column, values in lookups:
        for chunk in chunks(v for v in values if v):
            rows = session.execute(
                select(Location.id, Location.name, Location.address, Location.postcode,
                       Location.beat, Location.locality).where(column.in_(chunk)))
            for row in rows:
                found[row.id] = LocationRecord(*row)
    return list(found.values())


def _defaults(model) -> dict[str, Any]:
    """Every column's default value (the models declare defaults, the tables mostly do not)."""
    found = {}
    for name, info in model.model_fields.items():
        if name in _INTERNAL:
            continue
        found[name] = info.get_default(call_default_factory=True)
    return found


def _holds_dates(annotation) -> bool:
    return any(kind in (date, datetime) for kind in (get_args(annotation) or (annotation,)))


def _check(model, rows: list[dict]) -> None:
    """What the flush hook's ``check_text`` refuses: NUL characters and over-long text.
    Checked a column at a time (join and max run in C); the hook's own message is raised."""
    for column in model.__table__.columns:
        values = [row[column.key] for row in rows if isinstance(row.get(column.key), str)]
        if not values:
            continue
        limit = getattr(column.type, "length", None)
        if "\x00" in "\x01".join(values) or (limit and max(map(len, values)) > limit):
            for value in values:
                if "\x00" in value or (limit and len(value) > limit):
                    check_text(model(**{column.key: value}))


def next_ids(session: Session, model, count: int) -> list[int]:
    """``count`` new ids for ``model``'s table, taken before the rows are inserted.

    Inserting with known ids needs no RETURNING, which both drivers do row by
    row for an ordered bulk insert. PostgreSQL hands them out from the table's
    sequence; SQLite numbers on from the largest id, which is safe because
    ``Store.write`` holds SQLite's write lock for the whole transaction.
    """
    table = model.__tablename__
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"), {"table": table, "count": count}))
    start = session.scalar(select(func.coalesce(func.max(model.id), 0)))
    return list(range(start + 1, start + count + 1))


def insert_rows(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert many rows in one statement and return their ids, in order.

    The flush hooks do not see a bulk insert, so the rows are stamped (who, when,
    version 1) and audited here exactly as the hooks would: one ``create`` audit
    row each, with the values written. Everything else goes through the ORM.
    """
    if not rows:
        return []
    login = session.info.get("login", "")
    now = utcnow()
    defaults = _defaults(model)
    ids = next_ids(session, model, len(rows))
    full = [{**defaults, **row, "id": record_id, "created_by": login, "updated_by": login,
             "created_at": now, "updated_at": now, "version": 1}
            for record_id, row in zip(ids, rows)]
    _check(model, full)
    # Core, not the ORM's bulk insert: the same statement, many times faster.
    connection = session.connection()
    connection.execute(insert(model), full)
    if session.info.get("audit", True):
        table = model.__tablename__
        dated = [key for key in defaults if _holds_dates(model.model_fields[key].annotation)]

        def after(row: dict) -> dict:
            values = {key: row[key] for key in defaults}
            for key in dated:  # as the audit hook writes them: ISO text
                if values[key] is not None:
                    values[key] = values[key].isoformat()
            return values

        connection.execute(insert(AuditEntry), [
            {"at": now, "login": login, "operation": "create", "table_name": table,
             "record_id": row["id"], "case_id": row.get("case_id"), "detail": {"after": after(row)}}
            for row in full
        ])
    return ids
