"""Partnership action-plan progress as Excel and Markdown, with the JAG's own measures.

As the 2017/18 quarterly action-plan returns: for each priority, its objectives
and actions (lead, end date, impact measures) with this quarter's status and
update and the updates of earlier quarters. The workbook has a sheet per
priority, then ``Measures`` (each measure by financial quarter from the
baseline year), ``Against baseline`` (this quarter and the year to date beside
the same period of the baseline year) and ``Notes`` (how each is counted).

The baseline year is the CSP plan's idea (``baseline 2022/23 data set``);
unless one is given, it is the earliest full financial year in the JAG's own
records, and the export says which year that is and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jagtui.config import Config
from jagtui.export.document import Document, Heading, Para, Table, render_markdown
from jagtui.export.paths import ExportError, check_formats, owner_key, plan_base, save_exports
from jagtui.rules.dates import financial_quarter, fmt_date
from jagtui.rules.quarters import (
    QuarterError, earliest_full_year, label, parse_quarter, parse_year, quarter_end, quarters,
)
from jagtui.store.measures import MEASURES, QuarterlyMeasures

FORMATS = ("xlsx", "md")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\']")
MEASURE_NOTES = {
    "high_risk_adult": "Cases counted once, in the quarter they were first both referred (open at "
                       "the JAG) and assessed high risk, where nobody on the case was under the "
                       "youth age then.",
    "high_risk_youth": "As above, where someone on the case was under the youth age then.",
    "young_interventions": "ASB incremental-approach interventions issued in the quarter to someone "
                           "under the youth age (the person named, else the case's youngest perpetrator).",
    "abc_no_breach": "Acceptable Behaviour Contracts complied with or run to term with no breach "
                     "recorded, counted in the quarter they ended.",
    "community_trigger": "Victims on the JAG's cases, counted once, in the quarter they first met "
                         "the Community Trigger threshold (the case list's CT rule).",
    "repeat_victims": "Victims on the JAG's cases, counted once, in the quarter they were first "
                      "identified as repeat victims (the case list's RV rule).",
}


@dataclass(frozen=True)
class PlanRow:
    priority_key: str
    priority_title: str
    objective: str
    number: str
    action: str
    lead: str
    ends_on: date | None
    measures: str
    status: str
    update: str
    earlier: dict[str, str]  # quarter label -> "status: text"


@dataclass(frozen=True)
class PlanReport:
    quarter: tuple[int, int]
    baseline: int
    baseline_full: bool
    baseline_given: bool
    priorities: list[tuple[str, str]]
    rows: list[PlanRow]
    earlier_quarters: list[str]
    measures: QuarterlyMeasures

    @property
    def quarter_label(self) -> str:
        return label(*self.quarter)

    @property
    def baseline_note(self) -> str:
        year = label(self.baseline)
        if self.baseline_given:
            return f"Baseline year {year} (as chosen for this report)"
        if self.baseline_full:
            return f"Baseline year {year}: the earliest full financial year in the JAG's records"
        return (f"Baseline year {year}: a part year (the JAG's records do not yet cover a full "
                f"financial year)")

    def periods(self) -> list[tuple[int, int]]:
        return quarters((self.baseline, 1), self.quarter)


def _collect(store, cfg: Config, selected: tuple[int, int], baseline: int | None) -> PlanReport:
    from sqlalchemy import select

    from jagtui.store.measures import quarterly_measures
    from jagtui.store.models import PlanPriority
    from jagtui.store.plan import plan_lines

    until = quarter_end(*selected)
    this = label(*selected)
    with store.read() as session:
        lines = plan_lines(session)
        priorities = [(p.key, p.title) for p in
                      session.scalars(select(PlanPriority).order_by(PlanPriority.key))]
        measures = quarterly_measures(session, cfg, until)
    if not priorities:
        priorities = [(p.key, p.title) for p in cfg.priorities]
    rows, earlier_labels = [], set()
    for line in lines:
        updates = {u.quarter: u for u in line.updates}
        current = updates.get(this)
        earlier = {}
        for quarter, update in updates.items():
            try:
                before = parse_quarter(quarter) < selected
            except QuarterError:
                continue  # a hand-typed quarter the plan screen let through: not comparable
            if before:
                earlier[quarter] = f"{update.status}: {update.text}" if update.text else update.status
                earlier_labels.add(quarter)
        rows.append(PlanRow(
            line.priority.key, line.priority.title,
            f"{line.objective.number}. {line.objective.title}",
            f"{line.objective.number}.{line.action.number}", line.action.text, line.action.lead,
            line.action.ends_on, line.action.measures,
            current.status if current else "no update", current.text if current else "",
            earlier,
        ))
    if baseline is None:
        year, full = earliest_full_year(measures.first_data, until)
    else:
        year, full = baseline, True
    return PlanReport(selected, year, full, baseline is not None, priorities, rows,
                      sorted(earlier_labels, key=parse_quarter, reverse=True), measures)


def _change(now: int, then: int) -> float | None:
    return None if then == 0 else (now - then) / then


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0%}".replace("+0%", "0%")


def measure_tables(report: PlanReport) -> tuple[list[str], list[list], list[str], list[list]]:
    """(by-quarter headers, rows) and (against-baseline headers, rows); numbers stay numbers."""
    periods = report.periods()
    baseline_quarters = quarters((report.baseline, 1), (report.baseline, 4))
    year, q = report.quarter
    same_then = (report.baseline, q)
    by_quarter_head = ["Measure", f"Baseline {label(report.baseline)} total",
                       *(label(*p) for p in periods)]
    against_head = ["Measure", f"This quarter ({label(year, q)})",
                    f"Same quarter of baseline ({label(*same_then)})", "Change",
                    f"Year to date ({label(year)} Q1-Q{q})",
                    f"Baseline same period ({label(report.baseline)} Q1-Q{q})", "Change (year to date)"]
    by_quarter, against = [], []
    m = report.measures
    for key, name in MEASURES:
        base_total = sum(m.get(key, p) for p in baseline_quarters)
        by_quarter.append([name, base_total, *(m.get(key, p) for p in periods)])
        now, then = m.get(key, (year, q)), m.get(key, same_then)
        ytd = sum(m.get(key, (year, n)) for n in range(1, q + 1))
        base_ytd = sum(m.get(key, (report.baseline, n)) for n in range(1, q + 1))
        against.append([name, now, then, _change(now, then), ytd, base_ytd, _change(ytd, base_ytd)])
    return by_quarter_head, by_quarter, against_head, against


def _plan_columns(report: PlanReport) -> list[str]:
    this = report.quarter_label
    return ["Objective", "No.", "Action", "Lead", "End date", "Impact measures",
            f"Status {this}", f"Update {this}", *(f"Update {q}" for q in report.earlier_quarters)]


def _plan_values(row: PlanRow, report: PlanReport) -> list:
    return [row.objective, row.number, row.action, row.lead, row.ends_on, row.measures, row.status,
            row.update, *(row.earlier.get(q, "") for q in report.earlier_quarters)]


def _sheet_title(key: str, title: str, used: set[str]) -> str:
    base = _SHEET_UNSAFE.sub(" ", f"{key} {title}").strip()[:31].rstrip() or "Priority"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _xlsx(report: PlanReport, cfg: Config) -> bytes:
    from jagtui.export.xlsx import Percent, Sheet, workbook

    title = f"{cfg.partnership.short_name} action plan progress {report.quarter_label}"
    used = {"measures", "against baseline", "notes"}
    plan_widths = [36, 6, 60, 22, 12, 40, 12, 60, *(40 for _ in report.earlier_quarters)]
    sheets = []
    for key, name in report.priorities:
        rows = [_plan_values(r, report) for r in report.rows if r.priority_key == key]
        sheets.append(Sheet(_sheet_title(key, name, used), _plan_columns(report), plan_widths,
                            rows, title=title))
    head, rows, against_head, against = measure_tables(report)
    sheets.append(Sheet("Measures", head, [44, 18, *(12 for _ in head[2:])], rows, title=title))
    sheets.append(Sheet("Against baseline", against_head, [44, 18, 24, 10, 22, 26, 12],
                        [[*row[:3], Percent(row[3]), *row[4:6], Percent(row[6])] for row in against],
                        title=title))
    notes = [(name, MEASURE_NOTES[key]) for key, name in MEASURES]
    notes += [("Baseline", report.baseline_note),
              ("Quarters", "UK financial quarters: Q1 April-June, Q2 July-September, "
                           "Q3 October-December, Q4 January-March."),
              ("Youth age", f"Under {cfg.flags.youth_under} (config flags.youth_under).")]
    sheets.append(Sheet("Notes", ["Item", "How it is counted"], [40, 110], notes, title=title))
    return workbook(sheets, title=title, author=cfg.partnership.name,
                    marking=cfg.partnership.protective_marking, subject=title)


def _markdown(report: PlanReport, cfg: Config) -> bytes:
    this = report.quarter_label
    doc = Document(title=f"{cfg.partnership.name}: partnership action plan progress, {this}",
                   marking=cfg.partnership.protective_marking)
    for key, title in report.priorities:
        doc.add(Heading(f"{key}: {title}"))
        rows = [r for r in report.rows if r.priority_key == key]
        if not rows:
            doc.add(Para("No actions are recorded for this priority."))
        for objective in dict.fromkeys(r.objective for r in rows):
            doc.add(Heading(f"Objective {objective}", 2))
            table_rows = []
            for r in (r for r in rows if r.objective == objective):
                earlier = "\n".join(f"{q}: {r.earlier[q]}" for q in report.earlier_quarters
                                    if q in r.earlier)
                table_rows.append((r.number, r.action, r.lead, fmt_date(r.ends_on), r.measures,
                                   r.status, r.update, earlier))
            doc.add(Table(("No.", "Action", "Lead", "End date", "Impact measures", "Status",
                           f"Update {this}", "Earlier updates"), tuple(table_rows)))
    head, rows, against_head, against = measure_tables(report)
    doc.add(Heading("Measures"), Para(report.baseline_note, italic=True))
    doc.add(Table(tuple(head), tuple(tuple(str(v) for v in row) for row in rows)))
    doc.add(Heading("Against the baseline", 2))
    doc.add(Table(tuple(against_head), tuple(
        (row[0], str(row[1]), str(row[2]), _pct(row[3]), str(row[4]), str(row[5]), _pct(row[6]))
        for row in against)))
    doc.add(Heading("How the measures are counted", 2))
    doc.add(*(Para(f"{name}: {MEASURE_NOTES[key]}") for key, name in MEASURES))
    return render_markdown(doc)


def export_plan(store, cfg: Config, *, quarter: str | None = None,
                formats: Iterable[str] = FORMATS, today: date | None = None,
                baseline: str | None = None) -> list[Path]:
    """Write plan progress for ``quarter`` (default: this quarter); returns the paths.

    ``baseline`` (e.g. ``"2022/23"``) fixes the baseline year; by default it is
    the earliest full financial year in the JAG's records.
    """
    chosen = check_formats(formats, FORMATS)
    try:
        selected = parse_quarter(quarter or financial_quarter(today or date.today()))
        base_year = parse_year(baseline) if baseline else None
    except QuarterError as exc:
        raise ExportError(str(exc)) from None
    if base_year is not None and base_year > selected[0]:
        raise ExportError(f"The baseline year {label(base_year)} is after {label(*selected)}")
    report = _collect(store, cfg, selected, base_year)
    makers = {"xlsx": lambda: _xlsx(report, cfg), "md": lambda: _markdown(report, cfg)}
    files = {fmt: makers[fmt]() for fmt in chosen}
    return save_exports(
        store, cfg, base=plan_base(report.quarter_label),
        owner=owner_key(store, f"plan:{report.quarter_label}"),
        files=files, what="plan progress", quarter=report.quarter_label,
        baseline=label(report.baseline),
    )
