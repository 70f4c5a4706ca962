"""Intervention escalation: per perpetrator, the ladder, the history and what comes next.

The ASB incremental approach (LLR): each breach prompts the next step up. The
rules in ``jagtui.rules.ladder`` say where a case is and what to propose; this
screen shows it and records interventions, breaches and outcomes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from jagtui.config import Config
from jagtui.display import cell, literal, visible
from jagtui.rules.dates import fmt_date
from jagtui.rules.ladder import LadderState, expiring, ladder_state, lapsed
from jagtui.screens.case_list import short_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.lazy_table import LazyTable
from jagtui.screens.list_screen import ListScreen, fit_widths
from jagtui.screens.privacy import case_subject, redact
from jagtui.store.actions import NamedParty, case_party_names
from jagtui.store.errors import StoreError
from jagtui.store.interventions import (
    EscalationCase, InterventionRow, Recipient, default_recipient, escalation_cases, recipients)
from jagtui.words import plural

CASE_COLUMNS = (("Ref", "ref"), ("Subject", "subject"), ("Alert", "alert"), ("Step", "step"),
                ("Next", "next"), ("Review", "review"))
# On a projector (160 columns) the list has room for more of what the room asks about.
WIDE_CASE_COLUMNS = (("Breaches", "breaches"), ("Latest intervention", "latest"), ("Lead", "lead"),
                     ("Beat", "beat"), ("Type", "type"))
HISTORY_COLUMNS = (("Step", "step"), ("Agency", "agency"), ("Issued", "issued"),
                   ("Review", "review"), ("Outcome", "outcome"), ("Breaches", "breaches"),
                   ("Notes", "notes"))
ALERT_STYLES = {"LAPSED": "bold red", "BREACH": "bold red", "DUE SOON": "yellow"}
OUTCOME_STYLES = {"active": "bold", "breached": "bold red", "complied": "green", "expired": "dim"}
# At this width and wider, the case list shows the wide columns and whole dates.
WIDE = 120
# What one load reads: where each case stands, and each case's people and places (for masking).
Loaded = tuple[list["Standing"], dict[int, list[NamedParty]] | None]


def width(text: str) -> int:
    """``cell_len``, counted for plain printable ASCII (one cell a character), as
    nearly all is: 2,000 references, subjects and interventions measured a load."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


def shown(text: str) -> str:
    """``visible``, without its two pattern substitutions for the text nearly all is
    (printable: no control, bidi or non-character code point): a few per case, 2,000 cases."""
    return text if text.isprintable() else visible(text)


@dataclass(frozen=True)
class Standing:
    """Where one case stands: its ladder state and what needs doing soon, and the list's
    columns as plain text (see :func:`standing`)."""

    case: EscalationCase
    state: LadderState
    expiring: tuple[InterventionRow, ...]
    lapsed: tuple[InterventionRow, ...]
    breached: bool = False  # the latest intervention at the current step was: escalate
    next_review: date | None = None
    plain: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def alert(self) -> Text:
        word = self.plain["alert"]
        return Text(word, style=ALERT_STYLES.get(word, ""))

    def attention(self) -> tuple:
        """Lapsed first, then breached, then expiring, then the rest by reference."""
        rank = 0 if self.lapsed else 1 if self.breached else 2 if self.expiring else 3
        return (rank, self.case.reference)

    @property
    def in_focus(self) -> InterventionRow | None:
        """Where the history's cursor starts, which o acts on until another is highlighted:
        the longest-lapsed review, else the latest still running, else the latest (b starts
        on :attr:`breach_target` instead)."""
        rows = self.case.interventions
        if self.lapsed:
            return self.lapsed[0]
        running = [row for row in rows if row.running]
        return running[-1] if running else (rows[-1] if rows else None)

    @property
    def breach_target(self) -> InterventionRow | None:
        """What b breaches unless another is highlighted: the running intervention the
        ladder note is about (the latest at the highest step still running), not a
        lapsed lower one, so the prompt after the breach is about what was breached."""
        running = [row for row in self.case.interventions if row.running]
        if not running:
            return None
        current = self.state.current.key if self.state.current else None
        return max(running, key=lambda row: (row.step == current, row.issued_on, row.id))


