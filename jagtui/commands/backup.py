"""``jagtui backup PATH`` and ``jagtui restore BACKUP``: admins only.

SQLite is backed up with its online backup API while others keep working; the
file is owner-only and checked before it is called done. PostgreSQL is backed
up with ``pg_dump`` (the command says exactly how). A restore only ever goes
into an empty place, never over a database.
"""

from __future__ import annotations

from pathlib import Path

from jagtui.commands.common import CliError, login, open_session


def register(sub, common) -> None:
    parser = sub.add_parser(
        "backup", parents=[common], help="back the database up into a new file (admins)",
        description="Back the SQLite database up while others keep working (SQLite's online "
        "backup API), into a new owner-only file, checked before it is called done. "
        "For PostgreSQL it prints the pg_dump command to use.")
    parser.add_argument("path", help="the new backup file, or a folder to put a dated one in")
    parser.set_defaults(handler=backup_command)
    restore = sub.add_parser(
        "restore", parents=[common], help="restore a backup into a new database (admins)",
        description="Restore a backup into --db (default: the configured database), which "
        "must not exist yet or be empty: a restore never overwrites a database.")
    restore.add_argument("backup", help="a file made by `jagtui backup`")
    restore.set_defaults(handler=restore_command)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} kB"


def backup_command(args, cfg) -> int:
    import time

    from jagtui.store import audit
    from jagtui.store.backup import backup, pg_dump_command

    store, _user = open_session(args, cfg, "admin")
    try:
        if not store.is_sqlite:
            raise CliError("PostgreSQL is backed up with pg_dump, as the postgres user or the "
                           "database owner: " + pg_dump_command(str(store.engine.url), args.path))
        started = time.perf_counter()
        report = backup(store.engine, Path(args.path))
        with store.write() as session:
            audit.record(session, "export", kind="backup", path=str(report.path),
                         cases=report.cases, audit_rows=report.audit_rows)
    finally:
        store.dispose()
    print(f"Backed up to {report.path} ({_size(report.size)}, {report.cases} cases, "
          f"{report.audit_rows} audit rows, schema {report.revision}) in "
          f"{time.perf_counter() - started:.1f}s: integrity check ok")
    return 0


def restore_command(args, cfg) -> int:
    from jagtui.store import audit, db
    from jagtui.store.backup import inspect_backup, is_admin_in, restore

    url = db.resolve_url(getattr(args, "db", None), cfg.database.url)
    target = db.sqlite_path(url)
    if target is None:
        raise CliError("Restore into PostgreSQL with pg_restore: "
                       "pg_restore --dbname=URL --no-owner BACKUP.dump (into an empty database)")
    report = inspect_backup(Path(args.backup))
    who = login()
    if not is_admin_in(report.path, who):
        raise CliError(f"{who} is not an active admin in that backup: only its admins may restore it")
    known = {rev.revision for rev in _revisions()}
    restored = restore(report.path, target, known)
    engine = db.make_engine(url)
    try:
        if db.current_revision(engine) != db.head_revision():
            db.upgrade(engine)
        store = db.Store(engine, who)
        with store.write() as session:
            audit.record(session, "restore", source=str(report.path), revision=report.revision)
    finally:
        engine.dispose()
    print(f"Restored {restored.cases} cases and {restored.audit_rows} audit rows from "
          f"{report.path} into {target}: integrity check ok")
    return 0


def _revisions():
    from alembic.script import ScriptDirectory

    from jagtui.store.db import MIGRATIONS

    return ScriptDirectory(str(MIGRATIONS)).walk_revisions()
