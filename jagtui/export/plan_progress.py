"""Partnership action-plan progress as Excel and Markdown, with the JAG's own measures.

Laid out as the 2017/18 quarterly action-plan returns: for each priority its
actions under their objectives, as Key Action | Lead | Time Scales | Financial
& Resource Implications | Outcome/Measure | Quarter one ... (oldest first, up
to the quarter reported), each quarter's progress led by its status word on the
status colour (RAG). The workbook has a sheet per priority, then ``Measures``
(each measure by financial quarter from the baseline year), ``Against
baseline`` (this quarter and the year to date beside the same days of the
baseline year) and ``Notes`` (how each is counted and which baseline).

The baseline year is the plan's (``[plan] baseline``, the CSP plan's "baseline
2022/23 data set"), unless ``--baseline`` names another; with neither, the
earliest full financial year in the JAG's records. A quarter still under way
says so ("to date, 65 of 92 days") and is compared with the same days of the
baseline quarter, never with the whole of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jagtui.config import Config
from jagtui.export.document import Document, Heading, Para, Table, render_markdown
from jagtui.export.paths import ExportError, check_formats, owner_key, plan_base, save_exports
from jagtui.rules.dates import financial_quarter, fmt_date
from jagtui.rules.quarters import (
    QuarterError, earliest_full_year, label, parse_quarter, parse_year, quarter_end, quarter_start,
    quarters,
)
from jagtui.store.measures import QuarterlyMeasures

FORMATS = ("xlsx", "md")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\']")
ORDINALS = ("one", "two", "three", "four")
_MONTHS = ("April to June", "July to September", "October to December", "January to March")
# A status is shown as its word on its colour (blue: complete, as BRAG returns use).
STATUS_FILL = {"on track": "green", "at risk": "amber", "off track": "red", "complete": "blue",
               "not started": "grey"}
PLAN_HEADERS = ("Key Action", "Lead", "Time Scales", "Financial & Resource Implications",
                "Outcome/Measure")
PLAN_WIDTHS = (30, 14, 11, 14, 24)
MEASURE_NOTES = {
    "high_risk_adult": "Cases counted once, in the quarter they were first both referred (open at "
                       "the JAG) and assessed high risk, where no perpetrator on the case was "
                       "under the youth age at the incident.",
    "high_risk_youth": "As above, where a perpetrator on the case was under the youth age at the "
                       "incident (their latest incident as a perpetrator by then, else that day). "
                       "A young victim or household member does not make a case youth.",
    "young_interventions": "ASB incremental-approach interventions issued in the quarter to someone "
                           "under the youth age (the person named, else the case's youngest perpetrator).",
    "abc_no_breach": "Acceptable Behaviour Contracts complied with or run to term with no breach "
                     "recorded, counted in the quarter they ended.",
    "community_trigger": "Victims on the JAG's cases, counted once, in the quarter they first met "
                         "the Community Trigger threshold (the case list's CT rule).",
    "repeat_victims": "Victims on the JAG's cases, counted once, in the quarter they were first "
                      "identified as repeat victims (the case list's RV rule).",
    "trigger_applications": "ASB case review (Community Trigger) applications received in the "
                            "quarter, whatever the threshold decision: activations, not victims.",
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
    resources: str
    measures: str
    progress: dict[int, tuple[str, str]]  # quarter number of the reported year -> (status, text)
    time_scales: str = ""
    baseline: str = ""
    target: str = ""
    measure_key: str = ""
    tracked_by: str = ""  # the measure's name: fixed or a configured referral measure


@dataclass(frozen=True)
class PlanReport:
    quarter: tuple[int, int]
    as_of: date  # the last day counted: the quarter's end, or today while it runs
    baseline: int
    baseline_source: str  # "given", "plan" or "records"
    baseline_full: bool
    first_data: date | None
    priorities: list[tuple[str, str]]
    rows: list[PlanRow]
    measures: QuarterlyMeasures

    @property
    def quarter_label(self) -> str:
        return label(*self.quarter)

    @property
    def days(self) -> tuple[int, int]:
        """(days counted, days in the quarter)."""
        start, end = quarter_start(*self.quarter), quarter_end(*self.quarter)
        return (self.as_of - start).days + 1, (end - start).days + 1

    @property
    def part(self) -> bool:
        done, total = self.days
        return done < total

    @property
    def baseline_note(self) -> str:
        year = label(self.baseline)
        if self.baseline_source == "given":
            note = f"Baseline year {year} (as chosen for this report)."
        elif self.baseline_source == "plan":
            note = f"Baseline year {year}: the plan's baseline (configuration [plan] baseline)."
        elif self.baseline_full:
            note = f"Baseline year {year}: the earliest full financial year in the JAG's records."
        else:
            note = (f"Baseline year {year}: a part year (the JAG's records do not yet cover a "
                    f"full financial year).")
        if self.baseline_source != "records":
            if self.first_data is None:
                note += " The JAG's records hold nothing yet to count."
            elif self.first_data > date(self.baseline, 4, 1):
                note += (f" The JAG's records begin on {fmt_date(self.first_data)}: before then "
                         f"the figures count nothing, so the baseline is incomplete.")
        return note

    def periods(self) -> list[tuple[int, int]]:
        return quarters((self.baseline, 1), self.quarter)


def quarter_heading(report: PlanReport, quarter: tuple[int, int]) -> str:
    """``2025/26 Q1 (April to June)``; the quarter reported, while it runs, ``to date``."""
    text = f"{label(*quarter)} ({_MONTHS[quarter[1] - 1]})"
    if quarter == report.quarter and report.part:
        done, total = report.days
        text += f" to date ({done} of {total} days)"
    return text


def _collect(store, cfg: Config, selected: tuple[int, int], baseline: int | None,
             today: date) -> PlanReport:
    from jagtui.store.measures import measures_of, quarterly_measures
    from jagtui.store.plan import current_priorities, plan_lines

    as_of = min(quarter_end(*selected), today)
    if as_of < quarter_start(*selected):
        raise ExportError(f"{label(*selected)} has not begun: nothing to report yet")
    with store.read() as session:
        lines = plan_lines(session)
        # Retired priorities are history, not progress (the plan editor, docs/plan.md).
        priorities = [(p.key, p.title) for p in current_priorities(session)]
        measures = quarterly_measures(session, cfg, as_of)
    if not priorities:
        priorities = [(p.key, p.title) for p in cfg.priorities]
    year, reported = selected
    names = dict(measures_of(cfg))
    rows = []
    for line in lines:
        progress = {}
        for update in line.updates:
            try:
                update_year, q = parse_quarter(update.quarter)
            except QuarterError:
                continue  # a hand-typed quarter the plan screen let through: not comparable
            if update_year == year and q <= reported:
                progress[q] = (update.status, update.text)
        rows.append(PlanRow(
            line.priority.key, line.priority.title,
            f"{line.objective.number}. {line.objective.title}",
            f"{line.objective.number}.{line.action.number}", line.action.text, line.action.lead,
            line.action.ends_on, line.action.resources, line.action.measures, progress,
            line.action.time_scales, line.action.baseline, line.action.target,
            line.action.measure_key, names.get(line.action.measure_key, line.action.measure_key),
        ))
    full = True
    if baseline is not None:
        source = "given"
    elif cfg.plan.baseline:
        baseline, source = parse_year(cfg.plan.baseline), "plan"
    else:
        (baseline, full), source = earliest_full_year(measures.first_data, as_of), "records"
    if baseline > year:
        raise ExportError(f"The baseline year {label(baseline)} is after {label(*selected)}")
    return PlanReport(selected, as_of, baseline, source, full, measures.first_data, priorities,
                      rows, measures)


def _change(now: int, then: int) -> float | None:
    return None if then == 0 else (now - then) / then


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0%}".replace("+0%", "0%")


def measure_tables(report: PlanReport) -> tuple[list[str], list[list], list[str], list[list]]:
    """(by-period headers, rows: a period a row) and (against-baseline headers, rows: a
    measure a row); numbers stay numbers, changes are fractions (None: no baseline)."""
    m = report.measures
    year, q = report.quarter
    base = report.baseline
    done, _total = report.days
    start, base_start = quarter_start(year, q), quarter_start(base, q)
    base_end = min(base_start + timedelta(days=done - 1), quarter_end(base, q))
    ytd_days = (report.as_of - date(year, 4, 1)).days
    base_ytd_end = min(date(base, 4, 1) + timedelta(days=ytd_days), date(base + 1, 3, 31))

    by_period_head = ["Period", *(name for _, name in m.names)]
    by_period = [[f"Baseline year {label(base)}, whole year",
                  *(m.between(key, date(base, 4, 1), date(base + 1, 3, 31)) for key, _ in m.names)]]
    by_period += [[quarter_heading(report, p), *(m.get(key, p) for key, _ in m.names)]
                  for p in report.periods()]
    same = f", the same {done} days" if report.part else ""
    against_head = [
        "Measure", f"This quarter: {quarter_heading(report, report.quarter)}",
        f"Baseline: {label(base, q)}{same}", "Change",
        f"Year to date: {label(year)} to {fmt_date(report.as_of)}",
        f"Baseline: {label(base)} to {fmt_date(base_ytd_end)}", "Change (year to date)"]
    against = []
    for key, name in m.names:
        now, then = m.between(key, start, report.as_of), m.between(key, base_start, base_end)
        ytd = m.between(key, date(year, 4, 1), report.as_of)
        base_ytd = m.between(key, date(base, 4, 1), base_ytd_end)
        against.append([name, now, then, _change(now, then), ytd, base_ytd, _change(ytd, base_ytd)])
    return by_period_head, by_period, against_head, against


def _quarter_columns(report: PlanReport) -> list[str]:
    return [f"Quarter {ORDINALS[n - 1]}" for n in range(1, report.quarter[1] + 1)]


def _status_word(status: str) -> str:
    return status[:1].upper() + status[1:]


def _progress_text(row: PlanRow, n: int, report: PlanReport) -> tuple[str, str]:
    """(the quarter's progress as printed, its status) for quarter ``n`` of the year."""
    if n not in row.progress:
        return ("No update", "") if n == report.quarter[1] else ("", "")
    status, text = row.progress[n]
    return "\n".join(part for part in (_status_word(status), text) if part), status


def _time_scales(row: PlanRow) -> str:
    ends = f"By {fmt_date(row.ends_on)}" if row.ends_on else ""
    if row.time_scales:
        return f"{row.time_scales}, {ends[0].lower()}{ends[1:]}" if ends else row.time_scales
    return ends or "Ongoing"


def _outcome(row: PlanRow) -> str:
    """The Outcome/Measure cell: the plan's words, then baseline, target and the counted
    measure the action is tracked by (see the Measures sheet), one to a line."""
    parts = [row.measures] if row.measures else []
    parts += [f"{label}: {value}" for label, value in (
        ("Baseline", row.baseline), ("Target", row.target),
        ("Tracked by", row.tracked_by or row.measure_key)) if value]
    return "\n".join(parts)


def _sheet_title(key: str, title: str, used: set[str]) -> str:
    base = _SHEET_UNSAFE.sub(" ", f"{key} {title}").strip()[:31].rstrip() or "Priority"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _priority_rows(report: PlanReport, key: str) -> list[list]:
    from jagtui.export.xlsx import Filled

    columns = len(PLAN_HEADERS) + report.quarter[1]
    out: list[list] = []
    objective = None
    for row in (r for r in report.rows if r.priority_key == key):
        if row.objective != objective:
            objective = row.objective
            out.append([Filled(f"Objective {objective}", "grey"),
                        *(Filled("", "grey") for _ in range(columns - 1))])
        cells: list = [f"{row.number} {row.action}", row.lead, _time_scales(row), row.resources,
                       _outcome(row)]
        for n in range(1, report.quarter[1] + 1):
            text, status = _progress_text(row, n, report)
            cells.append(Filled(text, STATUS_FILL[status]) if status in STATUS_FILL else text)
        out.append(cells)
    return out


def _xlsx(report: PlanReport, cfg: Config) -> bytes:
    from jagtui.export.xlsx import Percent, Sheet, workbook

    title = f"{cfg.partnership.short_name} action plan progress {report.quarter_label}"
    # A page header's left part is a third of the page: short enough for one line.
    short = f"{cfg.partnership.short_name} plan progress {report.quarter_label}"
    used = {"measures", "against baseline", "notes"}
    n = report.quarter[1]
    quarter_width = max(18, min(34, (175 - sum(PLAN_WIDTHS)) // n))
    sheets = []
    for key, name in report.priorities:
        sheets.append(Sheet(_sheet_title(key, name, used), [*PLAN_HEADERS, *_quarter_columns(report)],
                            [*PLAN_WIDTHS, *(quarter_width for _ in range(n))],
                            _priority_rows(report, key), title=f"{short} {key}"))
    head, rows, against_head, against = measure_tables(report)
    sheets.append(Sheet("Measures", head, [26, *(15 for _ in head[1:])], rows, title=short))
    sheets.append(Sheet("Against baseline", against_head, [34, 18, 18, 10, 18, 18, 12],
                        [[*row[:3], Percent(row[3]), *row[4:6], Percent(row[6])] for row in against],
                        title=short))
    sheets.append(Sheet("Notes", ["Item", "How it is counted"], [36, 100], _notes(report, cfg),
                        title=short))
    return workbook(sheets, title=title, author=cfg.partnership.name,
                    marking=cfg.partnership.protective_marking, subject=title)


def _notes(report: PlanReport, cfg: Config) -> list[tuple[str, str]]:
    # A measure configured over referrals out ([referrals.measures]) says which services.
    services = {m.key: m.services for m in cfg.referrals.measures}
    notes = [(name, MEASURE_NOTES.get(key) or "Referrals out made to " + ", ".join(
        cfg.referrals.service_name(s) for s in services.get(key, ())) + ", counted on the day "
        "made.") for key, name in report.measures.names]
    notes.append(("Baseline", report.baseline_note))
    if report.part:
        done, total = report.days
        notes.append(("This quarter", f"{report.quarter_label} is still under way: its figures run "
                                      f"to {fmt_date(report.as_of)} ({done} of {total} days) and "
                                      f"are compared with the same {done} days of the baseline "
                                      f"quarter."))
    notes += [("Quarters", "UK financial quarters: Q1 April-June, Q2 July-September, "
                           "Q3 October-December, Q4 January-March."),
              ("Youth age", f"Under {cfg.flags.youth_under} (config flags.youth_under).")]
    return notes


def _markdown(report: PlanReport, cfg: Config) -> bytes:
    this = report.quarter_label
    doc = Document(title=f"{cfg.partnership.name}: partnership action plan progress, {this}",
                   marking=cfg.partnership.protective_marking)
    headers = (*PLAN_HEADERS, *_quarter_columns(report))
    for key, title in report.priorities:
        doc.add(Heading(f"{key}: {title}"))
        rows = [r for r in report.rows if r.priority_key == key]
        if not rows:
            doc.add(Para("No actions are recorded for this priority."))
        for objective in dict.fromkeys(r.objective for r in rows):
            doc.add(Heading(f"Objective {objective}", 2))
            table_rows = []
            for r in (r for r in rows if r.objective == objective):
                quarters_done = [_progress_text(r, n, report)[0].replace("\n", ": ", 1)
                                 for n in range(1, report.quarter[1] + 1)]
                table_rows.append((f"{r.number} {r.action}", r.lead, _time_scales(r), r.resources,
                                   _outcome(r).replace("\n", "; "), *quarters_done))
            doc.add(Table(headers, tuple(table_rows)))
    head, rows, against_head, against = measure_tables(report)
    doc.add(Heading("Measures"), Para(report.baseline_note, italic=True))
    doc.add(Table(tuple(head), tuple(tuple(str(v) for v in row) for row in rows)))
    doc.add(Heading("Against the baseline", 2))
    doc.add(Table(tuple(against_head), tuple(
        (row[0], str(row[1]), str(row[2]), _pct(row[3]), str(row[4]), str(row[5]), _pct(row[6]))
        for row in against)))
    doc.add(Heading("How the measures are counted", 2))
    doc.add(*(Para(f"{name}: {text}") for name, text in _notes(report, cfg)))
    return render_markdown(doc)


def export_plan(store, cfg: Config, *, quarter: str | None = None,
                formats: Iterable[str] = FORMATS, today: date | None = None,
                baseline: str | None = None) -> list[Path]:
    """Write plan progress for ``quarter`` (default: this quarter); returns the paths.

    ``baseline`` (e.g. ``"2022/23"``) overrides the plan's baseline year
    (``[plan] baseline``); with neither, the earliest full year in the records.
    """
    chosen = check_formats(formats, FORMATS)
    today = today or date.today()
    try:
        selected = parse_quarter(quarter or financial_quarter(today))
        base_year = parse_year(baseline) if baseline else None
    except QuarterError as exc:
        raise ExportError(str(exc)) from None
    report = _collect(store, cfg, selected, base_year, today)
    makers = {"xlsx": lambda: _xlsx(report, cfg), "md": lambda: _markdown(report, cfg)}
    files = {fmt: makers[fmt]() for fmt in chosen}
    return save_exports(
        store, cfg, base=plan_base(report.quarter_label),
        owner=owner_key(store, f"plan:{report.quarter_label}"),
        files=files, what="plan progress", quarter=report.quarter_label,
        baseline=label(report.baseline),
    )