def standing(case: EscalationCase, cfg: Config, today: date) -> Standing:
    """Where the case stands, worked out once, in the worker that reads the board (all
    of it at once: 2,000 cases a load, where cached properties cost as much again)."""
    # The rows themselves go to the ladder rules (they have a fact's fields): no fact
    # and no look-up by id made per intervention.
    rows = case.interventions
    try:
        state = ladder_state(cfg.ladder, rows)
    except ValueError as error:
        # A step no longer on the configured ladder: say so on this case, show the rest.
        state = LadderState(None, -1, None, str(error))
    current = state.current
    # Oldest first (issued, id): the last at the current step is the latest.
    breached = current is not None and next(
        row for row in reversed(rows) if row.step == current.key).breached
    reviewed = [row for row in rows if row.outcome == "active" and row.review_on is not None]
    if reviewed:
        within = cfg.meetings.cadence_weeks * 7  # due before the next meeting, roughly
        soon, late = tuple(expiring(reviewed, today, within)), tuple(lapsed(reviewed, today))
        next_review = min(row.review_on for row in reviewed)
    else:
        soon, late, next_review = (), (), None
    # The list's columns that depend on neither privacy mode nor the width.
    alert = "LAPSED" if late else "BREACH" if breached else "DUE SOON" if soon else ""
    breaches = sum(len(row.breaches) for row in rows) if rows else 0
    latest = rows[-1] if rows else None
    plain = {
        "ref": shown(case.reference), "alert": alert,
        "step": current.key if current else "-",
        "next": state.suggested.key if state.suggested else "-",
        "breaches": str(breaches) if breaches else "-",
        "latest": shown(f"{latest.step} {fmt_date(latest.issued_on)} ({latest.issuing_agency})"
                        if latest else "-"),
        "lead": shown(case.lead_agency), "beat": shown(case.beat or "-"),
        "type": case.case_type, "review": fmt_date(next_review),
    }
    return Standing(case, state, soon, late, breached, next_review, plain)


def in_force(cfg: Config, rows: tuple[InterventionRow, ...]) -> list[InterventionRow]:
    """The running interventions no higher step has been issued over since (a breached
    ABC stays "breached" once a CPW follows it, but it is no longer what can be breached)."""
    rank = {step.key: n for n, step in enumerate(cfg.ladder)}
    return [row for row in rows if row.running and not any(
        rank.get(later.step, -1) > rank.get(row.step, -1) and later.issued_on >= row.issued_on
        and later.id != row.id for later in rows)]


def ladder_line(cfg: Config, state: LadderState) -> Text:
    """``ADVICE › LETTER › [ABC] › CPW ...``: the current step reversed, the proposal underlined."""
    line = Text("Ladder: ")
    for n, step in enumerate(cfg.ladder):
        if n:
            line.append(" › ", style="dim")
        if state.current is not None and step.key == state.current.key:
            line.append(f" {step.key} ", style="reverse bold")
        elif state.suggested is not None and step.key == state.suggested.key:
            line.append(step.key, style="bold underline")
        else:
            line.append(step.key, style="dim")
    return line


