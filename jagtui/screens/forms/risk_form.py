"""The victim risk questionnaire: one key answers each question, the level updates live.

It assesses the case's victim, named in its title; on a case with no victim to assess
(a perpetrator case with none linked) it does not open, and says why.

A review (``start_from_latest``) opens on the last assessment's answers: unchanged,
ctrl+s confirms them; each changed answer is its one key (y / n / a digit) on
its question. Where an answer differs from the last assessment, its old value
is shown beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from jagtui.display import RISK_STYLES, literal
from jagtui.rules import risk as rules
from jagtui.rules.dates import fmt_date
from jagtui.screens.forms.base import FORMS_CSS, FieldMessage, FormScreen, field
from jagtui.screens.privacy import party_name
from jagtui.screens.widgets import DateField
from jagtui.store.casefile import CaseFile, Party
from jagtui.store.risk import record_assessment

RISK_CSS = Path(__file__).parent.parent / "risk_form.tcss"


def answer_words(question, value: int | None) -> str:
    if value is None:
        return "·"
    if question.kind == "yn":
        return "yes" if value else "no"
    return f"{value}/{question.max}"


def victim_of(file: CaseFile) -> Party | None:
    """The person the questionnaire assesses: the case's victim (the primary one first)."""
    return next((p for p in file.parties if p.is_person and p.role == "victim"), None)


def refusal(file: CaseFile, victim: Party | None) -> str | None:
    """Why no risk assessment can be made on this case (the store refuses it too)."""
    roles: dict[int, set[str]] = {}
    for party in file.parties:
        if party.is_person:
            roles.setdefault(party.person_id, set()).add(party.role)
    return rules.whom_problem(file.case.case_type, roles, victim.person_id if victim else None)


class Questionnaire(OptionList):
    """The questions; y/n or a digit answers the highlighted one and moves on."""

    BINDINGS = [
        Binding("y", "answer('y')", "Yes", id="risk-yes", tooltip="Answer yes"),
        Binding("n", "answer('n')", "No", id="risk-no", tooltip="Answer no"),
        *(Binding(str(d), f"answer('{d}')", str(d), show=False, id=f"risk-{d}")
          for d in range(10)),
        Binding("backspace,delete", "clear", "Clear", id="risk-clear", tooltip="Clear the answer"),
        Binding("enter", "skip", "Next", show=False, id="risk-next"),
    ]

    class Changed(Message):
        def __init__(self, questionnaire: Questionnaire) -> None:
            super().__init__()
            self.questionnaire = questionnaire

        @property
        def control(self) -> Questionnaire:
            return self.questionnaire

    def __init__(self, questions: Sequence, previous: Mapping[str, int] | None, *, id: str,
                 start_from_previous: bool = False) -> None:
        super().__init__(id=id)
        self.questions = list(questions)
        self.previous = dict(previous or {})
        self.answers: dict[str, int | None] = {
            q.key: self.previous.get(q.key) if start_from_previous else None for q in self.questions}

    @property
    def value(self) -> str:
        """Answers as text (``ongoing=1;frequency=4``) for drafts and change checks."""
        return ";".join(f"{k}={v}" for k, v in self.answers.items() if v is not None)

    def restore_value(self, value: str) -> None:
        """A draft's answers back (see ``value``); keys no longer asked are ignored."""
        kept = dict(part.split("=", 1) for part in str(value).split(";") if "=" in part)
        for index, question in enumerate(self.questions):
            answer = kept.get(question.key)
            self.set_answer(index, int(answer) if answer and answer.isdigit() else None)

    def on_mount(self) -> None:
        self.add_options([Option(self.prompt(n)) for n in range(len(self.questions))])
        self.highlighted = 0

    def prompt(self, index: int) -> Table:
        """Answer, number, question (wrapping under itself), and the old answer where it differs."""
        question = self.questions[index]
        value = self.answers[question.key]
        row = Table.grid(padding=(0, 1))
        row.add_column(width=4, justify="right", no_wrap=True)
        row.add_column(width=3, justify="right", no_wrap=True)
        row.add_column()
        text = Text(question.text)
        scale = f"0-{question.max}"
        if question.kind == "scale" and scale not in question.text:
            text.append(f" ({scale})", style="dim")
        cells = [Text(answer_words(question, value), style="bold" if value is not None else "dim"),
                 Text(f"{index + 1}.", style="dim"), text]
        before = self.previous.get(question.key)
        if question.key in self.previous and before != value:
            row.add_column(width=8, no_wrap=True)
            cells.append(Text(f"was {answer_words(question, before)}", style="dim italic"))
        row.add_row(*cells)
        return row

    def action_answer(self, key: str) -> None:
        index = self.highlighted
        if index is None:
            return
        question = self.questions[index]
        value = rules.answer_from_key(question, key)
        if value is None:
            expected = "y or n" if question.kind == "yn" else f"a number from 0 to {question.max}"
            self.app.notify(f"Question {index + 1} is answered with {expected}", severity="warning",
                            timeout=3)
            return
        self.set_answer(index, value)
        if index + 1 < len(self.questions):
            self.highlighted = index + 1
        else:
            self.screen.focus_next()

    def action_clear(self) -> None:
        if self.highlighted is not None:
            self.set_answer(self.highlighted, None)

    def action_skip(self) -> None:
        if self.highlighted is not None and self.highlighted + 1 < len(self.questions):
            self.highlighted += 1
        else:
            self.screen.focus_next()

    def set_answer(self, index: int, value: int | None) -> None:
        self.answers[self.questions[index].key] = value
        self.replace_option_prompt_at_index(index, self.prompt(index))
        self.post_message(self.Changed(self))


