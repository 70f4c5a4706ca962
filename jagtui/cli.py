"""The ``jagtui`` command.

Every failure a user can cause (missing file, bad URL, locked or newer
database, bad config) ends as one line on stderr and exit status 2. The
subcommands live in ``jagtui.commands``; heavy imports (Textual, pandas) happen
inside the one that needs them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from jagtui import __version__
from jagtui.commands import MODULES
from jagtui.commands.common import CliError
from jagtui.config import ConfigError, load_config
from jagtui.store.errors import StoreError

EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jagtui",
        description="Run a Community Safety Partnership Joint Action Group from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"jagtui {__version__}")
    # --db and --config go before or after the subcommand; SUPPRESS keeps a
    # subcommand's unset option from hiding one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="SQLite file or database URL (default: JAGTUI_DATABASE_URL, "
                        "the config, else the per-user data directory)")
    common.add_argument("--config", default=argparse.SUPPRESS,
                        help="a config.toml (default: JAGTUI_CONFIG, the per-user config, "
                        "else the shipped defaults)")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    from jagtui.files import private_umask

    # Before anything is written: database, exports, backups and logs owner-only.
    private_umask()
    args = build_parser().parse_args(argv)
    if args.command is None:
        from jagtui.commands.run import run

        args.handler = run
    try:
        cfg = load_config(args.config)
        return args.handler(args, cfg)
    except (ConfigError, StoreError, CliError) as exc:
        print(f"jagtui: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            from jagtui.store.db import first_line

            print(f"jagtui: database error: {first_line(exc.orig)}", file=sys.stderr)
            return EXIT_ERROR
        # A fault: its type and where, never its text (which may name people).
        from jagtui.errorlog import default_error_log, describe, write_log

        path = default_error_log()
        logged = write_log(path, describe(exc))
        print(f"jagtui: unexpected error ({type(exc).__name__})"
              + (f"; where it happened is logged in {path}" if logged else ""), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
