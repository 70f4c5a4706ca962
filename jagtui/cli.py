"""The ``jagtui`` command.

Every failure a user can cause (missing file, bad URL, locked or newer
database, bad config) ends as one line on stderr and exit status 2. The
subcommands live in ``jagtui.commands``; heavy imports (Textual, pandas) happen
inside the one that needs them.

``--version``, ``--help`` and argument errors answer at once: only the command
typed has its module imported (``commands.COMMANDS`` names the rest with their
help lines), and the config, the store and the app are imported after the
arguments are read (``tests/test_cli_fast.py``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from jagtui import __version__
from jagtui.commands import COMMANDS

EXIT_ERROR = 2
GLOBAL_OPTIONS = ("--db", "--config")  # the options that take a value before the command


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser: the command typed in ``argv`` in full, the others by name and help
    line only (all in full when ``argv`` is None)."""
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
    typed = None if argv is None else command_typed(argv)
    in_full = None if typed is None else COMMANDS[typed][0]
    registered: set[str] = set()
    for name, (module, line) in COMMANDS.items():
        if argv is not None and module != in_full:
            sub.add_parser(name, help=line)  # named only: it is not the one being run
        elif module not in registered:  # a module may register two (backup, restore)
            registered.add(module)
            importlib.import_module(module).register(sub, common)
    return parser


def command_typed(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (its first word that is not an option), if any."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_OPTIONS:
            next(words, None)  # its value
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    from jagtui.files import private_umask

    # Before anything is written: database, exports, backups and logs owner-only.
    private_umask()
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    if args.command in (None, "run"):
        # Starting the app makes hundreds of thousands of lasting objects (SQLAlchemy, the
        # tables, Textual, the cases) and the cyclic collector walked them ~400 times: ~110 ms
        # of start-up here. The case list turns it back on once its rows are shown
        # (case_list.settle_heap); so does the end of the command, whatever happened.
        gc.disable()
    # Imported once the arguments are read: --help and a typing error need none of them.
    from jagtui.commands.common import CliError
    from jagtui.config import ConfigError, load_config
    from jagtui.store.errors import StoreError

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
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
