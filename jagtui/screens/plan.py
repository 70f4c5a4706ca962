"""The partnership action plan: priorities, objectives and actions, each with its
quarterly progress updates and status, as the JAG reports them to the CSP."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static, Tree

from jagtui.display import literal
from jagtui.rules.dates import financial_quarter, fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.plan_update import update_for
from jagtui.store.plan import PlanLine, plan_lines

STATUS_STYLES = {"not started": "dim", "on track": "green", "at risk": "yellow",
                 "off track": "bold red", "complete": "bold green"}


def action_label(line: PlanLine, quarter: str) -> Text:
    """``1.2 [on track] Review ...``: the status first, so a narrow tree still shows it."""
    current = update_for(line, quarter)
    text = Text(f"{line.objective.number}.{line.action.number} ", style="bold")
    if current is not None:
        text.append(f"[{current.status}] ", style=STATUS_STYLES.get(current.status, ""))
    else:
        text.append(f"[no {quarter[-2:]} update] ", style="dim italic")
    text.append_text(literal(line.action.text))
    return text


def action_detail(line: PlanLine, quarter: str) -> Text:
    action = line.action
    out = Text.assemble((f"{line.priority.key} ", "bold"), literal(line.priority.title, "bold"))
    out.append(f"\nObjective {line.objective.number}: ")
    out.append_text(literal(line.objective.title))
    out.append(f"\n\nAction {line.objective.number}.{action.number}: ", style="bold")
    out.append_text(literal(action.text))
    for label, value in (("Lead", action.lead), ("Ends", fmt_date(action.ends_on)),
                         ("Resources", action.resources), ("Measures", action.measures)):
        if value:
            out.append(f"\n{label}: ", style="dim")
            out.append_text(literal(value))
    out.append("\n\nProgress", style="bold")
    if update_for(line, quarter) is None:
        out.append(f"\n  {quarter}: no update yet (u to add one)", style="yellow")
    for update in reversed(line.updates):
        out.append(f"\n  {update.quarter} ", style="bold")
        out.append(f"[{update.status}]", style=STATUS_STYLES.get(update.status, ""))
        out.append(f"  {fmt_date(update.updated_at.date())} ", style="dim")
        out.append_text(literal(update.updated_by, "dim"))
        out.append("\n    ")
        out.append_text(literal(update.text))
    return out


class PlanScreen(Screen):
    TITLE = "Partnership action plan"
    CSS_PATH = "plan.tcss"
    BINDINGS = [
        Binding("u", "update", "Progress update", id="plan-update",
                tooltip="This quarter's progress and status for the highlighted action (Enter too)"),
        Binding("f5", "reload", "Refresh", id="plan-refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, PlanLine] = {}
        self.quarter = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-status", markup=False)
        with Horizontal(id="plan-body"):
            yield Tree("Plan", id="plan")
            with VerticalScroll(id="plan-detail-scroll"):
                yield Static("", id="plan-detail", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        tree = self.query_one("#plan", Tree)
        tree.show_root = False
        tree.focus()
        self.load()

    @work(thread=True, exclusive=True, group="plan")
    def load(self) -> None:
        app = self.app
        with app.store.read() as session:
            lines = plan_lines(session)
        app.call_from_thread(self.show, lines)

    def show(self, lines: list[PlanLine]) -> None:
        self.quarter = financial_quarter(self.app.today())
        self.lines = {line.action.id: line for line in lines}
        tree = self.query_one("#plan", Tree)
        highlighted = self.highlighted_line()
        tree.clear()
        cursor_node = None
        priorities, objectives = {}, {}
        for line in lines:
            priority = priorities.get(line.priority.id)
            if priority is None:
                label = Text.assemble((f"{line.priority.key} ", "bold"), literal(line.priority.title))
                priority = priorities[line.priority.id] = tree.root.add(label, expand=True)
            objective = objectives.get(line.objective.id)
            if objective is None:
                label = Text(f"Objective {line.objective.number}: ", style="bold")
                label.append_text(literal(line.objective.title))
                objective = objectives[line.objective.id] = priority.add(label, expand=True)
            node = objective.add_leaf(action_label(line, self.quarter), data=line.action.id)
            if highlighted is not None and line.action.id == highlighted.action.id:
                cursor_node = node
        updated = sum(1 for line in lines if update_for(line, self.quarter) is not None)
        self.query_one("#plan-status", Static).update(Text(
            f"{self.quarter}: {updated} of {len(lines)} actions updated this quarter"
            if lines else "No partnership action plan is recorded yet."))
        # The rebuilt tree can place its cursor once it has laid out the new nodes.
        self.call_after_refresh(self.restore_cursor, cursor_node)

    def restore_cursor(self, node) -> None:
        if node is not None:
            self.query_one("#plan", Tree).move_cursor(node)
        self.show_detail()

    def highlighted_line(self) -> PlanLine | None:
        node = self.query_one("#plan", Tree).cursor_node
        return self.lines.get(node.data) if node is not None and node.data is not None else None

    def show_detail(self) -> None:
        line = self.highlighted_line()
        self.query_one("#plan-detail", Static).update(
            action_detail(line, self.quarter) if line else
            Text("Highlight an action to see its progress; u enters this quarter's update.",
                 style="dim"))

    @on(Tree.NodeHighlighted, "#plan")
    def node_highlighted(self, _event) -> None:
        self.show_detail()

    @on(Tree.NodeSelected, "#plan")
    def node_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is not None:
            self.action_update()

    def action_update(self) -> None:
        from jagtui.screens.forms.plan_update import PlanUpdateForm

        line = self.highlighted_line()
        if line is None:
            self.app.notify("Highlight an action (not a priority or objective) first",
                            severity="warning")
            return
        if self.app.allowed("edit"):
            self.app.push_screen(PlanUpdateForm(line, self.quarter),
                                 lambda saved: saved is not None and self.load())

    def action_reload(self) -> None:
        self.load()

    def on_data_changed(self, _message) -> None:
        self.load()
