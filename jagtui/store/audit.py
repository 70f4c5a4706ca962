"""The audit trail: who saw and changed what.

Changes are captured in one place, a flush hook on every session (installed by
``jagtui.store.hooks``), so no store function can forget them: each insert,
update (with before and after values) and delete of a tracked row becomes one
``audit_log`` row. Views, searches, exports, logins and erasures are recorded
explicitly with :func:`record`. The table is append-only: the migration installs
triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).

Reading it (the admin audit screen, ``jagtui audit export``) goes through
:func:`page` and :func:`stream`, which withhold the detail of entries about
records a retention erasure has since removed (see docs/retention.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlmodel import Session

from jagtui.store.models import AuditEntry, Case, Tracked, utcnow

_INTERNAL = {"id", "created_at", "created_by", "updated_at", "updated_by", "version"}


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _values(obj: Tracked) -> dict[str, Any]:
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in inspect(obj).mapper.column_attrs
        if attr.key not in _INTERNAL
    }


def _changes(obj: Tracked) -> dict[str, dict[str, Any]]:
    state = inspect(obj)
    changed = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _INTERNAL:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changed[attr.key] = {"before": _plain(before), "after": _plain(after)}
    return changed


def _case_id(obj: Tracked) -> int | None:
    return obj.id if isinstance(obj, Case) else getattr(obj, "case_id", None)


def log_changes(session: Session, _context) -> None:
    """after_flush hook: one audit row per created, changed or deleted tracked row."""
    if not session.info.get("audit", True):
        return
    login = session.info.get("login", "")
    rows = []
    for operation, objects in (("create", session.new), ("update", session.dirty),
                               ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Tracked) or not getattr(obj, "__audited__", True):
                continue
            if operation == "update":
                detail = _changes(obj)
                if not detail:
                    continue
            elif operation == "create":
                detail = {"after": _values(obj)}
            else:
                detail = {"before": _values(obj)}
            rows.append(
                {
                    "at": utcnow(),
                    "login": login,
                    "operation": operation,
                    "table_name": obj.__tablename__,
                    "record_id": obj.id,
                    "case_id": _case_id(obj),
                    "detail": json.loads(json.dumps(detail, default=str)),
                }
            )
    if rows:
        session.execute(insert(AuditEntry), rows)


def record(
    session: Session,
    operation: str,
    *,
    table_name: str = "",
    record_id: int | None = None,
    case_id: int | None = None,
    **detail: Any,
) -> None:
    """Record a view, search, export or erasure (anything not a row change)."""
    session.add(
        AuditEntry(
            login=session.info.get("login", ""),
            operation=operation,
            table_name=table_name,
            record_id=record_id,
            case_id=case_id,
            detail=json.loads(json.dumps(detail, default=str)),
        )
    )


def _filtered(query, login: str | None, case_id: int | None, since: datetime | None,
              until: datetime | None):
    if login:
        query = query.where(AuditEntry.login == login)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query


def entries(
    session: Session,
    *,
    login: str | None = None,
    case_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """Newest first; ``before_id`` pages on (keyset paging stays fast however long the log)."""
    query = _filtered(select(AuditEntry), login, case_id, since, until)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


# --- Reading the trail: filters, paging, export, and erased records -----------------------------


@dataclass(frozen=True)
class Filter:
    """What the audit screen and ``jagtui audit export`` ask for (all optional).

    ``case`` is a case reference, found even after the case was erased (through
    its erasure row); ``since`` and ``until`` are local calendar dates, inclusive.
    """

    login: str = ""
    case: str = ""
    since: date | None = None
    until: date | None = None

    def describe(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items() if value}


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone().astimezone(timezone.utc)


def case_id_for(session: Session, reference: str) -> int | None:
    """The id a case reference had, live or erased; None if no case ever had it."""
    reference = reference.strip()
    found = session.scalar(select(Case.id).where(Case.reference == reference))
    if found is not None:
        return found
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.operation == "erasure")):
        if entry.detail.get("reference") == reference:
            return entry.case_id
    return None


def _arguments(session: Session, where: Filter) -> dict[str, Any] | None:
    """``entries`` keyword arguments for a filter; None when it can match nothing."""
    case_id = None
    if where.case.strip():
        case_id = case_id_for(session, where.case)
        if case_id is None:
            return None
    if where.since and where.until and where.until < where.since:
        return None
    return {
        "login": where.login.strip() or None,
        "case_id": case_id,
        "since": _local_midnight_utc(where.since) if where.since else None,
        "until": _local_midnight_utc(where.until + timedelta(days=1)) if where.until else None,
    }


@dataclass(frozen=True)
class Row:
    """An audit entry as shown or exported: detail withheld when its record was erased."""

    id: int
    at: datetime
    login: str
    operation: str
    table_name: str
    record_id: int | None
    case_id: int | None
    detail: dict[str, Any]
    withheld: bool = False
    case_reference: str = ""


@dataclass
class Erased:
    """Records removed by retention erasures, whose older audit detail is put beyond use."""

    cases: dict[int, int] = field(default_factory=dict)  # case id -> erasure entry id
    records: dict[tuple[str, int], int] = field(default_factory=dict)
    references: dict[int, str] = field(default_factory=dict)  # case id -> reference it had

    @classmethod
    def load(cls, session: Session) -> Erased:
        found = cls()
        for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.operation == "erasure").order_by(AuditEntry.id)
        ):
            if entry.case_id is not None:
                found.cases[entry.case_id] = entry.id
                found.references[entry.case_id] = entry.detail.get("reference", "")
            for table, ids in (entry.detail.get("erased") or {}).items():
                for record_id in ids:
                    found.records[(table, record_id)] = entry.id
        return found

    def erasure_of(self, entry: AuditEntry) -> int | None:
        """The erasure that removed what ``entry`` is about, if it came before."""
        by = self.cases.get(entry.case_id) if entry.case_id is not None else None
        if by is None and entry.record_id is not None:
            by = self.records.get((entry.table_name, entry.record_id))
        return by if by is not None and by > entry.id else None

    def rows(self, session: Session, entries: list[AuditEntry]) -> list[Row]:
        """The entries as shown: erased detail withheld, case references filled in."""
        ids = {entry.case_id for entry in entries if entry.case_id is not None}
        live = dict(session.execute(select(Case.id, Case.reference).where(Case.id.in_(ids))).all()
                    ) if ids else {}
        shown = []
        for entry in entries:
            erasure = self.erasure_of(entry) if entry.operation != "erasure" else None
            detail = entry.detail if erasure is None else {
                "withheld": f"the record was erased by retention (audit entry {erasure})"}
            # A reused id (SQLite can reuse the highest) is the live case only after the erasure.
            erased_before = entry.case_id in self.cases and entry.id <= self.cases[entry.case_id]
            reference = (self.references.get(entry.case_id, "") if erased_before
                         else live.get(entry.case_id, ""))
            shown.append(Row(entry.id, entry.at, entry.login, entry.operation, entry.table_name,
                             entry.record_id, entry.case_id, detail, erasure is not None,
                             reference))
        return shown


def page(session: Session, where: Filter, *, before_id: int | None = None,
         size: int = 200) -> tuple[list[Row], bool]:
    """One page of matching rows, newest first, and whether older ones follow."""
    arguments = _arguments(session, where)
    if arguments is None:
        return [], False
    found = entries(session, **arguments, before_id=before_id, limit=size + 1)
    return Erased.load(session).rows(session, found[:size]), len(found) > size


def stream(session: Session, where: Filter, batch: int = 2000) -> Iterator[Row]:
    """Every matching row, oldest first, read in batches so the log never sits in memory whole."""
    arguments = _arguments(session, where)
    if arguments is None:
        return
    erased = Erased.load(session)
    after = 0
    while True:
        query = _filtered(select(AuditEntry), **arguments).where(AuditEntry.id > after)
        found = list(session.scalars(query.order_by(AuditEntry.id).limit(batch)))
        yield from erased.rows(session, found)
        session.expunge_all()
        if len(found) < batch:
            return
        after = found[-1].id
