"""Start a meeting: group, date, time, place, and who is here, picked from a directory.

The directory is everyone who has attended before and every registered user,
searched as you type. The list of people is kept (as JSON) in a hidden field,
so the app's draft autosave keeps it with the rest of the form.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field as dc_field
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from jagtui.display import literal
from jagtui.screens.forms.base import FORMS_CSS, FormScreen, field
from jagtui.screens.forms.meeting_forms import AttendeeForm
from jagtui.screens.widgets import DateField
from jagtui.store import meeting_run
from jagtui.store.meeting_run import Attendee

MEETING_CSS = Path(__file__).parent.parent / "meeting.tcss"
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass
class Roll:
    """Who is here (``present``/``minutes``) and who sent apologies; the first
    person present chairs unless another is chosen."""

    people: list[tuple[Attendee, str]] = dc_field(default_factory=list)
    chair: str = ""

    def has(self, name: str) -> bool:
        return any(a.name.casefold() == name.strip().casefold() for a, _ in self.people)

    def add(self, attendee: Attendee, kind: str) -> bool:
        if not attendee.name.strip() or self.has(attendee.name):
            return False
        self.people.append((attendee, kind))
        if kind == "present" and not self.chair:
            self.chair = attendee.name
        return True

    def listed(self, kinds: tuple[str, ...]) -> list[tuple[Attendee, str]]:
        return [(a, k) for a, k in self.people if k in kinds]

    def set_kind(self, name: str, kind: str) -> None:
        self.people = [(a, kind if a.name == name else k) for a, k in self.people]
        if kind == "apology" and self.chair == name:
            self.chair = next((a.name for a, k in self.people if k == "present"), "")
        elif kind == "present" and not self.chair:
            self.chair = name

    def remove(self, name: str) -> None:
        self.people = [(a, k) for a, k in self.people if a.name != name]
        if self.chair == name:
            self.chair = next((a.name for a, k in self.people if k == "present"), "")

    def chair_attendee(self) -> Attendee | None:
        return next((a for a, k in self.people if a.name == self.chair and k != "apology"), None)

    def dumps(self) -> str:
        return json.dumps({"chair": self.chair,
                           "people": [[a.name, a.organisation, k] for a, k in self.people]})

    @classmethod
    def loads(cls, text: str) -> Roll:
        try:
            data = json.loads(text) if text.strip() else {}
            people = [(Attendee(str(n), str(o)), str(k)) for n, o, k in data.get("people", [])
                      if k in ("present", "apology", "minutes")]
            return cls(people, str(data.get("chair", "")))
        except (ValueError, TypeError, AttributeError):
            return cls()


def person_label(attendee: Attendee, note: str = "") -> Text:
    text = literal(attendee.name, "bold")
    if note:
        text.append(f" ({note})", style="bold")
    if attendee.organisation:
        text.append(" – ")
        text.append_text(literal(attendee.organisation, "dim"))
    return text


class DirectorySearch(Input):
    """Type to search; Enter adds the highlighted person as present, ctrl+r as an apology."""

    BINDINGS = [
        Binding("enter", "pick('present')", "Present", id="start-present",
                tooltip="Add the highlighted person as present"),
        Binding("ctrl+r", "pick('apology')", "Apology", id="start-apology",
                tooltip="Add the highlighted person to the apologies"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def action_pick(self, kind: str) -> None:
        self.screen.pick_from_directory(kind)

    def action_move(self, step: int) -> None:
        listing = self.screen.query_one("#directory", OptionList)
        if listing.option_count:
            current = listing.highlighted if listing.highlighted is not None else -1
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))


class _RollList(OptionList):
    """One of the two lists of people; its actions edit the form's roll."""

    shown = "shown_present"

    def _name(self) -> str | None:
        index = self.highlighted
        names = getattr(self.screen, self.shown)
        return names[index] if index is not None and index < len(names) else None

    def action_chair(self) -> None:
        if name := self._name():
            self.screen.change(lambda roll: (roll.set_kind(name, "present"), setattr(roll, "chair", name)))

    def action_minutes(self) -> None:
        if name := self._name():
            kind = dict((a.name, k) for a, k in self.screen.roll.people)[name]
            self.screen.change(lambda roll: roll.set_kind(name, "present" if kind == "minutes" else "minutes"))

    def action_kind(self, kind: str) -> None:
        if name := self._name():
            self.screen.change(lambda roll: roll.set_kind(name, kind))

    def action_remove(self) -> None:
        if name := self._name():
            self.screen.change(lambda roll: roll.remove(name))


