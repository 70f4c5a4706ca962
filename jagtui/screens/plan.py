"""The partnership action plan: priorities, objectives and actions, each with its
quarterly progress updates and status, as the JAG reports them to the CSP; and the
plan editor (keys only): add, edit, reorder and retire priorities, objectives and
actions. Every change is version-checked and audited in the store (store/plan.py)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static, Tree

from jagtui.display import literal, visible
from jagtui.rules.dates import financial_quarter, fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import ConfirmScreen
from jagtui.screens.forms.plan_update import update_for
from jagtui.screens.writes import OrderedWrites
from jagtui.store import plan
from jagtui.store.measures import MEASURES, measures_of
from jagtui.store.models import PlanAction, PlanObjective, PlanPriority
from jagtui.store.plan import Measures, PlanLine, PriorityNode, measure_name, plan_tree

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


def action_detail(line: PlanLine, quarter: str, measures: Measures = MEASURES) -> Text:
    action = line.action
    out = Text.assemble((f"{line.priority.key} ", "bold"), literal(line.priority.title, "bold"))
    out.append(f"\nObjective {line.objective.number}: ")
    out.append_text(literal(line.objective.title))
    out.append(f"\n\nAction {line.objective.number}.{action.number}: ", style="bold")
    out.append_text(literal(action.text))
    if action.retired_at is not None:
        out.append(f"\nRetired on {fmt_date(action.retired_at.date())}: kept as history, "
                   "left out of progress", style="yellow")
    for label, value in (("Lead", action.lead), ("Time scales", action.time_scales),
                         ("Ends", fmt_date(action.ends_on)),
                         ("Resources", action.resources), ("Outcome/measure", action.measures),
                         ("Baseline", action.baseline), ("Target", action.target),
                         ("Tracked by", measure_name(action.measure_key, measures))):
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


def retired_mark(row) -> str:
    return " (retired)" if row.retired_at is not None else ""


def item_detail(kind: str, row, nodes: int) -> Text:
    """A priority or objective in the right pane: what it holds and the keys for it."""
    if kind == "priority":
        out = Text.assemble(("Priority ", "bold"), (f"{row.key} ", "bold"), literal(row.title, "bold"))
        if row.period:
            out.append(f"\nPeriod: {row.period}", style="dim")
        out.append(f"\n{nodes} objective(s). o adds an objective, e edits, [ ] move, x retires.")
    else:
        out = Text.assemble((f"Objective {row.number}: ", "bold"), literal(row.title, "bold"))
        if row.strategy:
            out.append("\nStrategy: ", style="dim")
            out.append_text(literal(row.strategy))
        out.append(f"\n{nodes} action(s). a adds an action, e edits, [ ] move, x retires.")
    if row.retired_at is not None:
        out.append(f"\nRetired on {fmt_date(row.retired_at.date())}: kept as history, left out "
                   "of the plan and its progress (x brings it back)", style="yellow")
    return out


MODELS = {"priority": PlanPriority, "objective": PlanObjective, "action": PlanAction}


class PlanScreen(Screen):
    TITLE = "Partnership action plan"
    CSS_PATH = "plan.tcss"
    # In the order the footer offers them: what the highlighted item takes first, the
    # plan-wide keys last (the footer leaves out what does not fit; ? lists them all).
    BINDINGS = [
        Binding("u", "update", "Progress", id="plan-update",
                tooltip="This quarter's progress and status for the highlighted action (Enter too)"),
        Binding("e", "edit", "Edit", id="plan-edit",
                tooltip="Edit the highlighted priority, objective or action"),
        Binding("a", "add_action", "Add action", id="plan-add-action",
                tooltip="A new action under the highlighted objective (lead, time scales, "
                        "resources, outcome/measure, baseline, target, measure)"),
        Binding("o", "add_objective", "Add objective", id="plan-add-objective",
                tooltip="A new objective under the highlighted priority"),
        Binding("left_square_bracket", "move(-1)", "Up", key_display="[", id="plan-move-up",
                tooltip="Move the highlighted item up among its siblings"),
        Binding("right_square_bracket", "move(1)", "Down", key_display="]", id="plan-move-down",
                tooltip="Move the highlighted item down among its siblings"),
        Binding("x", "retire", "Retire", id="plan-retire",
                tooltip="Retire the highlighted item (kept as history, left out of progress); "
                        "on a retired item, bring it back"),
        Binding("p", "add_priority", "Add priority", id="plan-add-priority",
                tooltip="A new priority at the end of the plan"),
        Binding("r", "show_retired", "Retired", id="plan-show-retired",
                tooltip="Show or hide retired priorities, objectives and actions"),
        Binding("f5", "reload", "Refresh", id="plan-refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, PlanLine] = {}
        self.tree_items: dict[object, tuple[str, object]] = {}  # tree node id -> (kind, row)
        self.counts: dict[tuple[str, int], int] = {}  # (kind, id) -> objectives/actions under it
        self.quarter = ""
        self.show_retired = False
        self.writes = OrderedWrites(self)
        self.keep: tuple[str, int] | None = None  # the item to put the cursor on after a reload

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
            nodes = plan_tree(session, retired=self.show_retired)
        app.call_from_thread(self.show, nodes)

    def show(self, nodes: list[PriorityNode]) -> None:
        self.quarter = financial_quarter(self.app.today())
        tree = self.query_one("#plan", Tree)
        keep = self.keep or self.highlighted_item()
        self.keep = None
        tree.clear()
        self.lines, self.tree_items, self.counts = {}, {}, {}
        cursor_node = None

        def remember(node, kind: str, row) -> None:
            nonlocal cursor_node
            self.tree_items[node.id] = (kind, row)
            if keep == (kind, row.id):
                cursor_node = node

        current = []
        for p in nodes:
            label = Text.assemble((f"{p.priority.key} ", "bold"), literal(p.priority.title))
            label.append(retired_mark(p.priority), style="dim italic")
            priority = tree.root.add(label, expand=True)
            remember(priority, "priority", p.priority)
            self.counts[("priority", p.priority.id)] = len(p.objectives)
            for o in p.objectives:
                label = Text(f"Objective {o.objective.number}: ", style="bold")
                label.append_text(literal(o.objective.title))
                label.append(retired_mark(o.objective), style="dim italic")
                objective = priority.add(label, expand=True)
                remember(objective, "objective", o.objective)
                self.counts[("objective", o.objective.id)] = len(o.actions)
                for line in o.actions:
                    label = action_label(line, self.quarter)
                    label.append(retired_mark(line.action), style="dim italic")
                    node = objective.add_leaf(label, data=line.action.id)
                    remember(node, "action", line.action)
                    self.lines[line.action.id] = line
                    if not any(r.retired_at for r in (p.priority, o.objective, line.action)):
                        current.append(line)
        updated = sum(1 for line in current if update_for(line, self.quarter) is not None)
        if current:
            status = f"{self.quarter}: {updated} of {len(current)} actions updated this quarter"
        elif nodes:
            status = "The plan has no current actions yet: a adds one under an objective."
        else:
            status = ("No partnership action plan is recorded yet: p adds a priority "
                      "(or jagtui import plan FILE loads one).")
        if self.show_retired:
            status += " Retired items shown (r hides them)."
        self.query_one("#plan-status", Static).update(Text(status))
        # The rebuilt tree can place its cursor once it has laid out the new nodes.
        self.call_after_refresh(self.restore_cursor, cursor_node)

    def restore_cursor(self, node) -> None:
        tree = self.query_one("#plan", Tree)
        if node is None and tree.cursor_node is None and tree.root.children:
            node = tree.root.children[0]  # a plan to work on: the cursor starts on it
        if node is not None:
            tree.move_cursor(node)
        self.show_detail()

    # -- what the cursor is on ---------------------------------------------------------------

    def highlighted(self) -> tuple[str, object] | None:
        node = self.query_one("#plan", Tree).cursor_node
        return self.tree_items.get(node.id) if node is not None else None

    def highlighted_item(self) -> tuple[str, int] | None:
        found = self.highlighted()
        return (found[0], found[1].id) if found else None

    def highlighted_line(self) -> PlanLine | None:
        node = self.query_one("#plan", Tree).cursor_node
        return self.lines.get(node.data) if node is not None and node.data is not None else None

    def parent_of(self, kind: str):
        """The priority (kind "priority") or objective the highlighted item sits in."""
        found = self.highlighted()
        if found is None:
            return None
        here, row = found
        if here == kind:
            return row
        line = self.lines.get(row.id) if here == "action" else None
        if kind == "objective":
            return line.objective if line else None
        if here == "objective":
            return next((r for k, r in self.tree_items.values() if k == "priority"
                         and r.id == row.priority_id), None)
        return line.priority if line else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers what the highlighted item can take (80 columns hold no more):
        # u on an action, a on an objective or action, o on a priority or objective.
        if action not in {"update", "edit", "move", "retire", "add_objective", "add_action"}:
            return True
        try:
            found = self.highlighted()
        except Exception:  # not composed yet
            return False
        kind = found[0] if found else None
        if action == "update":
            return kind == "action"
        if action == "add_action":
            return kind in ("objective", "action")
        if action == "add_objective":
            return kind in ("priority", "objective")
        return kind is not None

    def show_detail(self) -> None:
        self.refresh_bindings()
        found = self.highlighted()
        detail = self.query_one("#plan-detail", Static)
        if found is None:
            detail.update(Text("p adds a priority; highlight an action to see its progress.",
                               style="dim"))
        elif found[0] == "action":
            detail.update(action_detail(self.lines[found[1].id], self.quarter,
                                        measures_of(self.app.cfg)))
        else:
            detail.update(item_detail(found[0], found[1],
                                      self.counts.get((found[0], found[1].id), 0)))

    @on(Tree.NodeHighlighted, "#plan")
    def node_highlighted(self, _event) -> None:
        self.show_detail()

    @on(Tree.NodeSelected, "#plan")
    def node_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is not None:
            self.action_update()

    # -- progress ----------------------------------------------------------------------------

    def action_update(self) -> None:
        from jagtui.screens.forms.plan_update import PlanUpdateForm

        line = self.highlighted_line()
        if line is None:
            self.app.notify("Highlight an action (not a priority or objective) first",
                            severity="warning")
            return
        if line.action.retired_at is not None:
            self.app.notify("This action is retired: x brings it back before progress is added",
                            severity="warning")
            return
        if self.app.allowed("edit"):
            self.app.push_screen(PlanUpdateForm(line, self.quarter),
                                 lambda saved: saved is not None and self.load())

    # -- the editor --------------------------------------------------------------------------

    def _open(self, form, kind: str) -> None:
        def saved(record_id) -> None:
            if record_id is not None:
                self.keep = (kind, record_id)
                self.load()

        if self.app.allowed("edit"):
            self.app.push_screen(form, saved)

    def action_add_priority(self) -> None:
        from jagtui.screens.forms.plan_items import PriorityForm

        self._open(PriorityForm(), "priority")

    def action_add_objective(self) -> None:
        from jagtui.screens.forms.plan_items import ObjectiveForm

        priority = self.parent_of("priority")
        if priority is None:
            self.app.notify("Highlight a priority first (p adds one)", severity="warning")
            return
        self._open(ObjectiveForm(priority), "objective")

    def action_add_action(self) -> None:
        from jagtui.screens.forms.plan_items import PlanActionForm

        objective = self.parent_of("objective")
        if objective is None:
            self.app.notify("Highlight an objective first (o adds one under a priority)",
                            severity="warning")
            return
        self._open(PlanActionForm(objective, self.app.today()), "action")

    def action_edit(self) -> None:
        from jagtui.screens.forms.plan_items import ObjectiveForm, PlanActionForm, PriorityForm

        found = self.highlighted()
        if found is None:
            self.app.notify("Highlight a priority, objective or action first", severity="warning")
            return
        kind, row = found
        if kind == "priority":
            form = PriorityForm(row)
        elif kind == "objective":
            form = ObjectiveForm(self.parent_of("priority"), row)
        else:
            form = PlanActionForm(self.lines[row.id].objective, self.app.today(), row)
        self._open(form, kind)

    def _write(self, job, kind: str, row_id: int, said) -> None:
        def done(result) -> None:
            self.app.notify(said(result), timeout=3, markup=False)
            self.keep = (kind, row_id)
            self.load()

        def failed() -> None:
            self.keep = (kind, row_id)
            self.load()  # the plan as it is now: what the refusal was about

        if self.app.allowed("edit"):
            self.writes.submit(job, done, failed)

    def action_move(self, step: int) -> None:
        found = self.highlighted()
        if found is None:
            return
        kind, row = found
        model, record_id, version = MODELS[kind], row.id, row.version
        self._write(lambda session: plan.move(session, model, record_id, step, version),
                    kind, record_id,
                    lambda other: f"{kind.capitalize()} moved {'up' if step < 0 else 'down'}"
                    if other is not None else f"Already {'first' if step < 0 else 'last'}")

    def action_retire(self) -> None:
        found = self.highlighted()
        if found is None:
            return
        kind, row = found
        model, record_id, version = MODELS[kind], row.id, row.version
        retiring = row.retired_at is None
        name = (f"{row.key} {row.title}" if kind == "priority" else
                row.title if kind == "objective" else row.text)
        shown = visible(name if len(name) <= 60 else name[:57] + "…", one_line=True)
        question = (f"Retire this {kind}: {shown}? It stays in the history but leaves the plan "
                    "and its progress reports." if retiring else
                    f"Bring back this {kind}: {shown}?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(lambda session: plan.retire(session, model, record_id, version,
                                                        retiring),
                            kind, record_id,
                            lambda _r: f"{kind.capitalize()} {'retired' if retiring else 'brought back'}")

        if self.app.allowed("edit"):
            self.app.push_screen(ConfirmScreen(question), answered)

    def action_show_retired(self) -> None:
        self.show_retired = not self.show_retired
        self.load()

    def action_reload(self) -> None:
        self.load()

    def on_data_changed(self, _message) -> None:
        self.load()
