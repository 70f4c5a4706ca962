"""Forms for the action log: add an action, add an update or complete it, reassign it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from jagtui.config import Config
from jagtui.display import initials, literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.forms.base import FORMS_CSS, FormScreen, field
from jagtui.screens.privacy import redact
from jagtui.screens.widgets import DateField
from jagtui.screens.worker_calls import call_from_worker
from jagtui.store import actions, meetings
from jagtui.store.actions import ActionRow, NamedParty
from jagtui.store.errors import Conflict, StoreError

ACTIONS_CSS = Path(__file__).parent.parent / "actions.tcss"
MAX_CHOICES = 8


@dataclass(frozen=True)
class ActionContext:
    """What the add form needs from the database, read before it opens."""

    today: date
    default_ref: str
    next_meeting: date | None
    case_refs: dict[str, int]


def _agency(select: Select) -> str:
    return "" if select.value is Select.NULL else str(select.value)


class _OnAction:
    """A form about one action: a context line with its ref, text and latest update
    (or owner), the case's names masked in privacy mode."""

    row: ActionRow
    names: list[NamedParty]
    show_owner = False

    def context(self) -> Static:
        return Static(self._context_text(), id="form-context", classes="form-context")

    def _context_text(self) -> Text:
        action, private = self.row.action, self.app.private
        text = Text()
        text.append_text(literal(action.ref, "bold"))
        text.append(": ")
        text.append_text(literal(redact(action.text, self.names, private)))
        if self.show_owner:
            text.append("\nNow with ", style="dim")
            text.append_text(literal(initials(action.owner) if private else action.owner, "dim"))
            if action.owner_agency:
                text.append(f" ({self.cfg.agency_name(action.owner_agency)})", style="dim")
        elif self.row.latest_update is not None:
            update = self.row.latest_update
            text.append(f"\nLast update ({fmt_date(update.updated_on)}): ", style="dim")
            text.append_text(literal(redact(update.text, self.names, private), "dim"))
        return text

    def refresh_privacy(self) -> None:
        super().refresh_privacy()
        if self.is_mounted:
            self.query_one("#form-context", Static).update(self._context_text())


