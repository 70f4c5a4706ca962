"""Forms for the escalation screen: record an intervention, a breach, an outcome.

Given the case's possible recipients (``interventions.recipients``), the
intervention form asks who receives it: on a perpetrator case the perpetrator is
chosen already; on any other nobody is, and saving is refused until someone is
(on a location case nobody means the premises).
"""

from __future__ import annotations

from datetime import date
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from jagtui.config import Config
from jagtui.display import initials, literal
from jagtui.rules.dates import fmt_date
from jagtui.rules.ladder import default_review_on
from jagtui.screens.forms.base import FORMS_CSS, FormScreen, field
from jagtui.screens.privacy import case_subject
from jagtui.screens.widgets import DateField
from jagtui.store import interventions
from jagtui.store.interventions import EscalationCase, InterventionRow, Recipient

T = TypeVar("T")
ESCALATION_CSS = Path(__file__).parent.parent / "escalation.tcss"
INTERVENTION_CSS = Path(__file__).parent.parent / "intervention.tcss"
OUTCOME_CHOICES = (
    ("complied", "Complied: ended without a breach"),
    ("expired", "Expired: ran its course or lapsed"),
    ("active", "Active: still in force"),
)


def step_name(cfg: Config, key: str) -> str:
    return next((step.name for step in cfg.ladder if step.key == key), key)


class _OnCase(FormScreen[T]):
    """A form about one case: a context line naming it, masked in privacy mode."""

    CSS_PATH = [FORMS_CSS, ESCALATION_CSS]
    case: EscalationCase

    def about(self) -> str:
        return ""

    def context(self) -> Static:
        return Static(self._context_text(), id="form-context", classes="form-context")

    def _context_text(self):
        return literal(f"{self.case.reference}: {case_subject(self.case, self.app.private)}{self.about()}")

    def refresh_privacy(self) -> None:
        super().refresh_privacy()
        if self.is_mounted:
            self.query_one("#form-context", Static).update(self._context_text())


class RecipientList(OptionList):
    """Who receives the intervention: the highlighted person is the choice (none at
    first unless given); ↓ ↑ choose, Enter moves on."""

    def __init__(self, people: Sequence[Recipient], chosen: int | None, *, id: str) -> None:
        super().__init__(id=id, markup=False)
        self.people = list(people)
        self._start = next((n for n, r in enumerate(self.people) if r.person_id == chosen), None)
        self._marked: int | None = None

    @property
    def value(self) -> int | None:
        """The chosen person's id (what drafts keep and the form saves)."""
        at = self.highlighted
        return self.people[at].person_id if at is not None and at < len(self.people) else None

    def restore_value(self, value: int | None) -> None:
        self.highlighted = next((n for n, r in enumerate(self.people) if r.person_id == value), None)
        self.redraw()

    def on_mount(self) -> None:
        self.redraw()
        self.highlighted = self._start

    def redraw(self) -> None:
        """The names (initials in privacy mode), the chosen one marked."""
        at, private = self.highlighted, self.app.private
        self.clear_options()
        self.add_options([Option(self.label(r, n == at, private)) for n, r in enumerate(self.people)])
        self.highlighted = at
        self._marked = at

    @staticmethod
    def label(person: Recipient, chosen: bool, private: bool) -> Text:
        text = Text("● " if chosen else "○ ", style="bold" if chosen else "dim")
        text.append_text(literal(initials(person.name) if private else person.name,
                                 "bold" if chosen else ""))
        text.append(f" ({person.role})", style="dim")
        return text

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Move the ● to the new choice; the message still reaches the form.
        private = self.app.private
        for n in {self._marked, event.option_index} - {None}:
            self.replace_option_prompt_at_index(
                n, self.label(self.people[n], n == event.option_index, private))
        self._marked = event.option_index


