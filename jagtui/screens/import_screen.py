"""Import: bring a partner's extract in. Pick the file and the mapping, read the
check (problems by row and column, possible matches to confirm or reject), then
import it in one transaction with a progress bar.

Everything but the widgets lives in ``jagtui.importer``; this screen only shows
its report and collects the user's decisions.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import DataTable, Header, Input, ProgressBar, Select, Static

from jagtui.display import cell, initials
from jagtui.importer.report import ImportReport, PossibleMatch, visible
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter

DETECT = ""  # the mapping choice meaning "the one the headers fit"
EXTRACT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt", ".tsv")
# (label, key, width): names are cut with an ellipsis so the decision stays in view.
MATCH_COLUMNS = (("Key", "key", None), ("Decision", "decision", 17), ("Role", "role", None),
                 ("In the file", "incoming", 26), ("Could be", "candidate", 26),
                 ("Why", "why", 30), ("Rows", "rows", None))
# A table of more problems than this is slow to build and no help to read.
SHOWN_PROBLEMS = 500


def _inside(folder: Path, allowed: tuple[str, ...]) -> bool:
    real = Path(os.path.realpath(folder))
    roots = [Path(os.path.realpath(os.path.expanduser(a))) for a in allowed]
    return any(real == root or root in real.parents for root in roots)


def complete_path(value: str, allowed: tuple[str, ...] = ()) -> str | None:
    """``value`` completed to the first folder or extract it could name, else None. With
    ``allowed`` folders (``[import] folders``) only inside them, or to one of them."""
    if not value:
        return None
    typed = Path(os.path.expanduser(value))
    folder, stem = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
    if allowed and not _inside(folder, allowed):
        # Outside the allowed folders nothing is listed: only the way into one.
        return next((a.rstrip(os.sep) + os.sep for a in allowed
                     if a.startswith(value) and a.rstrip(os.sep) != value.rstrip(os.sep)), None)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    for name in names:
        if not name.startswith(stem) or name == stem or (name.startswith(".") and not stem):
            continue
        full = folder / name
        if full.is_dir():
            return value + name[len(stem):] + os.sep
        if name.lower().endswith(EXTRACT_SUFFIXES):
            return value + name[len(stem):]
    return None


class PathSuggester(Suggester):
    """Suggests the rest of a file or folder name as you type (→ accepts it)."""

    def __init__(self, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.allowed = allowed

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value, self.allowed)


def screen_summary(report: ImportReport, decided: int) -> list[str]:
    """The report's heading and counts, short enough for 80x24, with what to press next."""
    how = [n.removeprefix("Read as ") for n in report.notes if n.startswith("Read as ")]
    first = " · ".join(part for part in (
        visible(report.file_name),
        f"{report.mapping} ({report.mapping_title})" if report.mapping else "",
        *how) if part)
    lines = [first] + [f"Note: {note}" for note in report.notes
                       if not note.startswith(("Read as ", "Mapping '"))]
    if not report.readable:
        return lines + ["This file cannot be imported as it stands: see the problems below."]
    lines += [report.summary(), report.people_summary()]
    if report.possible_matches:
        lines[-1] += f" Decided {decided} of {len(report.possible_matches)}."
    if report.applied:
        lines.append("Imported. Cases and flags include these incidents now.")
    elif report.problems:
        lines.append("Nothing written yet. ctrl+s imports the other rows (those with problems "
                     "are skipped); or fix the file and check it again (ctrl+o).")
    else:
        lines.append("Nothing written yet. ctrl+s imports it.")
    return lines


def decision_shown(match: PossibleMatch, person_id: int) -> Text:
    if match.decision == str(person_id):
        return Text("same person: link", style="bold green")
    if match.decision == "new":
        return Text("new person", style="bold")
    if match.decision:
        return Text("")
    return Text("undecided", style="yellow")