class OwnerPicker(FormScreen):
    """An owner box with a search-as-you-type list of people and agencies under it.

    Enter takes the one person the typed text matches (or the name typed exactly),
    with their agency, and moves on to the next thing to fill in; with several
    matches ↓ (or Tab) moves into the list and Enter takes the highlighted one;
    with none, Enter keeps what is typed (an owner need not be in the directory).
    """

    CSS_PATH = [FORMS_CSS, ACTIONS_CSS]
    cfg: Config
    AFTER_OWNER = "#agency"  # where focus goes once the owner (and agency) are taken

    def owner_fields(self, owner: str = "", agency: str = "") -> ComposeResult:
        self.choices: list[tuple[str, str]] = []
        self._found: tuple[str, list[tuple[str, str]], list[tuple[str, str]]] | None = None
        self._taken = ""  # a name just taken: its own suggestions stay hidden
        yield field("Owner", Input(owner, id="owner", placeholder="Type a name or an agency"),
                    "Enter takes the one match and its agency; ↓ chooses among several; "
                    "no match: Enter keeps what is typed")
        yield OptionList(id="owner-choices", markup=False)
        known = agency in {a.key for a in self.cfg.agencies}  # an agency since removed: none
        yield field("Agency", Select([(a.name, a.key) for a in self.cfg.agencies], id="agency",
                                     prompt="(none)", value=agency if known else Select.NULL))

    def value_changed(self, widget: Widget) -> None:
        if widget.id == "owner":
            self.suggest_owners(widget.value)

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is not None and self.focused.id == "owner":
            choices = self.query_one("#owner-choices", OptionList)
            if choices.option_count and choices.display:
                event.stop()
                choices.focus()
                return
        super().on_key(event)

    def _owners(self, text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(people, agencies) matching ``text``, as (name, agency key): run in a worker."""
        wanted = text.strip().casefold()
        keys = {name.casefold(): key for a in self.cfg.agencies for name, key in
                ((a.name, a.key), (a.key, a.key))}
        with self.app.store.read() as session:
            people = actions.owner_names(session, text, limit=MAX_CHOICES, agency_keys=keys)
        agencies = [(a.name, a.key) for a in self.cfg.agencies
                    if wanted and (wanted in a.name.casefold() or wanted in a.key.casefold())]
        return people, agencies

    @work(thread=True, exclusive=True, group="owner-suggest")
    def suggest_owners(self, text: str, then_take: bool = False) -> None:
        try:
            people, agencies = self._owners(text)
        except StoreError:
            people, agencies = [], []  # no suggestions; what is typed still saves
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_choices, people, agencies, text, then_take)

    def show_choices(self, people: list[tuple[str, str]], agencies: list[tuple[str, str]],
                     text: str, then_take: bool = False) -> None:
        box = self.query_one("#owner-choices", OptionList)
        if text != self.query_one("#owner", Input).value:
            return  # typed on since: a newer search is on its way
        self._found = (text, people, agencies)
        choices = (people + agencies)[:MAX_CHOICES]
        exact = [name for name, _ in choices if name.casefold() == text.strip().casefold()]
        taken = bool(self._taken) and text == self._taken
        self.choices = [] if taken or (exact and len(choices) == 1) else choices
        box.clear_options()
        for name, agency in self.choices:
            label = literal(name)
            if agency:
                label.append(f"  {self.cfg.agency_name(agency)}", style="dim")
            box.add_option(Option(label))
        box.display = bool(self.choices)
        if self.choices:
            box.highlighted = 0
        if then_take:
            self.take_or_keep()

    @on(Input.Submitted, "#owner")
    def owner_entered(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not FormScreen's "Enter moves on": this decides where
        found = self._found
        if found is not None and found[0] == event.value:
            self.take_or_keep()
        else:  # Enter before the suggestions for this text arrived: decide when they do
            self.suggest_owners(event.value, then_take=True)

    def take_or_keep(self) -> None:
        """The one match for what is typed, taken; else the text kept as it is."""
        text, people, agencies = self._found
        wanted = text.strip().casefold()
        exact = [choice for choice in people + agencies if choice[0].casefold() == wanted]
        if wanted and exact:
            self.take(*exact[0])
        elif wanted and len(people) == 1:
            self.take(*people[0])
        elif wanted and not people and len(agencies) == 1:
            self.take(*agencies[0])
        else:
            self.query_one("#owner-choices", OptionList).display = False
            self.query_one("#agency", Select).focus()  # a name of their own: say the agency

    @on(OptionList.OptionSelected, "#owner-choices")
    def owner_chosen(self, event: OptionList.OptionSelected) -> None:
        self.take(*self.choices[event.option_index])

    def take(self, name: str, agency: str) -> None:
        """This owner and their agency; on to what is left to fill in."""
        self._taken = name
        self.query_one("#owner", Input).value = name
        if agency in {a.key for a in self.cfg.agencies}:
            self.query_one("#agency", Select).value = agency
        self.query_one("#owner-choices", OptionList).display = False
        self.query_one(self.AFTER_OWNER).focus()

    def owner_problems(self) -> dict[str, str]:
        if not self.query_one("#owner", Input).value.strip():
            return {"owner": "Type who will do it (a name or an agency)"}
        return {}


class ActionForm(OwnerPicker):
    """A new action. In a meeting the ref is the meeting's code and item; outside
    one there is no item to default to: left empty, it says it was added outside
    a meeting, on which day."""

    form_title = "Add an action"
    draft_key = "action:new"
    AFTER_OWNER = "#due"

    def __init__(self, context: ActionContext, cfg: Config, case_ref: str = "") -> None:
        super().__init__()
        self.context = context
        self.cfg = cfg
        self.case_ref = case_ref

    def fields(self) -> ComposeResult:
        ctx = self.context
        if ctx.default_ref:
            # In a meeting the ref is the meeting's code and item, shown and never typed
            # over: the minutes and every export name the action by it.
            yield field("Ref", Static(ctx.default_ref, id="ref", markup=False),
                        "This meeting's code and item, as in the action log")
        else:
            outside = actions.outside_meeting_ref(ctx.today)
            yield field("Ref", Input(id="ref", placeholder=outside),
                        f"Empty: '{outside}'; or a meeting's code and item, e.g. 200521 Item 7")
        yield field("Action", Input(id="text", placeholder="What is to be done"))
        yield from self.owner_fields()
        due = ctx.next_meeting or ctx.today
        yield field("Complete by", DateField(due, today=ctx.today, next_meeting=ctx.next_meeting,
                                             id="due"),
                    "2026-12-01, +6w or next meeting")
        yield field("Case (optional)", Input(self.case_ref, id="case", placeholder="e.g. JAG-26-0007"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#owner-choices", OptionList).display = False
        self.query_one("#text", Input).focus()  # the ref is given, or may stay empty

    def case_id(self) -> int | None:
        typed = self.query_one("#case", Input).value.strip().casefold()
        return next((cid for ref, cid in self.context.case_refs.items() if ref.casefold() == typed), None)

    def problems(self) -> dict[str, str]:
        wrong = self.owner_problems()
        if not self.context.default_ref:
            problem = actions.ref_problem(self.query_one("#ref", Input).value)
            if problem:
                wrong["ref"] = problem
        if not self.query_one("#text", Input).value.strip():
            wrong["text"] = "Say what is to be done"
        due = self.query_one("#due", DateField)
        if due.date is None:
            wrong["due"] = due.validation_message
        elif due.date < self.context.today:
            wrong["due"] = f"{fmt_date(due.date)} is in the past"
        case = self.query_one("#case", Input).value.strip()
        if case and self.case_id() is None:
            wrong["case"] = f"No open case {case}: type an open case's reference, or leave it empty"
        return wrong

    def write(self, session) -> int:
        # Checked against the meetings recorded: a ref names a real meeting and item.
        ref, meeting_id, item_id = actions.checked_ref(
            session, self.query_one("#ref", Input).value, self.context.today)
        action = actions.add_action(
            session, ref=ref, text=self.query_one("#text", Input).value.strip(),
            owner=self.query_one("#owner", Input).value.strip(),
            owner_agency=_agency(self.query_one("#agency", Select)),
            due_on=self.query_one("#due", DateField).date, case_id=self.case_id(),
            meeting_id=meeting_id, item_id=item_id,
        )
        return action.id

    def saved_message(self, result: int) -> str:
        return "Action added"


class ActionUpdateForm(_OnAction, FormScreen[str]):
    """An update on an open action: it stays open (carried forward), or with
    ``complete`` the update closes it."""

    CLASH_RECORD = "row.action"

    CSS_PATH = [FORMS_CSS, ACTIONS_CSS]

    def __init__(self, row: ActionRow, cfg: Config, today: date, complete: bool = False,
                 names: list[NamedParty] = ()) -> None:
        super().__init__()
        self.row = row
        self.cfg = cfg
        self.names = list(names)
        self.today = today
        self.complete = complete
        self.status = "complete" if complete else "open"  # what the update leaves it as
        self.form_title = "Complete the action" if complete else "Add an update"
        self.draft_key = f"action-{'complete' if complete else 'update'}:{row.action.id}"

    def fields(self) -> ComposeResult:
        yield self.context()
        label = "Closing update" if self.complete else "Update"
        hint = "How it was done; the action closes" if self.complete else "It stays open and carries forward"
        yield field(label, Input(id="update", placeholder="What has happened"), hint)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#update").focus()

    def problems(self) -> dict[str, str]:
        if not self.query_one("#update", Input).value.strip():
            return {"update": "Type the update" if not self.complete else "Say how it was completed"}
        return {}

    def saver(self):
        text, status = self.query_one("#update", Input).value.strip(), self.status
        action_id, today = self.row.action.id, self.today
        # An action someone else completed (or reopened) since it was read is a clash.
        version = self.against(self.row.action.version)
        reopen = bool(self._overwrite)  # kept over a completion, in the clash panel

        def write(session) -> str:
            actions.add_update(session, action_id, today, text, status=status,
                               expected_version=version, reopen=reopen)
            return status

        return write

    def take_theirs(self, clash: Conflict) -> None:
        # The action stays as they left it; the update typed is added to it.
        self.status = clash.theirs.get("status", self.status)

    def saved_message(self, result: str) -> str:
        return "Action completed" if result == "complete" else "Update added: carried forward"


class ReassignForm(_OnAction, OwnerPicker):
    """A new owner and agency, checked against the version that was read: if someone
    else changed the action meanwhile, both values are shown (the clash panel)."""

    form_title = "Reassign the action"
    show_owner = True
    CLASH_FIELDS = {"owner_agency": "agency"}
    CLASH_RECORD = "row.action"

    def __init__(self, row: ActionRow, cfg: Config, names: list[NamedParty] = ()) -> None:
        super().__init__()
        self.row = row
        self.cfg = cfg
        self.names = list(names)
        self.draft_key = f"action-reassign:{row.action.id}"

    def fields(self) -> ComposeResult:
        yield self.context()
        yield from self.owner_fields(self.row.action.owner, self.row.action.owner_agency)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#owner-choices", OptionList).display = False
        self.query_one("#owner", Input).focus()

    def problems(self) -> dict[str, str]:
        wrong = self.owner_problems()
        owner = self.query_one("#owner", Input).value.strip()
        agency = _agency(self.query_one("#agency", Select))
        if not wrong and (owner, agency) == (self.row.action.owner, self.row.action.owner_agency):
            wrong["owner"] = "That is who has it now: type the new owner"
        return wrong

    def saver(self):
        changes = {"owner": self.query_one("#owner", Input).value.strip(),
                   "owner_agency": _agency(self.query_one("#agency", Select))}
        # The version read, or after a clash the one its panel showed (clash.version).
        action_id, version = self.row.action.id, self.against(self.row.action.version)

        def write(session) -> bool:
            actions.update_action(session, action_id, version, **changes)
            return True

        return write

    def saved_message(self, result: bool) -> str:
        return "Action reassigned"


def open_action_form(owner: Widget, done: Callable[[int | None], None], case_ref: str = "") -> None:
    """Outside a meeting: read what the add form needs (the next meeting, the open cases)
    in a worker on ``owner``, then open it, its case filled in when ``case_ref`` is given
    (the case view's Actions tab). There is no agenda item to default the ref to."""
    app = owner.app

    def read() -> None:
        today = app.today()
        try:
            with app.store.read() as session:
                context = ActionContext(
                    today, "",
                    meetings.next_meeting_on(session, app.cfg.meetings.cadence_weeks, today,
                                             app.cfg.subgroups[0].key),
                    actions.open_case_refs(session))
        except StoreError as error:
            call_from_worker(app, app.notify, str(error), severity="error", markup=False)
            return
        call_from_worker(app, lambda: app.push_screen(ActionForm(context, app.cfg, case_ref), done))

    owner.run_worker(read, thread=True, exclusive=True, group="add-action", exit_on_error=False)
