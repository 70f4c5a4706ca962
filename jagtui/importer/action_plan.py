"""``jagtui import plan FILE``: the partnership action plan from the spreadsheet it is kept in.

(Not ``importer/plan.py``: that is the incident import's plan of writes.)

One sheet (or CSV), a row per action, in the 2017/18 action-plan columns -- Key Action,
Lead, Time Scales, Financial & Resource Implications, Outcome/Measure, Quarter one …
Quarter four -- with Priority and Objective columns naming where each action sits
(a blank cell means "as the row above", as merged cells read). Optional columns:
Priority key, Period, Strategy, Ends, Baseline, Target, Tracked by. A row with a
Priority (and an Objective) but no Key Action just lists them: the simple
priorities/objectives layout.

Everything is checked before anything is written; each problem names the row (the
header is row 1) and the column, and with any problem nothing is written. A cell
with a control character or a text-direction override is refused, as in incident
imports; other text (markup-like brackets, accents, quotes) is stored as typed.
The import merges: a priority already in the plan is matched by key (else title),
an objective by title within it, an action by its text within that; matches are
updated, the rest added, and each quarter's cell replaces that quarter's update.
The whole import is one transaction, audited row by row and as one ``import`` row.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from jagtui.importer.read import Extract, header_key, read_extract
from jagtui.importer.report import Problem, visible
from jagtui.importer.sandbox import Limits
from jagtui.importer.validate import CONTROL_IN_TEXT, control_problem
from jagtui.rules.quarters import label
from jagtui.store import audit
from jagtui.store import plan as store_plan
from jagtui.store.measures import MEASURES
from jagtui.store.plan import Measures
from jagtui.store.models import PLAN_STATUSES, PlanAction, PlanObjective, PlanPriority

ORDINALS = ("one", "two", "three", "four")
# Field -> the headers it is found under (compared as header_key: case and spaces ignored).
COLUMNS: dict[str, tuple[str, ...]] = {
    "priority": ("priority", "strategic priority", "priority title"),
    "priority_key": ("priority key", "priority ref", "priority no", "priority number"),
    "period": ("period", "plan period"),
    "objective": ("objective", "objectives", "strategic objective"),
    "strategy": ("strategy", "how"),
    "text": ("key action", "key actions", "action", "actions"),
    "lead": ("lead", "lead agency", "lead agency or responsible group", "responsible",
             "lead agency or responsible", "lead agency / responsible group"),
    "time_scales": ("time scales", "timescales", "time scale", "timescale"),
    "ends_on": ("ends", "end date", "complete by", "by"),
    "resources": ("financial & resource implications", "financial and resource implications",
                  "resource implications", "resources"),
    "measures": ("outcome/measure", "outcome / measure", "outcome/ measure", "outcome measure",
                 "outcome target & performance measure", "outcome target and performance measure",
                 "outcome target", "outcome", "measure", "measures"),
    "baseline": ("baseline",),
    "target": ("target",),
    "measure_key": ("tracked by", "measure key", "counted measure"),
    **{f"q{n}": (f"quarter {word}", f"quarter {n}", f"q{n}") for n, word in
       enumerate(ORDINALS, start=1)},
}
HEADINGS = {"priority": "Priority", "priority_key": "Priority key", "period": "Period",
            "objective": "Objective", "strategy": "Strategy", "text": "Key Action",
            "lead": "Lead", "time_scales": "Time Scales", "ends_on": "Ends",
            "resources": "Financial & Resource Implications", "measures": "Outcome/Measure",
            "baseline": "Baseline", "target": "Target", "measure_key": "Tracked by",
            **{f"q{n}": f"Quarter {word}" for n, word in enumerate(ORDINALS, start=1)}}
# Column limits of the store (models.py), refused here with the row, not at write time.
LIMITS = {"priority_key": 16, "priority": 300, "period": 16, "lead": 200, "time_scales": 200,
          "baseline": 200, "target": 200}
ACTION_FIELDS = ("lead", "time_scales", "ends_on", "resources", "measures", "baseline", "target",
                 "measure_key")
# "Priority 1: …", "P2 - …", "3. …" (not "10-year vision": a dash needs spaces round it).
_KEY_PREFIX = re.compile(r"^\s*(?:priority\s*)?(p?\d{1,3})(?:\s*[:.)]\s+|\s+[-–—]\s+)(.+)$",
                         re.I | re.S)
_STATUS = re.compile(r"^\s*(" + "|".join(PLAN_STATUSES) + r")\s*(?:[:\-–—.]\s*|\n|$)", re.I)
_MONTHS = {name: n for n, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}


class PlanImportError(Exception):
    """The file cannot be imported at all (unreadable, no usable headers)."""


@dataclass
class PlanRowIn:
    row: int
    priority: str
    priority_key: str
    period: str
    objective: str
    strategy: str
    text: str
    values: dict[str, object]
    quarters: dict[int, tuple[str, str]]  # quarter number -> (status, text)


@dataclass
class PlanImportReport:
    file_name: str
    year: str
    dry_run: bool = False
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("priorities", "objectives", "actions", "updates"), 0))
    changed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("priorities", "objectives", "actions", "updates"), 0))
    applied: bool = False

    def counts(self) -> dict[str, int]:
        return {**{f"added_{k}": v for k, v in self.added.items()},
                **{f"updated_{k}": v for k, v in self.changed.items()}}


# Day/month/year or year-month-day numbers in a Time Scales cell ("By 31/02/2026").
_DATE_LIKE = re.compile(r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})\b")


def read_date(text: str) -> date | None:
    """``2026-03-31``, ``31/03/2026``, ``31 March 2026``, ``March 2026`` (its last day),
    each perhaps after "By"; None when the text is not a date."""
    words = " ".join(text.replace(",", " ").split()).lower().removeprefix("by ").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(words, fmt).date()
        except ValueError:
            pass
    parts = words.split()
    try:
        if len(parts) == 3 and parts[1][:3] in {m[:3] for m in _MONTHS}:
            month = next(n for m, n in _MONTHS.items() if m.startswith(parts[1][:3]))
            return date(int(parts[2]), month, int(parts[0].rstrip("stndrh")))
        if len(parts) == 2 and parts[0][:3] in {m[:3] for m in _MONTHS} and parts[1].isdigit():
            month = next(n for m, n in _MONTHS.items() if m.startswith(parts[0][:3]))
            year = int(parts[1])
            return date(year, month, monthrange(year, month)[1])
    except ValueError:
        return None
    return None


def _measure_lookup(measures: Measures) -> dict[str, str]:
    lookup = {key.casefold(): key for key, _ in measures}
    lookup.update({name.casefold(): key for key, name in measures})
    return lookup


def _columns(extract: Extract) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    problems = []
    wanted = {header_key(h): name for name, heads in COLUMNS.items() for h in heads}
    for position, header in enumerate(extract.headers):
        name = wanted.get(header_key(header))
        if name is None:
            if header:
                extract.notes.append(f"Column {header!r} is not a plan column: it is ignored")
            continue
        if name in found:
            problems.append(Problem(None, header, f"Two columns are {HEADINGS[name]}: keep one"))
        found[name] = position
    for needed in ("priority", "objective"):
        if needed not in found:
            problems.append(Problem(None, HEADINGS[needed], f"No {HEADINGS[needed]} column: the "
                                    "header row needs Priority and Objective (and Key Action, "
                                    "Lead, Time Scales … for actions)"))
    return found, problems


def check_rows(extract: Extract, year: int, measures: Measures = MEASURES
               ) -> tuple[list[PlanRowIn], list[Problem], list[str]]:
    """Every row checked; (rows, problems, notes). Problems name the row and column."""
    columns, problems = _columns(extract)
    notes = list(extract.notes)
    if problems:
        return [], problems, notes
    known, measures = measures, _measure_lookup(measures)
    rows: list[PlanRowIn] = []
    priority = key = period = objective = strategy = ""
    defaulted = 0
    for number, cells in extract.frame.iterrows():
        get = {name: str(cells[pos]).strip() for name, pos in columns.items()}
        if not any(get.values()):
            continue
        # Every problem of the row is named, not only its first.
        found_before = len(problems)
        for name, value in get.items():
            found = CONTROL_IN_TEXT.findall(value)
            if found:
                problems.append(Problem(number, HEADINGS[name], control_problem(found)))
            elif name in LIMITS and len(value) > LIMITS[name]:
                problems.append(Problem(number, HEADINGS[name], f"is too long: at most "
                                        f"{LIMITS[name]} characters (got {len(value)})"))
        if get.get("priority"):
            new_key, title = get.get("priority_key", ""), get["priority"]
            prefixed = _KEY_PREFIX.match(title)
            if prefixed:
                found_key = f"P{prefixed[1].upper().lstrip('P')}"
                if new_key in ("", found_key):  # the key written twice is still one key
                    new_key, title = found_key, prefixed[2].strip()
            if (title, new_key) != (priority, key):
                objective = strategy = ""  # a new priority: objectives do not carry over
            priority, key = title, new_key
            period = get.get("period", "") or period
        elif not priority:
            problems.append(Problem(number, "Priority", "is empty and there is no priority "
                                    "above it: name the priority on its first row"))
            continue
        if get.get("objective"):
            objective, strategy = get["objective"], get.get("strategy", "")
        text = get.get("text", "")
        values: dict[str, object] = {}
        quarters: dict[int, tuple[str, str]] = {}
        action_cells = [n for n in (*ACTION_FIELDS, "q1", "q2", "q3", "q4") if get.get(n)]
        if not text:
            if action_cells:
                problems.append(Problem(number, HEADINGS[action_cells[0]], "is filled but the "
                                        "row has no Key Action: put the action's words in "
                                        "Key Action"))
            rows.append(PlanRowIn(number, priority, key, period, objective, strategy, "", {}, {}))
            continue
        if not objective:
            problems.append(Problem(number, "Objective", "is empty and this priority has no "
                                    "objective above it: every action sits under an objective"))
            continue
        for name in ("lead", "time_scales", "resources", "measures", "baseline", "target"):
            values[name] = get.get(name, "")
        ends = get.get("ends_on", "")
        if ends:
            values["ends_on"] = read_date(ends)
            if values["ends_on"] is None:
                problems.append(Problem(number, "Ends", f"{visible(ends)!r} is not a date "
                                        "(try 2026-03-31, 31/03/2026 or March 2026)"))
        elif (when := read_date(values["time_scales"])) is not None:
            values["ends_on"], values["time_scales"] = when, ""  # "By March 2026": a date
        elif _DATE_LIKE.search(values["time_scales"]):  # "By 31/02/2026": no such day
            problems.append(Problem(number, "Time Scales", f"{visible(values['time_scales'])!r} "
                                    "holds a date that does not exist (try 31/03/2026)"))
        tracked = get.get("measure_key", "")
        if tracked:
            if tracked.casefold() not in measures:
                names = "; ".join(f"{k} ({n})" for k, n in known)
                problems.append(Problem(number, "Tracked by", f"{visible(tracked)!r} is not a "
                                        f"counted measure: use one of {names}, or leave it blank"))
            else:
                values["measure_key"] = measures[tracked.casefold()]
        if len(problems) > found_before:
            continue
        for n in range(1, 5):
            cell = get.get(f"q{n}", "")
            if not cell:
                continue
            status = _STATUS.match(cell)
            if status:
                quarters[n] = (status[1].lower(), cell[status.end():].strip())
            else:
                quarters[n] = ("on track", cell)
                defaulted += 1
        rows.append(PlanRowIn(number, priority, key, period, objective, strategy, text, values,
                              quarters))
    if defaulted:
        notes.append(f"{defaulted} quarter cell(s) do not begin with a status (On track:, At "
                     f"risk:, Off track:, Complete:, Not started:): recorded as on track; "
                     f"change them on the Plan screen (u)")
    if not rows and not problems:
        notes.append("The file lists no priorities: nothing to import")
    if any(r.quarters for r in rows):
        notes.append(f"Quarter one … four are read as {label(year)} Q1 … Q4 (--year)")
    return rows, problems, notes


# --- writing ---------------------------------------------------------------------------------

def _changed(row, values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if getattr(row, k) != v}


class _Writer:
    """Adds or updates the plan from checked rows, in one session, counting as it goes."""

    def __init__(self, session, report: PlanImportReport, year: int, named: set[str],
                 measures: Measures) -> None:
        self.session, self.report, self.year, self.measures = session, report, year, measures
        self.priorities = store_plan.current_priorities(session)
        self.keys = {p.key for p in session.scalars(select(PlanPriority))}
        self.named = named  # keys the file gives: a priority without one takes none of them

    def priority(self, row: PlanRowIn) -> PlanPriority:
        s, r = self.session, self.report
        found = next((p for p in self.priorities if row.priority_key and p.key == row.priority_key),
                     None) or next((p for p in self.priorities if p.title.casefold()
                                    == row.priority.casefold()), None)
        if found is None:
            key = row.priority_key
            if not key or key in self.keys:
                n = 1
                while f"P{n}" in self.keys or f"P{n}" in self.named:
                    n += 1
                key = f"P{n}"
            found = store_plan.add_priority(s, key, row.priority, row.period)
            self.keys.add(key)
            self.priorities.append(found)
            r.added["priorities"] += 1
            return found
        changes = _changed(found, {"title": row.priority,
                                   **({"period": row.period} if row.period else {})})
        if changes:
            store_plan.edit_priority(s, found.id, changes, None)
            r.changed["priorities"] += 1
        return found

    def objective(self, priority: PlanPriority, row: PlanRowIn) -> PlanObjective:
        s, r = self.session, self.report
        found = s.scalars(select(PlanObjective).where(
            PlanObjective.priority_id == priority.id, PlanObjective.retired_at.is_(None))).all()
        match = next((o for o in found if o.title.casefold() == row.objective.casefold()), None)
        if match is None:
            r.added["objectives"] += 1
            return store_plan.add_objective(s, priority.id, None, row.objective, row.strategy)
        if row.strategy and row.strategy != match.strategy:
            store_plan.edit_objective(s, match.id, {"strategy": row.strategy}, None)
            r.changed["objectives"] += 1
        return match

    def action(self, objective: PlanObjective, row: PlanRowIn) -> None:
        s, r = self.session, self.report
        found = s.scalars(select(PlanAction).where(
            PlanAction.objective_id == objective.id, PlanAction.retired_at.is_(None))).all()
        match = next((a for a in found if a.text.casefold() == row.text.casefold()), None)
        if match is None:
            match = store_plan.add_plan_action(s, objective.id, None, row.text,
                                               known_measures=self.measures, **row.values)
            r.added["actions"] += 1
        elif changes := _changed(match, row.values):
            store_plan.edit_plan_action(s, match.id, changes, None, self.measures)
            r.changed["actions"] += 1
        existing = {u.quarter: u for u in store_plan.updates_of(s, match.id)}
        for n, (status, text) in row.quarters.items():
            quarter = label(self.year, n)
            now = existing.get(quarter)
            if now is not None and (now.status, now.text) == (status, text):
                continue
            store_plan.set_update(s, match.id, quarter, status, text)
            (r.changed if now is not None else r.added)["updates"] += 1


def import_plan(store, path: str | Path, *, year: int, dry_run: bool = False, sheet: str = "",
                limits: Limits | None = None, measures: Measures = MEASURES) -> PlanImportReport:
    """Check ``path`` and (unless ``dry_run`` or a problem) write it in one transaction.
    A row's measure is one of ``measures`` (``measures_of(cfg)``: with the referral ones)."""
    extract = read_extract(path, sheet, limits)
    report = PlanImportReport(extract.name, label(year), dry_run=dry_run)
    detail = {"file": extract.name, "path": str(Path(extract.path).expanduser().absolute()),
              "size": extract.size, "sha256": extract.sha256}
    if not extract.readable:
        report.problems = list(extract.problems) or [Problem(None, "", "The file has no rows")]
        _audit(store, report, detail, "refused")
        return report
    rows, report.problems, report.notes = check_rows(extract, year, measures)
    report.rows = extract.row_count
    if report.problems:
        _audit(store, report, detail, "refused")
        return report

    class _DryRun(Exception):
        pass

    try:
        with store.write() as session:
            writer = _Writer(session, report, year, {r.priority_key for r in rows}, measures)
            for row in rows:
                priority = writer.priority(row)
                if row.objective:
                    objective = writer.objective(priority, row)
                    if row.text:
                        writer.action(objective, row)
            if dry_run:
                raise _DryRun
            audit.record(session, "import", table_name="plan_actions", outcome="imported",
                         **detail, year=label(year), **report.counts())
            report.applied = True
    except _DryRun:
        _audit(store, report, detail, "dry run")
    return report


