"""Backups of an SQLite database, and restoring one into an empty place.

Always through SQLite's online backup API, never a file copy: a copy of a live
WAL database can miss committed pages still in the ``-wal`` file or catch a
page half-written, while the backup API reads one consistent snapshot while
others keep working. Every backup and restore is checked with
``PRAGMA integrity_check`` and its schema revision before it is called done.
PostgreSQL is backed up with its own tool, ``pg_dump`` (see :func:`pg_dump_command`).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from jagtui.store.errors import StoreError


@dataclass(frozen=True)
class BackupReport:
    path: Path
    revision: str
    cases: int
    audit_rows: int
    size: int


def default_name(now: datetime | None = None) -> str:
    return f"jagtui-backup-{(now or datetime.now()):%Y-%m-%dT%H%M%S}.db"


def pg_dump_command(url: str, target: str = "jagtui.dump") -> str:
    """The exact ``pg_dump`` line for a PostgreSQL URL (password left to PGPASSWORD/.pgpass)."""
    import shlex

    parsed = make_url(url).set(drivername="postgresql", password=None)
    dsn = parsed.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --file={shlex.quote(target)} {shlex.quote(dsn)}"


def _checked(conn: sqlite3.Connection, where: Path) -> str:
    """The schema revision of a database that passes the integrity check."""
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{where} is not a usable SQLite database: {exc}") from None
    if result != ["ok"]:
        raise StoreError(f"{where} failed its integrity check: {result[0]}")
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if not row:
        raise StoreError(f"{where} is not a jagtui database (no schema revision)")
    return row[0]


def _count(conn: sqlite3.Connection, table: str) -> int:
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except sqlite3.DatabaseError:
        return 0


def _new_file(path: Path, mode: int) -> None:
    """Create ``path`` empty with ``mode``, refusing to replace anything."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode))
        os.chmod(path, mode)
    except FileExistsError:
        raise StoreError(f"{path} already exists: choose a new name (nothing is overwritten)") from None
    except OSError as exc:
        raise StoreError(f"Cannot create {path}: {exc.strerror}") from None


def _copy(source: sqlite3.Connection, target: Path, mode: int, journal: str) -> None:
    """Copy ``source`` into a new file via a temporary name, so ``target`` is never half made."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    _new_file(partial, mode)
    try:
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
            dest.execute(f"PRAGMA journal_mode = {journal}")
            dest.commit()
            _checked(dest, target)
        finally:
            dest.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        if target.exists():
            raise StoreError(f"{target} already exists: choose a new name (nothing is overwritten)")
        os.rename(partial, target)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        raise


def backup(engine: Engine, target: Path) -> BackupReport:
    """Back the live database of ``engine`` up into ``target`` (a new file, 0600).

    ``target`` may be a folder: the backup gets a dated name inside it.
    """
    if engine.dialect.name != "sqlite":
        raise StoreError("Back up PostgreSQL with pg_dump: " + pg_dump_command(str(engine.url)))
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / default_name()
    if target.exists():
        raise StoreError(f"{target} already exists: choose a new name (backups are never overwritten)")
    if not target.parent.is_dir():
        raise StoreError(f"No folder {target.parent} to put the backup in")
    raw = engine.raw_connection()
    try:
        # One read transaction: a consistent snapshot while others go on writing.
        _copy(raw.driver_connection, target, 0o600, "DELETE")
    finally:
        raw.close()
    return _report(target)


def _report(path: Path) -> BackupReport:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        revision = _checked(conn, path)
        return BackupReport(path, revision, _count(conn, "cases"), _count(conn, "audit_log"),
                            path.stat().st_size)
    finally:
        conn.close()


def inspect_backup(path: Path) -> BackupReport:
    """Check a backup file without changing it: integrity, revision and a few counts."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise StoreError(f"No backup file at {path}")
    return _report(path)


def restore(backup_path: Path, target: Path, known_revisions: set[str]) -> BackupReport:
    """Restore a checked backup into ``target``, which must not exist (or be empty).

    The restored file is owner-only (group-shared in a setgid folder, as the
    database it replaces would be) and in WAL mode, ready to open.
    """
    from jagtui.files import database_file_mode

    report = inspect_backup(backup_path)
    if report.revision not in known_revisions:
        raise StoreError(f"The backup's schema ({report.revision}) is newer than this jagtui: "
                         "restore it with the jagtui version that made it")
    target = Path(target).expanduser()
    for existing in (target, Path(f"{target}-wal")):
        if existing.exists() and (existing.is_dir() or existing.stat().st_size > 0):
            raise StoreError(f"{existing} is not empty: restore only into a new location "
                             "(move the old database aside first)")
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, mode=0o700)
    target.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{report.path}?mode=ro", uri=True)
    try:
        _copy(source, target, database_file_mode(target), "WAL")
    finally:
        source.close()
    return _report(target)


def is_admin_in(path: Path, login: str) -> bool:
    """Whether ``login`` is an active admin in the backup (who may restore it)."""
    conn = sqlite3.connect(f"file:{Path(path).expanduser()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT role, active FROM users WHERE login = ?", (login,)).fetchone()
    except sqlite3.DatabaseError:
        row = None
    finally:
        conn.close()
    return bool(row) and row[0] == "admin" and bool(row[1])
