"""``jagtui audit export``: the audit trail for an admin, filtered, as CSV or JSON Lines."""

from __future__ import annotations

from jagtui.commands.common import CliError, open_db


def register(sub, common) -> None:
    parser = sub.add_parser("audit", help="the audit trail (admins)")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", parents=[common], help="write the audit trail to a file",
        description="Write audit entries, oldest first, to an owner-only file in the exports "
        "folder (or --output). Entries about records erased by retention show no detail.")
    export.add_argument("--user", default="", help="only this login")
    export.add_argument("--case", default="", help="only this case reference (erased ones too)")
    export.add_argument("--since", default="", help="from this date (YYYY-MM-DD, inclusive)")
    export.add_argument("--until", default="", help="to this date (YYYY-MM-DD, inclusive)")
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.add_argument("--output", help="file to write (must not exist), or - for standard output")
    parser.set_defaults(handler=audit_command)


def _date(text: str, what: str):
    from datetime import date

    from jagtui.rules.dates import DateInputError, parse_date

    if not text.strip():
        return None
    try:
        return parse_date(text, date.today())
    except DateInputError as error:
        raise CliError(f"{what}: {error}") from None


def audit_command(args, cfg) -> int:
    import sys
    from datetime import datetime
    from pathlib import Path

    from jagtui.export import audit_log
    from jagtui.store.audit import Filter

    where = Filter(login=args.user, case=args.case, since=_date(args.since, "--since"),
                   until=_date(args.until, "--until"))
    store = open_db(args, cfg, "admin")
    try:
        if args.output == "-":
            target = None
        elif args.output:
            target = Path(args.output).expanduser()
        else:
            from jagtui.export.paths import exports_dir

            target = audit_log.default_path(exports_dir(cfg), args.format, datetime.now())
        count, destination = audit_log.export(store, where, args.format, target)
    finally:
        store.dispose()
    print(f"Exported {count} audit entries to {destination}",
          file=sys.stderr if target is None else sys.stdout)
    return 0