class InterventionForm(_OnCase[int]):
    """A new intervention on a case; the step defaults to the ladder's suggestion
    and the review date follows the step until the user types their own.

    With ``recipients`` it asks who receives it (``chosen`` first: the perpetrator
    on a perpetrator case); without, it is issued to the case's person, if any."""

    form_title = "Record an intervention"
    CSS_PATH = [FORMS_CSS, ESCALATION_CSS, INTERVENTION_CSS]
    # In a meeting the notes come straight after the step (the fewest keys to them).
    notes_after_step = False

    def __init__(self, case: EscalationCase, cfg: Config, today: date, step: str | None = None,
                 recipients: Sequence[Recipient] | None = None, chosen: int | None = None) -> None:
        super().__init__()
        self.case = case
        self.cfg = cfg
        self.today = today
        self.step = step if step in {s.key for s in cfg.ladder} else cfg.ladder[0].key
        self.recipients = None if recipients is None else list(recipients)
        self.chosen = chosen
        self.draft_key = f"intervention:{case.case_id}"
        agencies = {a.key for a in cfg.agencies}
        self.agency = case.lead_agency if case.lead_agency in agencies else cfg.agencies[0].key
        self._auto_review = self._review_for(self.step, today)

    def about(self) -> str:
        # On a victim case the line names the victim: say so, beside who receives it.
        return f" · {self.case.case_type} case" if self.recipients is not None else ""

    def _review_for(self, step_key: str, issued: date | None) -> str:
        step = next(s for s in self.cfg.ladder if s.key == step_key)
        review = default_review_on(step, issued) if issued else None
        return review.isoformat() if review else ""

    def fields(self) -> ComposeResult:
        yield self.context()
        if self.recipients is not None:
            hint = ("↓ ↑ choose, Enter moves on" if self.recipients else
                    "Nobody but the victim is linked: link the person to the case first")
            if self.case.case_type == "location":
                hint += "; none chosen: the place itself"
            yield field("Receives it", RecipientList(self.recipients, self.chosen, id="recipient"),
                        hint)
        yield field("Ladder step", Select(
            [(step.name, step.key) for step in self.cfg.ladder], value=self.step,
            allow_blank=False, id="step"))
        notes = field("Notes", Input(id="notes", placeholder="Optional: what was said or agreed"),
                      "Kept with the intervention and in the minutes")
        if self.notes_after_step:
            yield notes
        yield field("Issuing agency", Select(
            [(agency.name, agency.key) for agency in self.cfg.agencies], value=self.agency,
            allow_blank=False, id="agency"))
        yield field("Issued on", DateField(self.today, today=self.today, id="issued"))
        yield field("Review date",
                    DateField(self._auto_review, today=self.today, optional=True, id="review"),
                    "Review or expiry; follows the step's period; empty for none")
        if not self.notes_after_step:
            yield notes

    def on_mount(self) -> None:
        super().on_mount()
        picker = self.query("#recipient")
        if picker and self.chosen is None:
            picker.first().focus()  # who receives it is the first question
        else:
            self.query_one("#step").focus()

    def inputs(self) -> list[Widget]:
        return [*super().inputs(), *self.query("#recipient").results(RecipientList)]

    @on(OptionList.OptionHighlighted, "#recipient")
    def recipient_changed(self, _event) -> None:
        self._touched.add("recipient")
        self.show_problems()

    @on(OptionList.OptionSelected, "#recipient")
    def recipient_taken(self, _event) -> None:
        self.focus_next()

    def refresh_privacy(self) -> None:
        super().refresh_privacy()
        if self.is_mounted:
            for picker in self.query("#recipient").results(RecipientList):
                picker.redraw()

    def person_id(self) -> int | None:
        """Who receives it: the choice, or (asked nothing) the case's person."""
        if self.recipients is None:
            return self.case.person_id
        return self.query_one("#recipient", RecipientList).value

    def value_changed(self, widget: Widget) -> None:
        # The review date follows the step and issue date until the user changes it.
        if widget.id not in ("step", "issued"):
            return
        review = self.query_one("#review", DateField)
        if review.value != self._auto_review:
            return
        issued = self.query_one("#issued", DateField).date
        self._auto_review = self._review_for(self.query_one("#step", Select).value, issued)
        review.value = self._auto_review

    def hints(self) -> dict[str, str]:
        found = super().hints()
        found["step"] = self.superseded_hint(self.query_one("#step", Select).value)
        return found

    def superseded_hint(self, step_key: str) -> str:
        """Issuing a step above an active one closes it (``interventions.supersede``): say
        so, and when it has no breach on record, that a breach belongs there first."""
        rank = {s.key: n for n, s in enumerate(self.cfg.ladder)}
        person = self.person_id()
        below = [row for row in self.case.interventions
                 if row.outcome == "active" and rank.get(row.step, -1) < rank.get(step_key, -1)
                 and (self.recipients is None or row.person_id == person)]
        if not below:
            return ""
        names = ", ".join(step_name(self.cfg, row.step) for row in below)
        unbreached = not any(row.breaches for row in below)
        return (f"Closes the active {names} (marked expired)"
                + ("; no breach of it is recorded: if it was breached, record that first"
                   if unbreached else ""))

    def problems(self) -> dict[str, str]:
        wrong = {}
        if (self.recipients is not None and self.person_id() is None
                and self.case.case_type != "location"):
            wrong["recipient"] = ("Choose who receives the intervention (↓ then Enter)"
                                  if self.recipients else
                                  "Nobody but the victim is linked to this case: link the person "
                                  "who receives it to the case first")
        issued = self.query_one("#issued", DateField)
        review = self.query_one("#review", DateField)
        if issued.date is None:
            wrong["issued"] = issued.validation_message
        elif issued.date > self.today:
            wrong["issued"] = "The issue date is in the future: record it once issued"
        if review.value.strip() and review.date is None:
            wrong["review"] = review.validation_message
        elif review.date and issued.date and review.date < issued.date:
            wrong["review"] = f"The review date is before the issue date ({fmt_date(issued.date)})"
        return wrong

    def saver(self):
        # Read on the UI thread; the write runs in the form's worker.
        values = dict(
            case_id=self.case.case_id, step=self.query_one("#step", Select).value,
            steps=[s.key for s in self.cfg.ladder],
            issuing_agency=self.query_one("#agency", Select).value,
            issued_on=self.query_one("#issued", DateField).date,
            review_on=self.query_one("#review", DateField).date,
            person_id=self.person_id(), notes=self.query_one("#notes", Input).value.strip(),
        )
        return lambda session: interventions.issue_intervention(session, **values).id

    def saved_message(self, result: int) -> str:
        return f"Recorded: {step_name(self.cfg, self.query_one('#step', Select).value)}"


