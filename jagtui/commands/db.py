"""``jagtui db upgrade|status``: the schema, made and moved on only by migrations."""

from __future__ import annotations


def register(sub, common) -> None:
    parser = sub.add_parser("db", help="database schema")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser("upgrade", parents=[common], help="create or upgrade the schema")
    actions.add_parser("status", parents=[common], help="show the schema revision")
    parser.set_defaults(handler=db_command)


def db_command(args, cfg) -> int:
    from jagtui.store import db

    url = db.resolve_url(getattr(args, "db", None), cfg.database.url)
    upgrading = args.db_command == "upgrade"
    engine = db.make_engine(url, create=upgrading, busy_timeout_ms=cfg.database.busy_timeout_ms)
    try:
        before, head = db.current_revision(engine), db.head_revision()
        if upgrading:
            db.upgrade(engine)
            print(f"Schema at {db.current_revision(engine)} (was {before or 'empty'}): "
                  f"{db.sqlite_path(url) or url}")
            return 0
    finally:
        engine.dispose()
    state = "up to date" if before == head else f"behind: run `jagtui db upgrade` (head {head})"
    print(f"Schema {before or 'empty'}: {state}")
    return 0 if before == head else 1