class PresentList(_RollList):
    BINDINGS = [
        Binding("c", "chair", "Chair", id="start-chair", tooltip="The highlighted person chairs"),
        Binding("m", "minutes", "Minutes", id="start-minutes",
                tooltip="The highlighted person takes the minutes (or not)"),
        Binding("a", "kind('apology')", "To apologies", id="start-to-apologies"),
        Binding("d,delete", "remove", "Remove", id="start-remove"),
    ]


class ApologyList(_RollList):
    BINDINGS = [
        Binding("p", "kind('present')", "To present", id="start-to-present"),
        Binding("d,delete", "remove", "Remove", id="start-remove-apology"),
    ]
    shown = "shown_apologies"


class StartMeetingForm(FormScreen[int]):
    """Returns the new (or planned, now started) meeting's id."""

    CSS_PATH = [FORMS_CSS, MEETING_CSS]
    form_title = "Start a meeting"
    draft_key = "meeting:start"
    BINDINGS = [
        Binding("ctrl+n", "new_person", "New person", id="start-new-person",
                tooltip="Type a name and organisation not in the directory"),
    ]

    def __init__(self, subgroup: str = "", held_on: date | None = None) -> None:
        super().__init__()
        self.roll = Roll()
        self.subgroup = subgroup
        self.held_on = held_on
        self.found: list[Attendee] = []
        self.found_for: str | None = None  # the search text ``found`` answers
        self.shown_present: list[str] = []
        self.shown_apologies: list[str] = []

    def body(self) -> ComposeResult:
        cfg, today = self.app.cfg, self.app.today()
        groups = [(group.name, group.key) for group in cfg.subgroups]
        with Vertical(id="start-fields"):
            yield field("Group", Select(groups, value=self.subgroup or cfg.subgroups[0].key,
                                        allow_blank=False, id="subgroup"))
            yield field("Date", DateField(self.held_on or today, today=today, id="held_on"))
            yield field("Starts at", Input(cfg.meetings.default_start, id="starts_at",
                                           placeholder="10:00"))
            yield field("Place", Input(cfg.meetings.default_place, id="place"))
        yield Input(self.roll.dumps(), id="people", classes="hidden-state")
        search = DirectorySearch(placeholder="Find people: type a name or organisation",
                                 id="people_search")
        search.compact = True
        yield search
        with Horizontal(id="people-lists"):
            with Vertical():
                yield Label("Directory", classes="list-title")
                yield OptionList(id="directory")
            with Vertical():
                yield Label("Present", classes="list-title")
                yield PresentList(id="present")
            with Vertical():
                yield Label("Apologies", classes="list-title")
                yield ApologyList(id="apologies")
        yield Static("Enter present · ctrl+r apology · ctrl+n new person · Tab to the lists: "
                     "c chair, m minutes, a/p move, d remove", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.redraw()
        self.search("")
        self.query_one("#people_search", Input).focus()

    # -- the directory --------------------------------------------------------------------

    @on(Input.Changed, "#people_search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="directory")
    def search(self, text: str) -> None:
        app = self.app
        with app.store.read() as session:
            found = meeting_run.directory(session, app.cfg, text)
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self.show_directory, found, text)

    def show_directory(self, found: list[Attendee], text: str) -> None:
        self.found_for = text
        self.found = [a for a in found if not self.roll.has(a.name)]
        listing = self.query_one("#directory", OptionList)
        listing.clear_options()
        listing.add_options([Option(person_label(a)) for a in self.found])
        if not self.found:
            listing.add_option(Option(Text("No match: ctrl+n adds a new person", style="dim"),
                                      disabled=True))
        else:
            listing.highlighted = 0

    def pick_from_directory(self, kind: str) -> None:
        typed = self.query_one("#people_search", Input).value
        if typed != self.found_for:
            # Enter came before the search for what is typed had answered: a chair who
            # types a name and presses Enter at once must get that name, not the last list.
            with self.app.store.read() as session:
                self.show_directory(meeting_run.directory(session, self.app.cfg, typed), typed)
        index = self.query_one("#directory", OptionList).highlighted
        if index is None or index >= len(self.found):
            if typed.strip():
                self.action_new_person(kind, typed.strip())
            return
        self.change(lambda roll: roll.add(self.found[index], kind))
        self.query_one("#people_search", Input).value = ""

    @on(OptionList.OptionSelected, "#directory")
    def directory_chosen(self, event: OptionList.OptionSelected) -> None:
        self.pick_from_directory("present")

    def action_new_person(self, kind: str = "present", name: str = "") -> None:
        def added(result: tuple | None) -> None:
            if result is not None:
                attendee, chosen_kind = result
                if not self.roll.has(attendee.name):
                    self.change(lambda roll: roll.add(attendee, chosen_kind))
                else:
                    self.app.notify(f"{attendee.name} is already listed", severity="warning")

        self.app.push_screen(AttendeeForm(None, kind, name), added)

    # -- the lists ---------------------------------------------------------------------------

    def change(self, edit) -> None:
        """Apply ``edit(roll)``, keep it in the hidden field (for drafts) and redraw."""
        edit(self.roll)
        self.query_one("#people", Input).value = self.roll.dumps()
        self.redraw()
        self.search(self.query_one("#people_search", Input).value)

    @on(Input.Changed, "#people")
    def people_restored(self, event: Input.Changed) -> None:
        if event.value != self.roll.dumps():
            self.roll = Roll.loads(event.value)
            self.redraw()

    def redraw(self) -> None:
        present = self.query_one("#present", OptionList)
        apologies = self.query_one("#apologies", OptionList)
        for listing in (present, apologies):
            listing.clear_options()
        here = self.roll.listed(("present", "minutes"))
        self.shown_present = [a.name for a, _ in here]
        present.add_options([
            Option(person_label(a, "Chair" if a.name == self.roll.chair else
                                ("minutes" if k == "minutes" else ""))) for a, k in here])
        away = self.roll.listed(("apology",))
        self.shown_apologies = [a.name for a, _ in away]
        apologies.add_options([Option(person_label(a)) for a, _ in away])

    # -- saving --------------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        wrong = {}
        held = self.query_one("#held_on", DateField)
        if held.date is None:
            wrong["held_on"] = held.validation_message
        if not TIME.fullmatch(self.query_one("#starts_at", Input).value.strip()):
            wrong["starts_at"] = "Type the start time as 24-hour HH:MM, e.g. 10:00"
        if self.roll.chair_attendee() is None:
            wrong["people_search"] = "Add the people present: the first chairs (c on another to change)"
        return wrong

    def action_save(self) -> None:
        if self.app.allowed("chair"):
            super().action_save()

    def saver(self):
        roll = self.roll
        chair = roll.chair_attendee()
        values = dict(
            subgroup=self.query_one("#subgroup", Select).value,
            held_on=self.query_one("#held_on", DateField).date,
            chair=chair,
            present=[a for a, k in roll.people if k == "present" and a.name != chair.name],
            minutes=[a for a, k in roll.people if k == "minutes" and a.name != chair.name],
            apologies=[a for a, k in roll.people if k == "apology"],
            starts_at=self.query_one("#starts_at", Input).value.strip(),
            place=self.query_one("#place", Input).value.strip(),
        )
        cfg = self.app.cfg

        def write(session) -> int:
            return meeting_run.start_meeting(session, cfg, **values).id

        return write

    def saved_message(self, result: int) -> str:
        return "Meeting started"
