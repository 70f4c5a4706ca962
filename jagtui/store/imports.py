"""What an import needs from the database: look-ups in chunks, so 100,000 rows
never make one huge query, and bulk inserts for the rows it creates.

Look-ups return plain records (not ORM objects), so a large import holds little
memory while it plans; only the rows that change are loaded as objects.

New rows are written with the driver's own bulk path (COPY on PostgreSQL,
``executemany`` on SQLite), stamped as the flush hook would stamp them, and
audited one ``create`` row per table per import (the ids, not the values: the
values are in the rows, and an append-only trail must not keep a copy of
personal data that erasure could not reach). On SQLite the rows are first
staged in TEMP tables, which take no lock on the database, so the write lock is
held only for the final ``INSERT ... SELECT`` (see ``jagtui.importer.apply``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from jagtui.store import audit
from jagtui.store.errors import StoreError
from jagtui.store.hooks import check_text
from jagtui.store.models import AuditEntry, Incident, IncidentParty, Location, Person
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


# Looking up more values than this share of a table's rows, one pass over the table
# (filtered here) is cheaper than many chunked IN (...) queries.
_WHOLE_SHARE = 4
_WHOLE_ALWAYS = 2000


def _in_one_pass(session: Session, model, wanted: int, *where) -> bool:
    size = session.scalar(select(func.count()).select_from(model).where(*where))
    return size <= wanted * _WHOLE_SHARE + _WHOLE_ALWAYS


def _compact(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


def _lower(text: str) -> str:
    return text.strip(" ").lower()  # as unicode_lower(trim(...)) does in the database


_INCIDENT = (Incident.id, Incident.source_ref, Incident.occurred_on, Incident.category,
             Incident.beat, Incident.hate, Incident.description, Incident.location_id)


def incidents_by_ref(session: Session, source: str, refs: Iterable[str]) -> dict[str, IncidentRecord]:
    """Incidents already recorded from ``source`` under these references."""
    wanted = list(dict.fromkeys(refs))
    if _in_one_pass(session, Incident, len(wanted), Incident.source == source):
        keep = set(wanted)
        queries = [select(*_INCIDENT).where(Incident.source == source)]
    else:
        keep = None
        queries = [select(*_INCIDENT).where(Incident.source == source, Incident.source_ref.in_(chunk))
                   for chunk in chunks(wanted)]
    found = {}
    for query in queries:
        for row in session.execute(query):
            if keep is None or row.source_ref in keep:
                found[row.source_ref] = IncidentRecord(*row[:5], bool(row.hate), *row[6:])
    return found


def incident_people(session: Session, incident_ids: Iterable[int]) -> dict[int, list[tuple[int, str, str]]]:
    """(person id, role, name) linked to each incident."""
    wanted = list(dict.fromkeys(incident_ids))
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    if not wanted:
        return found
    linked = (select(IncidentParty.incident_id, IncidentParty.person_id, IncidentParty.role, Person.name)
              .join(Person, Person.id == IncidentParty.person_id))
    if _in_one_pass(session, IncidentParty, len(wanted) * 3):
        keep = set(wanted)
        queries = [linked]
    else:
        keep = None
        queries = [linked.where(IncidentParty.incident_id.in_(chunk)) for chunk in chunks(wanted)]
    for query in queries:
        for incident_id, person_id, role, name in session.execute(query):
            if keep is None or incident_id in keep:
                found[incident_id].append((person_id, role, name))
    return found


def people_sharing(
    session: Session, *, ids: Iterable[int] = (), births: Iterable[date] = (),
    postcodes: Iterable[str] = (), addresses: Iterable[str] = (),
) -> list[PersonRecord]:
    """People with one of these ids, dates of birth, postcodes (compact, upper case) or
    addresses (lower case): everyone an incoming person could be matched to."""
    wanted = [set(filter(None, values)) for values in (ids, births, postcodes, addresses)]
    columns = (Person.id, Person.name, Person.date_of_birth, Person.address, Person.postcode)
    found: dict[int, PersonRecord] = {}
    if _in_one_pass(session, Person, sum(map(len, wanted))):
        by_id, by_birth, by_postcode, by_address = wanted
        for row in session.execute(select(*columns)):
            if (row.id in by_id or row.date_of_birth in by_birth
                    or _compact(row.postcode) in by_postcode or _lower(row.address) in by_address):
                found[row.id] = PersonRecord(*row)
        return list(found.values())
    compact_postcode = func.upper(func.replace(Person.postcode, " ", ""))
    lookups = (Person.id, Person.date_of_birth, compact_postcode,
               unicode_lower(func.trim(Person.address)))
    for column, values in zip(lookups, wanted):
        for chunk in chunks(values):
            for row in session.execute(select(*columns).where(column.in_(chunk))):
                found[row.id] = PersonRecord(*row)
    return list(found.values())


def locations_sharing(
    session: Session, *, ids: Iterable[int] = (), names: Iterable[str] = (),
    postcodes: Iterable[str] = (),
) -> list[LocationRecord]:
    """Locations with one of these ids, names or addresses (lower case) or postcodes."""
    by_id, by_name, by_postcode = (set(filter(None, values)) for values in (ids, names, postcodes))
    columns = (Location.id, Location.name, Location.address, Location.postcode, Location.beat,
               Location.locality)
    found: dict[int, LocationRecord] = {}
    if _in_one_pass(session, Location, len(by_id) + len(by_name) + len(by_postcode)):
        for row in session.execute(select(*columns)):
            if (row.id in by_id or _lower(row.name) in by_name or _lower(row.address) in by_name
                    or _compact(row.postcode) in by_postcode):
                found[row.id] = LocationRecord(*row)
        return list(found.values())
    compact_postcode = func.upper(func.replace(Location.postcode, " ", ""))
    lookups = ((Location.id, by_id), (unicode_lower(func.trim(Location.name)), by_name),
               (unicode_lower(func.trim(Location.address)), by_name), (compact_postcode, by_postcode))
    for column, values in lookups:
        for chunk in chunks(values):
            for row in session.execute(select(*columns).where(column.in_(chunk))):
                found[row.id] = LocationRecord(*row)
    return list(found.values())


_STAMP = ("created_at", "created_by", "updated_at", "updated_by", "version")
# The tables an import writes: a change to any of them since the plan was made
# means the plan may be out of date.
# Audit rows that record a reading, not a change (an import's own row is one: the
# rows it created have ``create`` rows of their own).
_READS = ("import", "view", "search", "export")
IMPORT_TABLES = (Location.__tablename__, Person.__tablename__, Incident.__tablename__,
                 IncidentParty.__tablename__)


def _defaults(model) -> dict[str, Any]:
    """Every column's default value (the models declare defaults, the tables mostly do not)."""
    found = {}
    for name, info in model.model_fields.items():
        if name in _INTERNAL:
            continue
        found[name] = info.get_default(call_default_factory=True)
    return found