def _audit(store, report: PlanImportReport, detail: dict, outcome: str) -> None:
    with store.write() as session:
        audit.record(session, "import", table_name="plan_actions", outcome=outcome, **detail,
                     year=report.year, problems=len(report.problems), **report.counts())


def render(report: PlanImportReport, limit: int = 50) -> str:
    """The report as plain text (file text made visible: no escape reaches the terminal)."""
    lines = [f"Plan import: {visible(report.file_name)} ({report.rows} row(s))"]
    lines += [f"  note: {visible(note)}" for note in report.notes]
    if report.problems:
        lines.append(f"Not imported: {len(report.problems)} problem(s); nothing was written.")
        for problem in report.problems[:limit]:
            lines.append(f"  {visible(problem.where)}: {visible(problem.message)}")
        if len(report.problems) > limit:
            lines.append(f"  … and {len(report.problems) - limit} more (--all lists every one)")
        return "\n".join(lines)
    head = "Would add" if report.dry_run else "Added"
    lines.append(f"{head}: " + ", ".join(f"{n} {k}" for k, n in report.added.items()))
    lines.append(f"{'Would update' if report.dry_run else 'Updated'}: "
                 + ", ".join(f"{n} {k}" for k, n in report.changed.items()))
    lines.append("Dry run: nothing was written." if report.dry_run else
                 "Imported in one transaction; every change is in the audit trail.")
    return "\n".join(lines)
