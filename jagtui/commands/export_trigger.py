"""``jagtui export trigger --year 2026/27``: the ASB case review figures each relevant
body publishes every year, written as CSV and Markdown (paths printed, one a line)."""

from __future__ import annotations

from jagtui.commands.common import CliError


def register(what, common) -> None:
    trigger = what.add_parser(
        "trigger", parents=[common],
        help="the yearly ASB case review (Community Trigger) figures: applications received, "
             "threshold not met, reviews carried out, reviews that led to recommendations")
    trigger.add_argument("--year", required=True, help='financial year, e.g. "2026/27"')
    trigger.add_argument("--format", default="csv,md", help="csv, md or both (default csv,md)")


def export_trigger(store, cfg, args) -> list:
    from jagtui.export.case_review import export_figures
    from jagtui.rules.quarters import QuarterError, parse_year

    try:
        parse_year(args.year)
    except QuarterError as exc:
        raise CliError(str(exc)) from None
    return export_figures(store, cfg, args.year, formats=args.format.split(","))