class RiskForm(FormScreen[bool]):
    CSS_PATH = [FORMS_CSS, RISK_CSS]
    # Tall terminals: the form is as tall as its questions (no blank band under them).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]

    def __init__(self, file: CaseFile, start_from_latest: bool = False) -> None:
        super().__init__()
        self.file = file
        self.victim = victim_of(file)
        self.refused = refusal(file, self.victim)
        self.start_from_latest = start_from_latest and file.latest_risk is not None
        self.form_title = f"Risk assessment · {file.case.reference}"  # assessor added on mount
        self.draft_key = f"risk:new:case:{file.case.id}"
        self._auto_review = ""

    # The questions take the room; the rest sits compactly under the live score.
    def body(self) -> ComposeResult:
        cfg = self.app.cfg
        latest = self.file.latest_risk
        yield Questionnaire(cfg.risk.questions, latest.answers if latest else None, id="answers",
                            start_from_previous=self.start_from_latest)
        yield FieldMessage(self.answers_hint(), id="answers-msg")
        yield Static("", id="risk-score", markup=False)
        with Vertical(id="form-body"):
            yield from self.fields()

    def answers_hint(self) -> str:
        latest = self.file.latest_risk
        if not self.start_from_latest:
            return ""
        return (f"Answers of {fmt_date(latest.assessed_on)} ({latest.assessor}): change what "
                "changed; ctrl+s confirms")

    def fields(self) -> ComposeResult:
        today = self.app.today()
        yield field("Judgement level",
                    Select([(level, level) for level in rules.LEVELS], id="override_level",
                           prompt="(none: the score decides)"),
                    "Professional judgement may raise the level, with a reason")
        yield field("Reason", Input(id="override_reason", placeholder="Why the level is raised"))
        yield field("Review due", DateField(None, today=today, next_meeting=self.file.next_meeting,
                                            id="review_due"))

    def on_mount(self) -> None:
        if self.refused:  # never a victim's questionnaire scoring a perpetrator
            self.app.notify(self.refused, severity="error", timeout=8)
            self.dismiss(None)
            return
        super().on_mount()
        self.show_title()
        self.update_level()
        self._initial = self.values()
        self.query_one("#answers", Questionnaire).focus()

    def show_title(self) -> None:
        """Whose risk is assessed (masked in privacy mode), by whom and when."""
        whose = (literal(party_name(self.victim, self.app.private)) if self.victim
                 else Text("no victim named on the case"))
        self.query_one("#form-title", Static).update(Text.assemble(
            self.form_title, " · victim: ", whose, " · by ", literal(self.app.user_name),
            f", {fmt_date(self.app.today())}"))

    def refresh_privacy(self) -> None:
        super().refresh_privacy()
        if self.is_mounted and not self.refused:
            self.show_title()

    def inputs(self):
        # query, not query_one: the drafts timer may look while the form is being removed
        return [*super().inputs(), *self.query("#answers").results(Questionnaire)]

    def on_questionnaire_changed(self, event: Questionnaire.Changed) -> None:
        # Unanswered questions are counted on the score line as you go; the
        # field itself is only marked when a save is tried.
        self.update_level()
        self.show_problems()

    def value_changed(self, widget) -> None:
        if widget.id == "override_level":
            self.update_level()

    # -- the live result ----------------------------------------------------------

    def answers(self) -> dict[str, int | None]:
        return dict(self.query_one("#answers", Questionnaire).answers)

    def override(self) -> str | None:
        value = self.query_one("#override_level", Select).value
        return None if value is Select.NULL else str(value)

    def level(self) -> str:
        """The level the form would save: the override when it is a valid raise."""
        risk_cfg = self.app.cfg.risk
        computed = rules.level_for(rules.score(risk_cfg, self.answers()), risk_cfg)
        chosen = self.override()
        if chosen and rules.LEVELS.index(chosen) > rules.LEVELS.index(computed):
            return chosen
        return computed

    def update_level(self) -> None:
        risk_cfg = self.app.cfg.risk
        answers = self.answers()
        total = rules.score(risk_cfg, answers)
        computed = rules.level_for(total, risk_cfg)
        level = self.level()
        top = sum(q.weight * (1 if q.kind == "yn" else q.max) for q in risk_cfg.questions)
        missing = sum(1 for v in answers.values() if v is None)
        line = Text.assemble(
            ("Score ", "bold"), (f"{total:g}", "bold"), f" of {top:g} → ",
            (f" {computed.upper()} ", "reverse " + RISK_STYLES.get(computed, "")),
            (f"  (medium {risk_cfg.medium_from:g}+, high {risk_cfg.high_from:g}+)", "dim"),
        )
        if level != computed:
            line.append("  raised to ")
            line.append(f" {level.upper()} ", style="reverse " + RISK_STYLES.get(level, ""))
        if missing:
            line.append(f" · {missing} to answer", style="bold yellow")
        self.query_one("#risk-score", Static).update(line)
        # The review date follows the level until the user types their own.
        review = self.query_one("#review_due", DateField)
        due = rules.review_due(level, self.app.today(), risk_cfg, self.file.next_meeting)
        if review.value in ("", self._auto_review):
            self._auto_review = due.isoformat()
            review.value = self._auto_review

    def problems(self) -> dict[str, str]:
        wrong = {}
        missing = [n + 1 for n, v in enumerate(self.answers().values()) if v is None]
        if missing:
            shown = ", ".join(map(str, missing[:5])) + ("…" if len(missing) > 5 else "")
            wrong["answers"] = f"Answer every question ({len(missing)} left: {shown})"
        chosen = self.override()
        if chosen:
            risk_cfg = self.app.cfg.risk
            computed = rules.level_for(rules.score(risk_cfg, self.answers()), risk_cfg)
            if rules.LEVELS.index(chosen) < rules.LEVELS.index(computed):
                wrong["override_level"] = (f"Judgement can only raise the level: the answers give "
                                           f"{computed}")
            elif chosen != computed and not self.query_one("#override_reason", Input).value.strip():
                wrong["override_reason"] = f"Give a reason for raising the level to {chosen}"
        review = self.query_one("#review_due", DateField)
        if review.date is None:
            wrong["review_due"] = review.validation_message
        elif review.date < self.app.today():
            wrong["review_due"] = "The review cannot be due before today"
        return wrong

    def saver(self):
        values = dict(
            case_id=self.file.case.id, assessed_on=self.app.today(), assessor=self.app.user_name,
            answers=self.answers(), review_due=self.query_one("#review_due", DateField).date,
            person_id=self.victim.person_id if self.victim else None,
            override_level=self.override(),
            override_reason=self.query_one("#override_reason", Input).value.strip(),
        )
        risk_cfg = self.app.cfg.risk

        def write(session) -> bool:
            record_assessment(session, risk_cfg, **values)
            return True

        return write

    def saved_message(self, result: bool) -> str:
        return f"Risk assessment saved: {self.level()}"
