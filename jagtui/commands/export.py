"""``jagtui export minutes|actions|plan``: write exports and say where they went.

Each written file's path is printed on its own line. Anything wrong (no such
meeting, a bad quarter, an unwritable folder, a role without the export
permission) is one line on stderr and exit status 2.
"""

from __future__ import annotations

from jagtui.commands import export_trigger
from jagtui.commands.common import CliError, open_db


def register(sub, common) -> None:
    parser = sub.add_parser("export", help="write minutes, the action log or plan progress")
    what = parser.add_subparsers(dest="export_command", metavar="WHAT", required=True)

    minutes = what.add_parser("minutes", parents=[common],
                              help="a meeting's minutes as Markdown and Word")
    which = minutes.add_mutually_exclusive_group()
    which.add_argument("--meeting", metavar="ID", help="the meeting's id")
    which.add_argument("--latest", action="store_true",
                       help="the most recent meeting started or held (the default)")
    minutes.add_argument("--redacted", action="store_true",
                         help="the version for wider circulation: no names, addresses or dates of birth")
    minutes.add_argument("--format", default="md,docx", help="md, docx or both (default md,docx)")

    actions = what.add_parser("actions", parents=[common], help="the action log as CSV and Excel")
    actions.add_argument("--meeting", metavar="ID",
                         help="that meeting's action log: the actions it reviewed and those it "
                              "raised, every status, as its minutes show them")
    actions.add_argument("--all", action="store_true",
                         help="every action, not only the open ones (without --meeting)")
    actions.add_argument("--redacted", action="store_true",
                         help="the version for wider circulation: no names, addresses, phone "
                              "numbers, dates of birth or health details")
    actions.add_argument("--format", default="csv,xlsx", help="csv, xlsx or both (default csv,xlsx)")

    plan = what.add_parser("plan", parents=[common],
                           help="partnership action-plan progress and measures")
    plan.add_argument("--quarter", help='financial quarter, e.g. "2026/27 Q3" (default: this quarter)')
    plan.add_argument("--baseline", help="baseline financial year, e.g. 2022/23 "
                      "(default: the plan's, [plan] baseline in the configuration)")
    plan.add_argument("--format", default="xlsx,md", help="xlsx, md or both (default xlsx,md)")
    export_trigger.register(what, common)
    parser.set_defaults(handler=export_command)


def _meeting_id(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise CliError(f"A meeting id is a number (see the meeting list), not {text.strip()!r}") from None
    if value < 1:
        raise CliError(f"No meeting with id {value}")
    return value


def _latest_meeting(store) -> int:
    from jagtui.store.minutes import latest_meeting_id

    with store.read() as session:
        found = latest_meeting_id(session)
    if found is None:
        raise CliError("There are no meetings yet: nothing to export")
    return found


def export_command(args, cfg) -> int:
    formats = args.format.split(",")
    # Refused (one line) unless the login is registered, enabled and its role may export.
    store = open_db(args, cfg, "export")
    try:
        if args.export_command == "minutes":
            from jagtui.export.minutes import export_minutes

            meeting_id = _meeting_id(args.meeting) or _latest_meeting(store)
            paths = export_minutes(store, cfg, meeting_id, redacted=args.redacted, formats=formats)
        elif args.export_command == "actions":
            from jagtui.export.action_log import export_action_log

            paths = export_action_log(store, cfg, meeting_id=_meeting_id(args.meeting),
                                      status=None if args.all else "open", formats=formats,
                                      redacted=args.redacted)
        elif args.export_command == "trigger":
            paths = export_trigger.export_trigger(store, cfg, args)
        else:
            from jagtui.export.plan_progress import export_plan

            paths = export_plan(store, cfg, quarter=args.quarter, baseline=args.baseline,
                                formats=formats)
    finally:
        store.dispose()
    for path in paths:
        print(path)
    return 0
