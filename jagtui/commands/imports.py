"""``jagtui import incidents FILE``: bring a partner's extract in, checked first.

``jagtui import plan FILE`` loads the partnership action plan from its spreadsheet
(importer/action_plan.py); ``jagtui import mappings`` lists the configured column mappings.
"""

from __future__ import annotations

import sys

from jagtui.commands.common import CliError, open_db

EXIT_NOT_IMPORTED = 1


def register(sub, common) -> None:
    parser = sub.add_parser("import", help="import incidents from partner extracts, or the "
                            "partnership action plan (CSV, .xlsx)")
    actions = parser.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    incidents = actions.add_parser(
        "incidents", parents=[common], help="import incidents and the people in them",
        description="Check an extract, then import it in one transaction. With problems "
        "nothing is written unless --skip-invalid is given.")
    incidents.add_argument("file", metavar="FILE", help="a .csv or .xlsx extract")
    incidents.add_argument("--mapping", default="", metavar="NAME",
                           help="the [imports.NAME] mapping (default: the one the headers fit)")
    incidents.add_argument("--dry-run", action="store_true",
                           help="check and report what would happen; write nothing")
    incidents.add_argument("--skip-invalid", action="store_true",
                           help="import the good rows and skip (and list) rows with problems")
    incidents.add_argument("--confirm-matches", action="append", metavar="KEY=ID,...",
                           help="resolve possible matches: 12=345 links person 345, "
                           "12=new creates a new person (keys are in the report)")
    incidents.add_argument("--all", action="store_true",
                           help="list every problem and update (default: the first 50 of each)")
    incidents.set_defaults(handler=import_incidents)
    plan = actions.add_parser(
        "plan", parents=[common], help="import the partnership action plan",
        description="Priorities, objectives and actions from the plan's spreadsheet: columns "
        "Priority, Objective, Key Action, Lead, Time Scales, Financial & Resource Implications, "
        "Outcome/Measure, Quarter one … four (optional: Priority key, Period, Strategy, Ends, "
        "Baseline, Target, Tracked by). Checked first: with any problem nothing is written. "
        "See docs/plan.md.")
    plan.add_argument("file", metavar="FILE", help="a .csv or .xlsx file")
    plan.add_argument("--year", default="", metavar="YYYY/YY",
                      help="the financial year Quarter one … four belong to (default: this one)")
    plan.add_argument("--sheet", default="", metavar="NAME",
                      help="the workbook's sheet (default: the first)")
    plan.add_argument("--dry-run", action="store_true",
                      help="check and report what would be added or updated; write nothing")
    plan.add_argument("--all", action="store_true",
                      help="list every problem (default: the first 50)")
    plan.set_defaults(handler=import_plan)
    mappings = actions.add_parser("mappings", parents=[common], help="list the column mappings")
    mappings.set_defaults(handler=list_mappings)


def list_mappings(args, cfg) -> int:
    # Only the configuration is read: no database, so no login check needed.
    if not cfg.imports:
        print("No import mappings configured: add an [imports.NAME] section to the config")
    for name, m in cfg.imports.items():
        people = ", ".join(f"{p.name} ({p.role})" for p in m.people) or "none"
        print(f"{name}: {m.title} (source {m.source})")
        print(f"  reference {m.reference!r}, date {m.date!r}, category {m.category!r}")
        print(f"  people: {people}")
    return 0


def _progress():
    """Progress on the terminal (only when stderr is one), for big files."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{stage}: {done:,} of {total:,}", end=end, file=sys.stderr, flush=True)

    return show


def import_incidents(args, cfg) -> int:
    from datetime import date

    from jagtui.importer.apply import run_import
    from jagtui.importer.plan import ConfirmError, parse_decisions
    from jagtui.importer.prepare import prepare
    from jagtui.importer.report import render_text

    if args.mapping and args.mapping not in cfg.imports:
        known = ", ".join(sorted(cfg.imports)) or "none configured"
        raise CliError(f"No import mapping {args.mapping!r} (known: {known})")
    try:
        decisions = parse_decisions(args.confirm_matches)
    except ConfirmError as exc:
        raise CliError(str(exc)) from None
    store = open_db(args, cfg, "import")
    try:
        prepared = prepare(args.file, cfg, date.today(), args.mapping)
        try:
            report = run_import(store, cfg, prepared, decisions=decisions,
                                skip_invalid=args.skip_invalid, dry_run=args.dry_run,
                                progress=_progress())
        except ConfirmError as exc:
            raise CliError(str(exc)) from None
    finally:
        store.dispose()
    print(render_text(report, limit=sys.maxsize if args.all else 50))
    if report.applied or (report.dry_run and not report.problems):
        return 0
    return EXIT_NOT_IMPORTED


def import_plan(args, cfg) -> int:
    from datetime import date

    from jagtui.importer.action_plan import import_plan as run, render
    from jagtui.importer.sandbox import Limits
    from jagtui.rules.quarters import QuarterError, parse_year, year_of
    from jagtui.store.measures import measures_of

    try:
        year = parse_year(args.year) if args.year else year_of(date.today())
    except QuarterError as exc:
        raise CliError(str(exc)) from None
    store = open_db(args, cfg, "import")
    try:
        report = run(store, args.file, year=year, dry_run=args.dry_run, sheet=args.sheet,
                     limits=Limits.from_config(cfg.import_settings), measures=measures_of(cfg))
    finally:
        store.dispose()
    print(render(report, limit=sys.maxsize if args.all else 50))
    return 0 if report.applied or (report.dry_run and not report.problems) else EXIT_NOT_IMPORTED
