"""The command palette: a screen's own keys, and the chair's tasks by name from anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.app import SystemCommand
from textual.screen import Screen

from jagtui.screens.nav import NAV


def binding_commands(screen: Screen) -> Iterator[SystemCommand]:
    """One palette command per binding the screen shows and currently allows."""
    seen: set[str] = set()
    for binding in screen.BINDINGS:
        if not binding.description or binding.action in seen:
            continue
        name, _, params = binding.action.partition("(")
        allowed = screen.check_action(name, ())
        if allowed is False or allowed is None:
            continue
        seen.add(binding.action)
        key = binding.key_display or screen.app.get_key_display(binding)
        yield SystemCommand(f"{binding.description} ({key})", binding.tooltip or binding.description,
                            partial(screen.run_action, binding.action))


@dataclass(frozen=True)
class Task:
    """A job the chair names ("start meeting"), found from any screen: the screen
    it is done on (a ``NAV`` mode) and that screen's action."""

    title: str
    help: str
    mode: str
    action: str
    guide: str = ""  # said when the screen underneath cannot do it straight away


TASKS = (
    Task("Start meeting", "Attendance, the statement, then the agenda", "meeting", "start"),
    Task("Resume the meeting in progress", "Back to the item where it was left", "meeting", "resume"),
    Task("Export minutes", "Minutes, redacted minutes, action log and plan progress of a meeting",
         "meeting", "export('minutes')",
         "Highlight the meeting and press Enter: its summary exports minutes (m), redacted "
         "minutes (r), the action log (l) and plan progress (p)"),
    Task("Export the action log", "The action log reviewed and raised at a meeting", "meeting",
         "export('actions')", "Highlight the meeting and press Enter, then l"),
    Task("New case", "Open a new case", "cases", "new_case"),
    Task("New action", "Add an action with its owner and complete-by date", "actions", "add"),
    Task("Make a referral", "Refer a person on a case to a service (MARAC, Prevent, youth, CCE, "
         "drugs, safeguarding, mental health, housing)", "cases", "refer",
         "Open the case (Enter), highlight the person on People & places, then R; o lists "
         "the case's referrals and Enter updates one"),
    Task("New ASB case review application", "Community Trigger: record an application just "
         "received (the register, 0)", "reviews", "new"),
    Task("Import an extract", "Police, council and Sentinel incident extracts", "import", "focus_path"),
    Task("Write my agency's update", "Your agency's report (or subgroup summary) for a meeting, "
         "in the reporting template's sections", "mywork", "report"),
    Task("Add a plan priority", "Enter the partnership action plan: a priority, then o for an "
         "objective and a for an action", "plan", "add_priority"),
)


def task_commands(app, run_task) -> Iterator[SystemCommand]:
    """The tasks this user may do, each run by ``run_task(task)``."""
    allowed = {entry.name for entry in NAV if app.can(entry.permission)}
    for task in TASKS:
        if task.mode in allowed:
            yield SystemCommand(task.title, task.help, partial(run_task, task))
