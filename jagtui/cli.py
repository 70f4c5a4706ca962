"""The ``jagtui`` command.

Every failure a user can cause (missing file, bad URL, locked or newer
database, bad config) ends as one line on stderr and a non-zero exit. Heavy
imports (Textual, pandas) happen inside the subcommand that needs them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from jagtui import __version__
from jagtui.config import ConfigError, load_config, user_data_dir, write_user_config
from jagtui.store.errors import StoreError

EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing failure of a subcommand."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jagtui",
        description="Run a Community Safety Partnership Joint Action Group from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"jagtui {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="SQLite file or database URL (default: config, "
                        "JAGTUI_DATABASE_URL, else the per-user data directory)")
    common.add_argument("--config", default=argparse.SUPPRESS, help="a config.toml (default: JAGTUI_CONFIG, else the "
                        "per-user config, else the shipped defaults)")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("run", parents=[common], help="open the app (the default)")

    demo = sub.add_parser("demo", parents=[common], help="build a database of fictional demo data")
    demo.add_argument("--open", action="store_true", help="open the app on it afterwards")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", parents=[common], help="create or upgrade the schema")
    db_sub.add_parser("status", parents=[common], help="show the schema revision")

    config = sub.add_parser("config", help="configuration")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    init = config_sub.add_parser("init", help="write an editable copy of the defaults")
    init.add_argument("--path", help="where to write it (default: the per-user config file)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    config_sub.add_parser("check", parents=[common], help="validate the configuration")

    users = sub.add_parser("users", help="who may use jagtui")
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_sub.add_parser("add", parents=[common], help="register a login")
    add.add_argument("login")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--agency", default="", help="agency key from config")
    add.add_argument("--role", default="member",
                     choices=("admin", "chair", "member", "viewer", "restricted"))
    users_sub.add_parser("list", parents=[common], help="list users")
    disable = users_sub.add_parser("disable", parents=[common], help="disable a login")
    disable.add_argument("login")
    role = users_sub.add_parser("role", parents=[common], help="change a user's role")
    role.add_argument("login")
    role.add_argument("role", choices=("admin", "chair", "member", "viewer", "restricted"))
    return parser


def _login() -> str:
    from jagtui.identity import current_login

    return current_login()


def _open(args, cfg):
    from jagtui.store.db import open_store, resolve_url

    url = resolve_url(args.db, cfg.database.url)
    return open_store(url, _login(), busy_timeout_ms=cfg.database.busy_timeout_ms)


def cmd_run(args, cfg) -> int:
    store = _open(args, cfg)
    try:
        from jagtui.app import JagApp

        JagApp(store, cfg).run()
    finally:
        store.dispose()
    return 0


def cmd_demo(args, cfg) -> int:
    import time

    from jagtui.demo import build_demo
    from jagtui.store.db import create_store, resolve_url, sqlite_path

    if args.db:
        url = resolve_url(args.db)
    else:
        # The default demo file is ours to rebuild; a named --db is never overwritten.
        path = user_data_dir() / "demo.db"
        for stale in (path, path.with_name("demo.db-wal"), path.with_name("demo.db-shm")):
            stale.unlink(missing_ok=True)
        url = resolve_url(path)
    started = time.perf_counter()
    store = create_store(url, _login(), busy_timeout_ms=cfg.database.busy_timeout_ms)
    try:
        summary = build_demo(store, cfg, date.today(), seed=args.seed)
    finally:
        store.dispose()
    where = sqlite_path(url) or store.url
    print(f"Demo database ready at {where} ({summary}) in {time.perf_counter() - started:.1f}s")
    if args.open:
        args.db = url
        return cmd_run(args, cfg)
    print(f"Open it with: jagtui --db {where}")
    return 0


def cmd_db(args, cfg) -> int:
    from jagtui.store import db

    url = db.resolve_url(args.db, cfg.database.url)
    if args.db_command == "upgrade":
        engine = db.make_engine(url, create=True, busy_timeout_ms=cfg.database.busy_timeout_ms)
        try:
            before = db.current_revision(engine)
            db.upgrade(engine)
            after = db.current_revision(engine)
        finally:
            engine.dispose()
        print(f"Schema at {after} (was {before or 'empty'}): {db.sqlite_path(url) or url}")
        return 0
    engine = db.make_engine(url)
    try:
        current, head = db.current_revision(engine), db.head_revision()
    finally:
        engine.dispose()
    state = "up to date" if current == head else f"behind: run `jagtui db upgrade` (head {head})"
    print(f"Schema {current or 'empty'}: {state}")
    return 0 if current == head else 1


def cmd_config(args, cfg) -> int:
    if args.config_command == "init":
        target = write_user_config(Path(args.path) if args.path else None, force=args.force)
        print(f"Wrote {target}")
    else:
        print(f"Configuration OK: {cfg.source}")
    return 0


def cmd_users(args, cfg) -> int:
    from jagtui.store import users

    store = _open(args, cfg)
    try:
        if args.users_command == "list":
            with store.read() as session:
                for user in users.list_users(session):
                    state = "active" if user.active else "disabled"
                    print(f"{user.login}\t{user.role}\t{state}\t{user.agency}\t{user.display_name}")
            return 0
        with store.write() as session:
            if args.users_command == "add":
                users.add_user(session, args.login, args.name, args.agency, args.role)
                print(f"Added {args.login} as {args.role}")
            elif args.users_command == "disable":
                users.set_active(session, args.login, False)
                print(f"Disabled {args.login}")
            else:
                users.set_role(session, args.login, args.role)
                print(f"{args.login} is now {args.role}")
    finally:
        store.dispose()
    return 0


COMMANDS = {"run": cmd_run, "demo": cmd_demo, "db": cmd_db, "config": cmd_config,
            "users": cmd_users}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        cfg = load_config(args.config)
        return COMMANDS[command](args, cfg)
    except (ConfigError, StoreError, CliError) as exc:
        print(f"jagtui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            from jagtui.store.db import first_line

            print(f"jagtui: database error: {first_line(exc.orig)}", file=sys.stderr)
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    sys.exit(main())