class ImportScreen(Screen):
    CSS_PATH = "import_screen.tcss"
    TITLE = "Import"
    # Arriving is not editing: the digits still go to the other screens until p
    # (or ctrl+o) opens the path box, and Esc leaves it.
    AUTO_FOCUS = "#import-problems"
    BINDINGS = [
        Binding("ctrl+o", "check", "Check", id="import-check",
                tooltip="Read the file and check every row; nothing is written"),
        Binding("ctrl+s", "run_import", "Import", id="import-run",
                tooltip="Import the checked file in one go (asks first)"),
        Binding("p", "focus_path", "File", id="import-file",
                tooltip="Type a file path (→ completes a name, Enter checks, Esc leaves the box)"),
        Binding("escape", "leave_path", "Leave the box", key_display="Esc", show=False,
                id="import-leave-path", tooltip="Stop typing the path: keys work again"),
        Binding("y", "decide('same')", "Same person", id="import-same",
                tooltip="The highlighted possible match is that existing person: link them"),
        Binding("n", "decide('new')", "New person", id="import-new",
                tooltip="Not the same person: create a new record"),
        Binding("u", "decide('')", "Undecided", id="import-undecided",
                tooltip="Leave it undecided: nobody is linked for that name"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.prepared = None
        self.report: ImportReport | None = None
        self.decisions: dict[str, str] = {}
        self.busy = False
        self._private: bool | None = None

    def compose(self) -> ComposeResult:
        cfg = self.app.cfg
        yield Header()
        with Horizontal(id="import-pick"):
            yield Input(placeholder="Path to a .csv or .xlsx extract (→ completes a name)",
                        id="import-path", compact=True,
                        suggester=PathSuggester(tuple(cfg.import_settings.folders)))
            yield Select([("Mapping: detect from the headers", DETECT)] + [
                (f"{m.title} ({name})", name) for name, m in cfg.imports.items()],
                value=DETECT, allow_blank=False, id="import-mapping", compact=True)
        yield Static(Text("p: type the path of an extract, then Enter checks it. Nothing is "
                          "written until you import (ctrl+s). Esc leaves the path box."),
                     id="import-summary", markup=False)
        with Horizontal(id="import-busy", classes="hidden"):
            yield Static("", id="import-stage", markup=False)
            yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("Problems", id="import-problems-title", classes="title", markup=False)
        yield DataTable(id="import-problems", cursor_type="row", zebra_stripes=True)
        yield Static("Possible matches: y same person · n new person · u undecided",
                     id="import-matches-title", classes="title", markup=False)
        yield DataTable(id="import-matches", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        problems = self.query_one("#import-problems", DataTable)
        for label, key in (("Row", "row"), ("Column", "column"), ("Problem", "problem")):
            problems.add_column(label, key=key)
        matches = self.query_one("#import-matches", DataTable)
        for label, key, width in MATCH_COLUMNS:
            matches.add_column(label, key=key, width=width)
        self._private = self.app.private

    def on_screen_resume(self) -> None:
        if self.app.private != self._private:
            self.refresh_privacy()

    def refresh_privacy(self) -> None:
        self._private = self.app.private
        if self.is_mounted and self.report is not None:
            self.fill_matches()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            return isinstance(self.focused, DataTable) and self.focused.id == "import-matches"
        if action == "leave_path":
            return self.focused is not None and self.focused.id == "import-path"
        return True

    # -- checking ------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def path_entered(self) -> None:
        self.action_check()

    def action_check(self) -> None:
        if self.busy or not self.app.allowed("import"):
            return
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self.notify("Type the path of a .csv or .xlsx file first", severity="warning")
            self.action_focus_path()
            return
        mapping = self.query_one("#import-mapping", Select).value
        self.start("Reading and checking")
        self.check(path, "" if mapping in (DETECT, Select.NULL) else str(mapping))

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def check(self, path: str, mapping: str) -> None:
        from jagtui.importer.apply import run_import
        from jagtui.importer.prepare import prepare

        app = self.app
        try:
            prepared = prepare(path, app.cfg, app.today(), mapping)
            report = run_import(app.store, app.cfg, prepared, dry_run=True)
        except Exception as error:  # a report is the goal; anything else is said in words
            app.call_from_thread(self.failed, "Could not check the file", error)
            return
        app.call_from_thread(self.checked, prepared, report)

    def checked(self, prepared, report: ImportReport) -> None:
        self.prepared, self.decisions = prepared, {}
        self.stop()
        self.show(report)
        # Out of the path box, so the screen's keys (and the digits to other screens) work.
        table = "#import-matches" if report.possible_matches else "#import-problems"
        self.query_one(table, DataTable).focus()

    def action_focus_path(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_leave_path(self) -> None:
        table = "#import-matches" if self.report and self.report.possible_matches else "#import-problems"
        self.query_one(table, DataTable).focus()

    # -- deciding possible matches ----------------------------------------------------------

    def action_decide(self, what: str) -> None:
        table = self.query_one("#import-matches", DataTable)
        if self.report is None or not table.row_count:
            return
        key, person_id = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value.split(":")
        if what == "same":
            self.decisions[key] = person_id
        elif what == "new":
            self.decisions[key] = "new"
        else:
            self.decisions.pop(key, None)
        self.report.possible_matches = [replace(m, decision=self.decisions.get(m.key, ""))
                                        for m in self.report.possible_matches]
        self.fill_matches()
        self.fill_summary()

    # -- importing -----------------------------------------------------------------------

    def action_run_import(self) -> None:
        if self.busy or not self.app.allowed("import"):
            return
        report = self.report
        if report is None or self.prepared is None:
            self.notify("Check a file first: type its path and press Enter", severity="warning")
            return
        if not report.readable:
            self.notify("This file cannot be imported as it stands: see the problems",
                        severity="error")
            return
        from jagtui.screens.forms.base import ConfirmScreen

        rows = f"{report.created} new and {len(report.updates)} updated incidents"
        question = f"Import {rows} from {visible(report.file_name)}?"
        if report.problems:
            bad = len(report.invalid_rows)
            question = (f"{bad} row{'s have' if bad != 1 else ' has'} problems and will be "
                        f"skipped.\nImport the other rows ({rows}) from {visible(report.file_name)}?")
        undecided = sum(1 for m in report.possible_matches if m.key not in self.decisions)
        if undecided:
            question += (f"\n\n{undecided} possible match{'es are' if undecided != 1 else ' is'} "
                         "undecided: nobody is linked for those names.")
        skip = bool(report.problems)
        self.app.push_screen(ConfirmScreen(question),
                             lambda yes: self.start_import(skip) if yes else None)

    def start_import(self, skip_invalid: bool) -> None:
        self.start("Importing")
        self.write(skip_invalid, dict(self.decisions))

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def write(self, skip_invalid: bool, decisions: dict[str, str]) -> None:
        from jagtui.importer.apply import run_import

        app = self.app

        def progress(stage: str, done: int, total: int) -> None:
            app.call_from_thread(self.progress, stage, done, total)

        try:
            report = run_import(app.store, app.cfg, self.prepared, decisions=decisions,
                                skip_invalid=skip_invalid, progress=progress)
        except Exception as error:
            app.call_from_thread(self.failed, "Nothing was imported", error)
            return
        app.call_from_thread(self.imported, report)

    def imported(self, report: ImportReport) -> None:
        self.stop()
        self.show(report)
        if report.applied:
            self.notify(f"Imported {visible(report.file_name)}: {report.created} new, "
                        f"{len(report.updates)} updated, {report.unchanged} unchanged. "
                        "Cases and flags now include them.", title="Imported", timeout=8,
                        markup=False)
        else:
            self.notify(report.outcome(), severity="warning")

    # -- showing -------------------------------------------------------------------------

    def start(self, stage: str) -> None:
        self.busy = True
        self.query_one("#import-busy").remove_class("hidden")
        self.query_one("#import-stage", Static).update(Text(stage))
        self.query_one("#import-progress", ProgressBar).update(total=None, progress=0)

    def progress(self, stage: str, done: int, total: int) -> None:
        self.query_one("#import-stage", Static).update(Text(f"{stage}: {done:,} of {total:,}"))
        self.query_one("#import-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def stop(self) -> None:
        self.busy = False
        self.query_one("#import-busy").add_class("hidden")

    def failed(self, what: str, error: Exception) -> None:
        self.stop()
        line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        self.notify(f"{what}: {visible(line)}", title="Import", severity="error", timeout=10,
                    markup=False)

    def show(self, report: ImportReport) -> None:
        self.report = report
        self.fill_summary()
        table = self.query_one("#import-problems", DataTable)
        table.clear()
        for n, problem in enumerate(report.problems[:SHOWN_PROBLEMS]):
            table.add_row(str(problem.row) if problem.row else "file", cell(problem.column),
                          cell(problem.message), key=str(n))
        more = len(report.problems) - SHOWN_PROBLEMS
        title = f"Problems ({len(report.problems)})" if report.problems else "Problems: none"
        if more > 0:
            title += f": the first {SHOWN_PROBLEMS} shown (jagtui import incidents --dry-run --all lists all)"
        self.query_one("#import-problems-title", Static).update(Text(title))
        self.fill_matches()

    def fill_summary(self) -> None:
        decided = sum(1 for m in self.report.possible_matches if m.key in self.decisions)
        self.query_one("#import-summary", Static).update(
            Text("\n".join(screen_summary(self.report, decided))))

    def fill_matches(self) -> None:
        table = self.query_one("#import-matches", DataTable)
        cursor = table.cursor_row
        table.clear()
        private = self.app.private
        for match in self.report.possible_matches if self.report else []:
            for candidate in match.candidates:
                table.add_row(
                    match.key, decision_shown(match, candidate.person_id), match.role,
                    cell(self.person(match.name, match.date_of_birth, match.address, private)),
                    cell(f"{candidate.person_id}: " + self.person(
                        candidate.name, candidate.date_of_birth, candidate.address, private)),
                    cell(candidate.why),
                    ", ".join(str(r) for r in match.rows[:5]) + (" ..." if len(match.rows) > 5 else ""),
                    key=f"{match.key}:{candidate.person_id}",
                )
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))
        count = len(self.report.possible_matches) if self.report else 0
        self.query_one("#import-matches-title", Static).update(Text(
            f"Possible matches ({count}): y same person · n new person · u undecided"
            if count else "Possible matches: none"))

    @staticmethod
    def person(name: str, born, address: str, private: bool) -> str:
        """A person as the room may see them: initials only in privacy mode."""
        if private:
            return initials(name)
        return ", ".join(part for part in (name, f"born {fmt_date(born)}" if born else "", address)
                         if part)
