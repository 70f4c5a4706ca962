"""``jagtui db upgrade|status``: the schema, made and moved on only by migrations."""

from __future__ import annotations


def register(sub, common) -> None:
    parser = sub.add_parser("db", help="database schema")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", parents=[common], help="create or upgrade the schema")
    upgrade.add_argument("--app-role", metavar="ROLE",
                         help="PostgreSQL: then grant ROLE (the login jagtui runs as) what the "
                         "app needs and no more: read and append only on the audit trail")
    actions.add_parser("status", parents=[common],
                       help="show the schema revision and who the app connects as")
    parser.set_defaults(handler=db_command)


def db_command(args, cfg) -> int:
    from sqlalchemy.exc import OperationalError

    from jagtui.store import db

    url = db.resolve_url(getattr(args, "db", None), cfg.database.url)
    upgrading = args.db_command == "upgrade"
    engine = db.make_engine(url, create=upgrading, **cfg.database.engine_options())
    shown = db.sqlite_path(url) or engine.url.render_as_string(hide_password=True)
    try:
        before, head = db.current_revision(engine), db.head_revision()
        if upgrading:
            db.upgrade(engine)
            print(f"Schema at {db.current_revision(engine)} (was {before or 'empty'}): {shown}")
            if getattr(args, "app_role", None):
                _grant(engine, args.app_role)
            return 0
        state = "up to date" if before == head else f"behind: run `jagtui db upgrade` (head {head})"
        print(f"Schema {before or 'empty'}: {state}")
        _report_role(engine)
    except OperationalError as exc:
        raise db.unreachable(engine, exc) from None
    finally:
        engine.dispose()
    return 0 if before == head else 1


def _grant(engine, role: str) -> None:
    from jagtui.store.errors import StoreError
    from jagtui.store.privileges import grant_app_role

    if engine.dialect.name != "postgresql":
        raise StoreError("--app-role is for PostgreSQL: an SQLite file has no roles")
    try:
        grant_app_role(engine, role)
    except ValueError as exc:
        raise StoreError(str(exc)) from None
    print(f"Granted {role}: read and write records, read and append only on the audit trail")


def _report_role(engine) -> bool:
    """Say who the app connects as and whether that login could alter the audit trail
    (each way it could, a warning on stderr)."""
    import sys

    from jagtui.store.privileges import audit_exposure

    report = audit_exposure(engine)
    print(report.describe())
    for line in report.warnings:
        print(f"jagtui: warning: {line}", file=sys.stderr)
    return bool(report.warnings)