class BreachForm(_OnCase[tuple[int, date]]):
    """A breach of a running intervention; the screen then proposes the next step.

    With ``choices`` (several running) it asks which was breached, starting on ``row``;
    the context line names the one chosen, and the result names it: (id, date)."""

    form_title = "Record a breach"

    def __init__(self, case: EscalationCase, row: InterventionRow, cfg: Config, today: date,
                 choices: Sequence[InterventionRow] | None = None) -> None:
        super().__init__()
        self.case = case
        self.row = row
        self.cfg = cfg
        self.today = today
        self.choices = list(choices) if choices else None
        self.draft_key = f"breach:{case.case_id}" if self.choices else f"breach:{row.id}"

    def about(self) -> str:
        return f" · {step_name(self.cfg, self.row.step)}, issued {fmt_date(self.row.issued_on)}"

    def fields(self) -> ComposeResult:
        yield self.context()
        if self.choices:
            yield field("Breach of", Select(
                [(f"{step_name(self.cfg, r.step)}, issued {fmt_date(r.issued_on)}"
                  f"{' (' + r.outcome + ')' if r.outcome != 'active' else ''}", r.id)
                 for r in reversed(self.choices)],
                value=self.row.id, allow_blank=False, id="target"),
                "Several are running: which was breached")
        yield field("Breached on", DateField(self.today, today=self.today, id="breached"))
        yield field("What happened", Input(id="notes", placeholder="Optional: e.g. seen on CCTV"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#breached").focus()

    def value_changed(self, widget: Widget) -> None:
        # The context line names the intervention chosen.
        if widget.id == "target" and self.choices:
            self.row = next((r for r in self.choices if r.id == widget.value), self.row)
            self.query_one("#form-context", Static).update(self._context_text())

    def problems(self) -> dict[str, str]:
        breached = self.query_one("#breached", DateField)
        if breached.date is None:
            return {"breached": breached.validation_message}
        if breached.date > self.today:
            return {"breached": "The breach date is in the future"}
        if breached.date < self.row.issued_on:
            return {"breached": f"Before the intervention was issued ({fmt_date(self.row.issued_on)})"}
        return {}

    def saver(self):
        on, row_id = self.query_one("#breached", DateField).date, self.row.id
        notes = self.query_one("#notes", Input).value.strip()

        def write(session) -> tuple[int, date]:
            interventions.record_breach(session, row_id, on, notes)
            return row_id, on

        return write

    def saved_message(self, result: tuple[int, date]) -> str:
        return f"Breach of {step_name(self.cfg, self.row.step)} recorded on {fmt_date(result[1])}"


class OutcomeForm(_OnCase[str]):
    """How an intervention ended (or that it is still active); version-checked."""

    form_title = "Record an outcome"
    CLASH_RECORD = "row"

    def __init__(self, case: EscalationCase, row: InterventionRow, cfg: Config) -> None:
        super().__init__()
        self.case = case
        self.row = row
        self.cfg = cfg
        self.draft_key = f"outcome:{row.id}"

    def about(self) -> str:
        return (f" · {step_name(self.cfg, self.row.step)}, issued {fmt_date(self.row.issued_on)}, "
                f"now {self.row.outcome}")

    def fields(self) -> ComposeResult:
        yield self.context()
        default = "complied" if self.row.outcome != "complied" else "expired"
        yield field("Outcome", Select([(words, key) for key, words in OUTCOME_CHOICES], value=default,
                                      allow_blank=False, id="outcome"))
        if self.row.breaches:
            yield Static(Text("Its breaches stay on record whatever the outcome."), classes="hint")


    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#outcome").focus()

    def saver(self):
        outcome, row_id = self.query_one("#outcome", Select).value, self.row.id
        version = self.against(self.row.version)  # after a clash: the version the user saw

        def write(session) -> str:
            interventions.set_outcome(session, row_id, version, outcome)
            return outcome

        return write

    def saved_message(self, result: str) -> str:
        return f"Outcome recorded: {result}"