@dataclass
class Batch:
    """New rows of one table, ids already allocated, held a column at a time:
    ``columns[name]`` lists the values in the order of ``ids``; every other column
    takes the model's default."""

    model: type
    ids: list[int] = field(default_factory=list)
    columns: dict[str, list] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.model.__tablename__

    def check(self) -> None:
        """What the flush hook's ``check_text`` refuses (NUL, over-long text), a column at
        a time (join and max run in C); the hook's own message is raised."""
        table = self.model.__table__.columns
        for name, values in self.columns.items():
            texts = [v for v in values if v.__class__ is str]
            if not texts:
                continue
            limit = getattr(table[name].type, "length", None)
            if "\x00" in "\x01".join(texts) or (limit and max(map(len, texts)) > limit):
                for value in texts:
                    if "\x00" in value or (limit and len(value) > limit):
                        check_text(self.model(**{name: value}))

    def rows(self, dialect, login: str, now: datetime) -> tuple[list[str], list[tuple]]:
        """(columns, rows) ready for the driver: stamped, defaults filled, each value as
        the column's type would bind it (dates as text on SQLite, and so on). Built a
        column at a time (map and zip run in C)."""
        self.check()
        defaults = {k: v for k, v in _defaults(self.model).items() if k not in self.columns}
        table = self.model.__table__.columns

        def bound(name: str, values):
            process = table[name].type.dialect_impl(dialect).bind_processor(dialect)
            return values if process is None else map(process, values)

        def constant(name: str, value):
            return repeat(next(iter(bound(name, [value]))))

        stamp = dict(zip(_STAMP, (now, login, now, login, 1)))
        names = ["id", *stamp, *self.columns, *defaults]
        streams = [self.ids, *(constant(k, v) for k, v in stamp.items()),
                   *(bound(k, v) for k, v in self.columns.items()),
                   *(constant(k, v) for k, v in defaults.items())]
        return names, list(zip(*streams))


def free_ids(session: Session | Connection, model, count: int, start: int | None = None) -> list[int]:
    """``count`` new ids for ``model``'s table, taken before the rows are inserted.

    Inserting with known ids needs no RETURNING. PostgreSQL hands them out from
    the table's sequence (never reused, whatever happens next); SQLite numbers on
    from the largest id (``start``, if already read), which the caller must
    confirm is still the largest while it holds the write lock.
    """
    if count == 0:
        return []
    table = model.__tablename__
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"), {"table": table, "count": count}))
    if start is None:
        start = session.scalar(select(func.coalesce(func.max(model.id), 0)))
    return list(range(start + 1, start + count + 1))


