"""A quarterly progress update on one action of the partnership action plan."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from jagtui.display import literal
from jagtui.screens.forms.base import FormScreen, field
from jagtui.store import plan
from jagtui.store.models import PLAN_STATUSES
from jagtui.store.plan import PlanLine


def update_for(line: PlanLine, quarter: str):
    return next((u for u in line.updates if u.quarter == quarter), None)


class PlanUpdateForm(FormScreen[str]):
    """This quarter's progress and status: one per quarter, replaced if entered again."""

    form_title = "Progress update"
    CLASH_FIELDS = {"text": "progress"}
    CLASH_RECORD = "current"  # this quarter's update as read (None: there was none)

    def __init__(self, line: PlanLine, quarter: str) -> None:
        super().__init__()
        self.line = line
        self.quarter = quarter
        self.draft_key = f"plan:{line.action.id}:{quarter}"
        self.current = update_for(line, quarter)

    def fields(self) -> ComposeResult:
        line = self.line
        context = Text.assemble((f"{line.priority.key} · {line.objective.number}.{line.action.number} ", "bold"))
        context.append_text(literal(line.action.text))
        if line.action.measures:
            context.append("\nMeasure: ", style="dim")
            context.append_text(literal(line.action.measures, "dim"))
        yield Static(context, classes="form-context")
        current = update_for(line, self.quarter)
        latest = line.updates[-1] if line.updates else None
        status = (current or latest).status if (current or latest) else "not started"
        yield field("Quarter", Static(self.quarter, id="quarter"))
        yield field("Status", Select([(s.capitalize(), s) for s in PLAN_STATUSES], value=status,
                                    allow_blank=False, id="status"))
        yield field("Progress", Input(current.text if current else "", id="progress",
                                      placeholder="What was done this quarter"),
                    "Replaces this quarter's update if there is one")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#progress", Input).focus()

    def problems(self) -> dict[str, str]:
        if not self.query_one("#progress", Input).value.strip():
            return {"progress": "Say what progress was made this quarter"}
        return {}

    def saver(self):
        status = self.query_one("#status", Select).value
        text = self.query_one("#progress", Input).value.strip()
        action_id, quarter = self.line.action.id, self.quarter
        # The quarter's update as the user saw it (0: none yet), or the one a clash showed.
        version = self.against(self.current.version if self.current else 0)

        def write(session) -> str:
            plan.set_update(session, action_id, quarter, status, text, expected_version=version)
            return status

        return write

    def saved_message(self, result: str) -> str:
        return f"{self.quarter} update saved: {result}"
