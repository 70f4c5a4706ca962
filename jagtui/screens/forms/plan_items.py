"""The plan editor's forms: a priority, an objective, an action of the partnership plan.

Each form adds a new item (``record`` None) or edits one; an edit saves against the
version read, so a change someone else saved meanwhile is shown as a clash (both
values, who and when), never silently overwritten.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from jagtui.display import literal
from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.widgets import DateField
from jagtui.store import plan
from jagtui.store.measures import MEASURES, measures_of
from jagtui.store.models import PlanAction, PlanObjective, PlanPriority


def _context(*parts: tuple[str, str]) -> Static:
    """A line saying where the item sits in the plan (user text rendered literally)."""
    text = Text()
    for n, (label, value) in enumerate(parts):
        if n:
            text.append("\n")
        text.append(f"{label}: ", style="dim")
        text.append_text(literal(value))
    return Static(text, classes="form-context")


class _PlanItemForm(FormScreen[int]):
    """Shared by the three: text fields whose widget ids are the store's field names."""

    CLASH_RECORD = "record"
    TEXT_FIELDS: tuple[str, ...] = ()
    kind = "item"

    record: Any = None

    def text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def changes(self) -> dict[str, Any]:
        return {name: self.text(name) for name in self.TEXT_FIELDS}

    def add(self, session, values: dict[str, Any]):
        raise NotImplementedError

    def change(self, session, record_id: int, values: dict[str, Any], version: int | None):
        raise NotImplementedError

    def saver(self):
        values = self.changes()
        if self.record is None:
            return lambda session: self.add(session, values).id
        record_id, version = self.record.id, self.against(self.record.version)
        return lambda session: self.change(session, record_id, values, version).id

    def saved_message(self, result: int) -> str:
        return f"{self.kind.capitalize()} {'added' if self.record is None else 'saved'}"


class PriorityForm(_PlanItemForm):
    TEXT_FIELDS = ("key", "title", "period")
    kind = "priority"

    def __init__(self, record: PlanPriority | None = None) -> None:
        super().__init__()
        self.record = record
        self.form_title = "New priority" if record is None else "Edit priority"
        self.draft_key = f"plan-priority:{record.id if record else 'new'}"

    def fields(self) -> ComposeResult:
        r = self.record
        yield field("Key", Input(r.key if r else "", id="key", placeholder="P1"),
                    "Short and unique: P1, P2 … (orders nothing: [ and ] do)")
        yield field("Priority", Input(r.title if r else "", id="title",
                                      placeholder="Safeguarding communities from abuse"))
        yield field("Period", Input(r.period if r else "", id="period", placeholder="2023-26"))

    def problems(self) -> dict[str, str]:
        wrong = {}
        if not self.text("key"):
            wrong["key"] = "Give the priority a short key (P1)"
        if not self.text("title"):
            wrong["title"] = "Say what the priority is"
        return wrong

    def add(self, session, values):
        return plan.add_priority(session, values["key"], values["title"], values["period"])

    def change(self, session, record_id, values, version):
        return plan.edit_priority(session, record_id, values, version)


class ObjectiveForm(_PlanItemForm):
    TEXT_FIELDS = ("title", "strategy")
    kind = "objective"

    def __init__(self, priority: PlanPriority, record: PlanObjective | None = None) -> None:
        super().__init__()
        self.priority = priority
        self.record = record
        self.form_title = "New objective" if record is None else "Edit objective"
        self.draft_key = (f"plan-objective:{record.id}" if record
                          else f"plan-objective:new:{priority.id}")

    def fields(self) -> ComposeResult:
        r = self.record
        yield _context(("Priority", f"{self.priority.key} {self.priority.title}"))
        yield field("Objective", Input(r.title if r else "", id="title",
                                       placeholder="What the partnership means to achieve"))
        yield field("Strategy", Input(r.strategy if r else "", id="strategy",
                                      placeholder="How (optional)"))

    def problems(self) -> dict[str, str]:
        return {} if self.text("title") else {"title": "Say what the objective is"}

    def add(self, session, values):
        return plan.add_objective(session, self.priority.id, None, values["title"],
                                  values["strategy"])

    def change(self, session, record_id, values, version):
        return plan.edit_objective(session, record_id, values, version)


class PlanActionForm(_PlanItemForm):
    """Key action, lead, time scales, financial & resource implications, outcome/measure
    with its baseline and target, and the counted measure it is tracked by."""

    TEXT_FIELDS = ("text", "lead", "time_scales", "resources", "measures", "baseline", "target")
    kind = "action"

    def __init__(self, objective: PlanObjective, today: date,
                 record: PlanAction | None = None) -> None:
        super().__init__()
        self.objective = objective
        self.today = today
        self.record = record
        self.form_title = "New plan action" if record is None else "Edit plan action"
        self.known = MEASURES  # with the configured referral measures once composed
        self.draft_key = (f"plan-action:{record.id}" if record
                          else f"plan-action:new:{objective.id}")

    def fields(self) -> ComposeResult:
        r = self.record
        yield _context(("Objective", f"{self.objective.number}. {self.objective.title}"))
        yield field("Key action", Input(r.text if r else "", id="text",
                                        placeholder="What will be done"))
        yield field("Lead", Input(r.lead if r else "", id="lead",
                                  placeholder="Lead agency or responsible group"))
        yield field("Time scales", Input(r.time_scales if r else "", id="time_scales",
                                         placeholder="Ongoing, Quarterly, Rolling …"))
        yield field("Ends", DateField(r.ends_on if r else None, today=self.today, optional=True,
                                      id="ends_on", placeholder="2026-03-31 (optional)"))
        yield field("Resources", Input(r.resources if r else "", id="resources",
                                       placeholder="Financial & resource implications"))
        yield field("Outcome", Input(r.measures if r else "", id="measures",
                                     placeholder="Outcome/measure, in the plan's words"))
        yield field("Baseline", Input(r.baseline if r else "", id="baseline",
                                      placeholder="Where it starts (e.g. 2022/23: 41)"))
        yield field("Target", Input(r.target if r else "", id="target",
                                    placeholder="Where it should get to (e.g. 10% fewer)"))
        self.known = measures_of(self.app.cfg)
        held = r is not None and r.measure_key in dict(self.known)
        yield field("Tracked by", Select([(name, key) for key, name in self.known], id="measure_key",
                                         prompt="(no measure)",
                                         value=r.measure_key if held else Select.NULL),
                    "The counted measure plan progress reports this action against")

    def problems(self) -> dict[str, str]:
        wrong = {}
        if not self.text("text"):
            wrong["text"] = "Say what the action is"
        ends = self.query_one("#ends_on", DateField)
        if ends.value.strip() and ends.date is None:
            wrong["ends_on"] = ends.validation_message
        return wrong

    def changes(self) -> dict[str, Any]:
        values = super().changes()
        values["ends_on"] = self.query_one("#ends_on", DateField).date
        key = self.query_one("#measure_key", Select).value
        values["measure_key"] = "" if key is Select.NULL else str(key)
        return values

    def add(self, session, values):
        values = dict(values)
        return plan.add_plan_action(session, self.objective.id, None, values.pop("text"),
                                    known_measures=self.known, **values)

    def change(self, session, record_id, values, version):
        return plan.edit_plan_action(session, record_id, values, version, self.known)