def largest_ids(session: Session | Connection, models=(Location, Person, Incident, IncidentParty)
                ) -> dict[str, int]:
    """The largest id of each table (0 when empty)."""
    return {m.__tablename__: session.scalar(select(func.coalesce(func.max(m.id), 0)))
            for m in models}


def audit_mark(session: Session | Connection) -> int:
    """The newest audit row's id: every change to the database comes with one."""
    return session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))


def changed_since(session: Session | Connection, mark: int) -> bool:
    """Whether a row of a table an import writes has changed since ``mark`` (an id of the
    audit trail, which SQLite numbers in commit order: writers hold the lock in turn)."""
    return session.scalar(
        select(AuditEntry.id).where(AuditEntry.id > mark, AuditEntry.table_name.in_(IMPORT_TABLES),
                                    AuditEntry.operation.not_in(_READS))
        .limit(1)) is not None


def _quoted(connection: Connection, names: Iterable[str]) -> str:
    quote = connection.dialect.identifier_preparer.quote
    return ", ".join(quote(name) for name in names)


def insert_batches(connection: Connection, batches: Iterable[Batch], login: str, now: datetime,
                   tick=None) -> None:
    """The batches' rows inserted, in the caller's transaction: COPY on PostgreSQL,
    ``executemany`` on SQLite. The flush hooks do not see them: audit with
    :func:`audit_batches`."""
    for batch in batches:
        if not batch.ids:
            continue
        columns, rows = batch.rows(connection.dialect, login, now)
        names = _quoted(connection, columns)
        if connection.dialect.name == "postgresql":
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                with cursor.copy(f"COPY {batch.table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            except connection.dialect.loaded_dbapi.Error as exc:
                # The driver's own error (COPY bypasses SQLAlchemy): one line, as a refusal.
                raise StoreError((str(exc).strip().splitlines() or [type(exc).__name__])[0]) from None
        else:
            marks = ", ".join("?" * len(columns))
            connection.exec_driver_sql(f"INSERT INTO {batch.table} ({names}) VALUES ({marks})", rows)
        if tick:
            tick(batch)


def stage(connection: Connection, batches: Iterable[Batch], login: str, now: datetime,
          tick=None) -> list[tuple[str, str, str]]:
    """SQLite: the batches' rows in TEMP tables (this connection's own, which take no
    lock on the database), each written in a transaction of its own. Returns
    (table, staged copy, columns) for :func:`swap_in`; :func:`unstage` drops them."""
    staged = []
    for batch in batches:
        if not batch.ids:
            continue
        columns, rows = batch.rows(connection.dialect, login, now)
        names = _quoted(connection, columns)
        copy = f"jagtui_import_{batch.table}"
        marks = ", ".join("?" * len(columns))
        with connection.begin():
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{copy}")
            connection.exec_driver_sql(
                f"CREATE TEMP TABLE {copy} AS SELECT {names} FROM main.{batch.table} WHERE 0")
            staged.append((batch.table, copy, names))
            connection.exec_driver_sql(f"INSERT INTO temp.{copy} ({names}) VALUES ({marks})", rows)
        if tick:
            tick(batch)
    return staged


def swap_in(connection: Connection, staged: list[tuple[str, str, str]]) -> None:
    """The staged rows into the real tables (the caller holds the write lock)."""
    for table, copy, names in staged:
        connection.exec_driver_sql(f"INSERT INTO main.{table} ({names}) SELECT {names} "
                                   f"FROM temp.{copy}")


def unstage(connection: Connection, staged: list[tuple[str, str, str]]) -> None:
    for _table, copy, _names in staged:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{copy}")
    if connection.in_transaction():
        connection.commit()


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] -> [[1, 3], [7, 8]]: the ids an audit row names, compactly."""
    ranges: list[list[int]] = []
    for record_id in sorted(ids):
        if ranges and record_id == ranges[-1][1] + 1:
            ranges[-1][1] = record_id
        else:
            ranges.append([record_id, record_id])
    return ranges


def audit_batches(session: Session, batches: Iterable[Batch], **detail: Any) -> None:
    """One ``create`` audit row per table: how many rows, their ids, and the import."""
    for batch in batches:
        if batch.ids:
            audit.record(session, "create", table_name=batch.table, rows=len(batch.ids),
                         ids=id_ranges(batch.ids), **detail)