class EscalationScreen(ListScreen):
    CSS_PATH = "escalation.tcss"
    TITLE = "Escalation"
    TABLE = "#esc-cases"
    BINDINGS = [
        Binding("i", "record", "Intervention", id="esc-record",
                tooltip="Record an intervention (the step defaults to the ladder's next one)"),
        Binding("b", "breach", "Breach", id="esc-breach",
                tooltip="Record a breach of the highlighted (or latest) active intervention"),
        Binding("o", "outcome", "Outcome", id="esc-outcome",
                tooltip="Record how the highlighted intervention ended: complied, expired, active"),
        # Priority: the tables would otherwise take Enter for themselves.
        Binding("enter", "open_case", "Open case", key_display="Enter", id="esc-open",
                tooltip="Open the highlighted case", priority=True),
        Binding("f5", "reload", "Refresh", id="esc-refresh", tooltip="Reload from the database"),
    ]

    rows: list[Standing]

    def __init__(self) -> None:
        super().__init__()
        self._propose_for: tuple[int, int] | None = None  # (case, intervention breached)
        self._auto_focus: int | None = None  # the history row placed by fill_detail, not the user
        self.names: dict[int, list[NamedParty]] | None = None  # read in privacy mode only

    def compose(self) -> ComposeResult:
        yield Header()
        yield LazyTable(self.case_cells, lambda item: str(item.case.case_id), id="esc-cases",
                        cursor_type="row", zebra_stripes=True)
        yield Static("", id="esc-ladder", markup=False)
        yield Static("", id="esc-note", markup=False)
        yield DataTable(id="esc-history", cursor_type="row")
        yield Static("", id="esc-detail", markup=False)
        yield Static("", id="esc-status", markup=False)
        yield KeysFooter()

    # -- loading -----------------------------------------------------------------

    def reader(self) -> Callable[[Session], Loaded]:
        """Every perpetrator case with where it stands, the ones needing attention first."""
        cfg, today = self.app.cfg, self.app.today()

        private = self.app.private

        def read(session: Session) -> Loaded:
            board = escalation_cases(session)
            found = sorted((standing(case, cfg, today) for case in board), key=Standing.attention)
            # The names mask notes in privacy mode only: read then, and only for cases
            # with notes (reading every board case's people took ~0.3 s at county scale).
            if not private:
                return found, None
            noted = [case.case_id for case in board
                     if any(row.notes.strip() for row in case.interventions)]
            return found, case_party_names(session, noted)

        return read

    def show(self, found: Loaded) -> None:
        keep = self.selected
        self.rows, self.names = found
        self.fill(keep.case.case_id if keep else None)
        if self._propose_for is not None:
            (case_id, row_id), self._propose_for = self._propose_for, None
            self.propose(case_id, row_id)

    def subject(self, case: EscalationCase) -> str:
        return case_subject(case, self.app.private)

    def masked(self, case: EscalationCase, text: str) -> str:
        """Free text with the case's names and addresses masked in privacy mode (nothing
        shown while privacy mode's names are still being read)."""
        if self.app.private and self.names is None:
            return "…" if text.strip() else text
        return redact(text, (self.names or {}).get(case.case_id, []), self.app.private)

    def refresh_privacy(self) -> None:
        if self.app.private and self.names is None:
            self.load()  # the names that mask the notes, read only in privacy mode
        super().refresh_privacy()

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def case_texts(self, item: Standing, wide: bool) -> list[str]:
        """What each column shows for a case, as plain text (what the widths are set from)."""
        plain = item.plain
        review = item.next_review
        texts = [plain["ref"], visible(self.subject(item.case)), plain["alert"], plain["step"],
                 plain["next"], plain["review"] if wide else short_date(review, self.app.today())]
        if wide:
            texts += [plain["breaches"], plain["latest"], plain["lead"], plain["beat"],
                      plain["type"]]
        return texts

    def widest_texts(self, wide: bool) -> list[str]:
        """The widest text of each column over every case, as :meth:`case_texts` gives
        them: the widths are set from these alone. Each column's distinct texts are
        measured once (the steps, agencies, beats and dates repeat across 2,000 cases),
        rather than a row of texts made and measured per case before the first frame."""
        rows, today, private = self.rows, self.app.today(), self.app.private

        def widest(texts) -> str:
            return max(texts, key=width, default="")

        plains = [item.plain for item in rows]
        subjects = ({case_subject(item.case, private) for item in rows} if private
                    else {item.case.subject for item in rows})
        reviews = ({plain["review"] for plain in plains} if wide
                   else {short_date(review, today) for review in {item.next_review for item in rows}})
        texts = [widest({plain["ref"] for plain in plains}),
                 widest({visible(subject) for subject in subjects}),
                 *(widest({plain[key] for plain in plains}) for key in ("alert", "step", "next")),
                 widest(reviews)]
        if wide:
            texts += [widest({plain[key] for plain in plains})
                      for key in ("breaches", "latest", "lead", "beat", "type")]
        return texts

    def case_cells(self, item: Standing) -> list[Text]:
        """A case's cells, made when its row comes into view."""
        texts = self.case_texts(item, self.wide)
        cells = [cell(texts[0]), cell(texts[1]), item.alert, Text(texts[3], style="bold"),
                 Text(texts[4]), Text(texts[5])]
        if len(texts) > 6:
            breaches = texts[6] != "-"
            cells += [Text(texts[6], style="red" if breaches else "dim"), cell(texts[7]),
                      cell(texts[8]), cell(texts[9]), Text(texts[10])]
        return cells

    def fill(self, keep: int | None = None) -> None:
        """Show the cases, keeping the highlight on case ``keep`` (default: the highlighted one)."""
        table = self.query_one("#esc-cases", LazyTable)
        if keep is None and self.selected is not None:
            keep = self.selected.case.case_id
        columns = CASE_COLUMNS + (WIDE_CASE_COLUMNS if self.wide else ())
        # Widths set from what is shown (names or initials), the subject cut to fit; the
        # table makes the cells of the rows in view only.
        wide = self.wide
        widths = fit_widths([label for label, _ in columns], [self.widest_texts(wide)],
                            self.size.width - 2, flex=1, cap=40 if wide else 18)
        table.clear(columns=True)
        table.forget_cells()
        for (label, key), width in zip(columns, widths, strict=True):
            table.add_column(label, key=key, width=width)
        table.show_items(self.rows, highlight=None if keep is None else str(keep))
        lapsed_count = sum(1 for item in self.rows if item.lapsed)
        due = sum(1 for item in self.rows if item.expiring)
        self.query_one("#esc-status", Static).update(Text(
            f"{plural(len(self.rows), 'case')} · {plural(lapsed_count, 'lapsed review')} · "
            f"{plural(due, 'review')} due before the next meeting"))
        self.fill_detail()

    @property
    def selected(self) -> Standing | None:
        table = self.query_one("#esc-cases", LazyTable)
        if not self.rows or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self.rows) - 1)
        return self.rows[row]

    @on(DataTable.RowHighlighted, "#esc-cases")
    def case_highlighted(self) -> None:
        self.fill_detail()

    def fill_detail(self) -> None:
        item = self.selected
        ladder = self.query_one("#esc-ladder", Static)
        note = self.query_one("#esc-note", Static)
        history = self.query_one("#esc-history", DataTable)
        history.clear(columns=True)
        if item is None:
            ladder.update("")
            note.update(Text("No perpetrator cases and no interventions yet."))
            self.show_intervention()
            return
        ladder.update(ladder_line(self.app.cfg, item.state))
        note.update(self.note(item))
        rows = item.case.interventions
        current = item.state.current.key if item.state.current else None
        today, wide = self.app.today(), self.wide
        cells = []
        for row in rows:
            # At 80 columns: short dates and a count of breaches, so the notes fit (their
            # dates and the notes in full are on the line below).
            when = fmt_date if wide else (lambda on: short_date(on, today))
            breaches = (f"{len(row.breaches)}: " + ", ".join(map(fmt_date, row.breaches))
                        if wide else str(len(row.breaches))) if row.breaches else "-"
            cells.append([
                Text(row.step, style="bold" if row.step == current else ""),
                cell(row.issuing_agency), Text(when(row.issued_on)), Text(when(row.review_on)),
                Text(row.outcome, style=OUTCOME_STYLES.get(row.outcome, "")),
                Text(breaches, style="red" if row.breaches else "dim"),
                cell(" ".join(self.masked(item.case, row.notes).split()) or "-",
                     "" if row.notes.strip() else "dim"),
            ])
        # The notes take the rest of the width; the line below shows them in full.
        widths = fit_widths([label for label, _ in HISTORY_COLUMNS], cells, self.size.width - 2,
                            flex=len(HISTORY_COLUMNS) - 1)
        for (label, key), width in zip(HISTORY_COLUMNS, widths, strict=True):
            history.add_column(label, key=key, width=width)
        for row, line in zip(rows, cells, strict=True):
            history.add_row(*line, key=str(row.id))
        focus = item.in_focus
        self._auto_focus = None if focus is None else focus.id
        if focus is not None:
            history.move_cursor(row=rows.index(focus))
        self.show_intervention()

    def note(self, item: Standing) -> Text:
        text = Text(item.state.note, style="bold")
        today = self.app.today()
        for n, row in enumerate(item.lapsed):
            # o and b start on the first of these (see Standing.in_focus).
            then = " — record an outcome (o)" if n == 0 else ""
            text.append(f"\nLapsed: {row.step} review was due {fmt_date(row.review_on)}{then}",
                        style="red")
        for row in item.expiring:
            days = (row.review_on - today).days
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            text.append(f"\nReview due: {row.step} on {fmt_date(row.review_on)} ({when})",
                        style="yellow")
        return text

    @on(DataTable.RowHighlighted, "#esc-history")
    def show_intervention(self) -> None:
        """The highlighted intervention in words, its notes in full: what o and b act on."""
        detail = self.query_one("#esc-detail", Static)
        item, row = self.selected, self.highlighted_intervention()
        if item is None or row is None:
            detail.update("")
            return
        text = Text.assemble((row.step, "bold"), f" issued {fmt_date(row.issued_on)} by ",
                             literal(row.issuing_agency), f", {row.outcome}")
        if row.breaches:
            dates = ", ".join(map(fmt_date, row.breaches))
            text.append(f" · breach{'es' if len(row.breaches) > 1 else ''} on {dates}", style="red")
        target = item.breach_target
        if row.id == self._auto_focus and target is not None and target.id != row.id:
            text.append(f" — o acts on this one, b on the {target.step}", style="dim")
        else:
            text.append(" — o and b act on this one", style="dim")
        text.append("\nNotes: ", style="bold")
        if row.notes.strip():
            text.append_text(literal(self.masked(item.case, row.notes.strip())))
        else:
            text.append("none recorded", style="dim")
        detail.update(text)

    # -- the highlighted intervention ------------------------------------------------

    def highlighted_intervention(self) -> InterventionRow | None:
        item = self.selected
        if item is None or not item.case.interventions:
            return None
        history = self.query_one("#esc-history", DataTable)
        rows = item.case.interventions
        return rows[min(max(history.cursor_row, 0), len(rows) - 1)]

    # -- actions ---------------------------------------------------------------------

    def _ready(self) -> Standing | None:
        item = self.selected
        if item is None:
            self.app.notify("No case selected", severity="warning")
            return None
        return item if self.app.allowed("edit") else None

    def action_record(self, step: str | None = None) -> None:
        item = self._ready()
        if item is None:
            return
        suggested = step or (item.state.suggested.key if item.state.suggested else None)
        self._ask_recipient(item.case, suggested)

    @work(thread=True, exclusive=True, group="esc-recipients")
    def _ask_recipient(self, case: EscalationCase, step: str | None) -> None:
        """Read who may receive it (never the victim) as the case stands now, then open
        the form asking for them: the perpetrator chosen on a perpetrator case."""
        app = self.app
        try:
            with app.store.read() as session:
                people = recipients(session, case.case_id)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), title=self.TITLE, severity="error",
                                 markup=False)
            return
        app.call_from_thread(self._open_intervention, case, step, people)

    def _open_intervention(self, case: EscalationCase, step: str | None,
                           people: list[Recipient]) -> None:
        from jagtui.screens.forms.intervention import InterventionForm

        self.app.push_screen(
            InterventionForm(case, self.app.cfg, self.app.today(), step, recipients=people,
                             chosen=default_recipient(case.case_type, people)),
            self._saved)

    def action_breach(self) -> None:
        item = self._ready()
        if item is None:
            return
        target = item.breach_target
        if target is None:
            self.app.notify("No active intervention to breach: record one with i",
                            severity="warning")
            return
        # A running row the user highlighted is theirs to breach; the row fill_detail
        # placed the cursor on (a lapsed review, for o) is not: b takes the note's.
        row = self.highlighted_intervention()
        if row is None or not row.running or row.id == self._auto_focus:
            row = target
        running = in_force(self.app.cfg, item.case.interventions)
        from jagtui.screens.forms.intervention import BreachForm

        def breached(result: tuple[int, date] | None) -> None:
            if result is not None:
                self._propose_for = (item.case.case_id, result[0])
                self.load()

        # Several running: the form asks which, starting on this one.
        self.app.push_screen(BreachForm(item.case, row, self.app.cfg, self.app.today(),
                                        choices=running if len(running) > 1 else None),
                             breached)

    def action_outcome(self) -> None:
        item = self._ready()
        if item is None:
            return
        row = self.highlighted_intervention()
        if row is None:
            self.app.notify("No intervention yet: record one with i", severity="warning")
            return
        from jagtui.screens.forms.intervention import OutcomeForm

        self.app.push_screen(OutcomeForm(item.case, row, self.app.cfg), self._saved)

    def propose(self, case_id: int, row_id: int) -> None:
        """After a breach of intervention ``row_id``: say what the ladder proposes and offer
        to record it, only when that breach is what the ladder's note is about (the latest
        at the current step); a breach of a lower step is said as such, with no offer."""
        item = next((s for s in self.rows if s.case.case_id == case_id), None)
        if item is None or item.state.suggested is None:
            return
        state = item.state
        row = next((r for r in item.case.interventions if r.id == row_id), None)
        if row is not None and not item.breached:
            cfg = self.app.cfg
            name = next((s.name for s in cfg.ladder if s.key == row.step), row.step)
            when = fmt_date(max(row.breaches)) if row.breaches else ""
            self.app.notify(f"Breach of {name} recorded{' on ' + when if when else ''}. "
                            f"{state.note}", title="Breach recorded", severity="warning",
                            timeout=12, markup=False)
            return
        if state.current is not None and state.suggested.key == state.current.key:
            self.app.notify(state.note, title="Next step", severity="warning", timeout=12)
            return
        from jagtui.screens.forms.base import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.action_record(state.suggested.key)

        self.app.push_screen(
            ConfirmScreen(f"{state.note}.\n\nRecord {state.suggested.name} now?"), answered)

    def _saved(self, result) -> None:
        if result is not None:
            self.load()

    def action_open_case(self) -> None:
        item = self.selected
        if item is None:
            return
        from jagtui.screens.case_view import open_case

        open_case(self.app, item.case.case_id)
