"""``jagtui retention review|retain|delete|purge``: keep closed cases no longer than needed."""

from __future__ import annotations

from jagtui.commands.common import CliError, open_db

CONFIRM_WORD = "purge"


def register(sub, common) -> None:
    parser = sub.add_parser("retention",
                            help="closed cases due for review: retain or delete (admins)")
    actions = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    actions.add_parser("review", parents=[common],
                       help="list closed cases past the retention period, with their state")
    retain = actions.add_parser("retain", parents=[common], help="keep a due case until a date")
    retain.add_argument("reference")
    retain.add_argument("--reason", required=True, help="why it is kept (no names, please)")
    retain.add_argument("--until", required=True,
                        help="listed again after this date (2032-01-31, +1y, +6m ...)")
    delete = actions.add_parser("delete", parents=[common],
                                help="mark a due case for deletion (purge erases it)")
    delete.add_argument("reference")
    delete.add_argument("--reason", default="", help="why (default: the period has ended)")
    purge = actions.add_parser("purge", parents=[common],
                               help="erase, for good, every case marked for deletion")
    purge.add_argument("--yes", action="store_true",
                       help="do not ask for the typed confirmation (for scripts)")
    parser.set_defaults(handler=retention_command)


def retention_command(args, cfg) -> int:
    from datetime import date

    store = open_db(args, cfg, "admin")
    years = cfg.retention.closed_case_years
    today = date.today()
    try:
        if args.retention_command == "review":
            return _review(store, today, years)
        if args.retention_command == "purge":
            return _purge(store, today, years, args.yes)
        _decide(store, args, today, years)
    finally:
        store.dispose()
    return 0


def _review(store, today, years) -> int:
    from jagtui.display import visible
    from jagtui.store.retention import review_list

    with store.read() as session:
        rows = review_list(session, today, years)
    if not rows:
        print(f"No closed case is past its {years}-year retention period.")
        return 0
    print(f"{len(rows)} closed cases past the {years}-year retention period (oldest first):")
    for row in rows:
        print(f"{row.reference}\tclosed {row.closed_on.isoformat()}\t{row.state}\t"
              f"{visible(row.closure_reason)}")
    print("Decide with `jagtui retention retain REF --reason ... --until ...` or "
          "`jagtui retention delete REF`; `jagtui retention purge` erases those marked.")
    return 0


def _decide(store, args, today, years) -> None:
    from jagtui.rules.dates import DateInputError, parse_date
    from jagtui.store import retention

    with store.write() as session:
        if args.retention_command == "retain":
            try:
                until = parse_date(args.until, today)
            except DateInputError as error:
                raise CliError(f"--until: {error}") from None
            review = retention.retain(session, args.reference, args.reason, until, today, years)
            print(f"{review.case_reference} retained until {until.isoformat()}")
        else:
            review = retention.mark_for_deletion(session, args.reference, today, years,
                                                 args.reason)
            print(f"{review.case_reference} marked for deletion: "
                  "`jagtui retention purge` erases it for good")


def _purge(store, today, years, confirmed: bool) -> int:
    import sys

    from jagtui.store import retention

    with store.read() as session:
        marked = retention.marked_for_deletion(session, today, years)
    if not marked:
        print("No case is marked for deletion.")
        return 0
    print(f"These {len(marked)} cases will be erased for good, with the people, places and "
          "incidents only they refer to:")
    for row in marked:
        print(f"  {row.reference}\tclosed {row.closed_on.isoformat()}\t"
              f"marked by {row.decided_by} on {row.decided_on.isoformat()}")
    if not confirmed:
        if not sys.stdin.isatty():
            raise CliError("Not confirmed: run again with --yes, or from a terminal")
        answer = input(f"Type {CONFIRM_WORD} to erase them: ")
        if answer.strip() != CONFIRM_WORD:
            print("Nothing erased.")
            return 1
    for erasure in retention.purge(store, today, years):
        print(f"Erased {erasure.summary()}")
    return 0
