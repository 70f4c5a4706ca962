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
from jagtui.rules.dates import fmt_date
from jagtui.screens.forms.base import FORMS_CSS, ConfirmScreen, FormScreen, field
from jagtui.screens.forms.meeting_forms import AttendeeForm
from jagtui.screens.widgets import DateField
from jagtui.store import meeting_place, meeting_run
from jagtui.store.meeting_run import Attendee

MEETING_CSS = Path(__file__).parent.parent / "meeting.tcss"
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
# The line under the lists, for where the cursor is (one line at 80 columns).
HINTS = {
    "people_search": "Type a name: Enter present · ctrl+r apology · ctrl+n new · Tab lists",
    "directory": "Enter adds the highlighted person as present · Tab: who is present",
    "present": "c chairs · m minutes · a sent apologies · d removes · Tab: apologies",
    "apologies": "p arrived after all: present · d removes · shift+Tab: present",
}


def held_question(meeting) -> str:
    """Asked before a second meeting of a group on a day whose meeting is already held."""
    chair = f" (chaired by {meeting.chair})" if meeting.chair else ""
    return (f"The {meeting.subgroup} meeting of {fmt_date(meeting.held_on)}{chair} has been held "
            f"and its minutes are final. Start another {meeting.subgroup} meeting that day?")


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
        """Move someone between present, minutes and apologies; the chair is someone
        present, so a chair sending apologies or taking the minutes passes it on."""
        self.people = [(a, kind if a.name == name else k) for a, k in self.people]
        if kind != "present" and self.chair == name:
            self.chair = next((a.name for a, k in self.people if k == "present"), "")
        elif kind == "present" and not self.chair:
            self.chair = name

    def kind_of(self, name: str) -> str:
        return next((k for a, k in self.people if a.name == name), "")

    def remove(self, name: str) -> None:
        self.people = [(a, k) for a, k in self.people if a.name != name]
        if self.chair == name:
            self.chair = next((a.name for a, k in self.people if k == "present"), "")

    def chair_attendee(self) -> Attendee | None:
        return next((a for a, k in self.people if a.name == self.chair and k == "present"), None)

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
    """The name (and role) on one line, the organisation under it: wrapped, never cut."""
    text = literal(attendee.name, "bold")
    if note:
        text.append(f" · {note}", style="bold")
    if attendee.organisation:
        text.append("\n")
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

    # Not ``_name``: Textual keeps a widget's own name in that attribute.
    def chosen(self) -> str | None:
        index = self.highlighted
        names = getattr(self.screen, self.shown)
        return names[index] if index is not None and index < len(names) else None

    def action_chair(self) -> None:
        if name := self.chosen():
            self.screen.change(lambda roll: (roll.set_kind(name, "present"), setattr(roll, "chair", name)))

    def action_minutes(self) -> None:
        if name := self.chosen():
            kind = "present" if self.screen.roll.kind_of(name) == "minutes" else "minutes"
            self.screen.change(lambda roll: roll.set_kind(name, kind))

    def action_kind(self, kind: str) -> None:
        if name := self.chosen():
            self.screen.change(lambda roll: roll.set_kind(name, kind))

    def action_remove(self) -> None:
        if name := self.chosen():
            self.screen.change(lambda roll: roll.remove(name))

    def on_focus(self) -> None:
        # Arriving by Tab, the first person is the one c, m, a, p or d act on.
        if self.highlighted is None and self.option_count:
            self.highlighted = 0


class PresentList(_RollList):
    BINDINGS = [
        Binding("c", "chair", "Chair", id="start-chair", tooltip="The highlighted person chairs"),
        Binding("m", "minutes", "Minutes", id="start-minutes",
                tooltip="The highlighted person takes the minutes (or not)"),
        Binding("a", "kind('apology')", "Apology", id="start-to-apologies",
                tooltip="The highlighted person sent apologies after all"),
        Binding("d,delete", "remove", "Remove", id="start-remove"),
    ]


class ApologyList(_RollList):
    BINDINGS = [
        Binding("p", "kind('present')", "Present", id="start-to-present",
                tooltip="The highlighted person is here after all (arrived late)"),
        Binding("d,delete", "remove", "Remove", id="start-remove-apology"),
    ]
    shown = "shown_apologies"


class StartMeetingForm(FormScreen[int]):
    """Returns the new (or planned, now started) meeting's id."""

    CSS_PATH = [FORMS_CSS, MEETING_CSS]
    form_title = "Start a meeting"
    draft_key = "meeting:start"
    BINDINGS = [
        Binding("ctrl+n", "new_person", "New", id="start-new-person",
                tooltip="Type a name and organisation not in the directory"),
    ]

    def __init__(self, subgroup: str = "", held_on: date | None = None,
                 confirmed: tuple[str, date] | None = None) -> None:
        super().__init__()
        self.roll = Roll()
        self.subgroup = subgroup
        self.held_on = held_on
        # The group and day the chair already agreed to hold a second meeting on.
        self.confirmed = confirmed
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
            with Vertical(id="directory-col"):
                yield Label("Directory", classes="list-title")
                yield OptionList(id="directory")
            with Vertical():
                yield Label("Present", id="present-title", classes="list-title")
                yield PresentList(id="present")
            with Vertical():
                yield Label("Apologies", id="apologies-title", classes="list-title")
                yield ApologyList(id="apologies")
        yield Static(HINTS["people_search"], id="people-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.redraw()
        self.search("")
        self.query_one("#people_search", Input).focus()

    def on_descendant_focus(self, event) -> None:
        # One line, for where the cursor is: it fits 80 columns and says what the keys do here.
        hint = HINTS.get(event.widget.id or "", HINTS["people_search"])
        self.query_one("#people-hint", Static).update(hint)

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
        here = self.roll.listed(("present", "minutes"))
        away = self.roll.listed(("apology",))
        self._refill("#present", "shown_present", [
            (a.name, person_label(a, "Chair" if a.name == self.roll.chair else
                                  ("minutes" if k == "minutes" else ""))) for a, k in here])
        self._refill("#apologies", "shown_apologies", [(a.name, person_label(a)) for a, _ in away])
        self.query_one("#present-title", Label).update(f"Present ({len(here)})")
        self.query_one("#apologies-title", Label).update(f"Apologies ({len(away)})")

    def _refill(self, selector: str, shown: str, people: list[tuple[str, Text]]) -> None:
        """Refill a list, the cursor staying on the same person (or the one after a removal)."""
        listing = self.query_one(selector, OptionList)
        before, index = getattr(self, shown), listing.highlighted
        current = before[index] if index is not None and index < len(before) else None
        names = [name for name, _ in people]
        setattr(self, shown, names)
        listing.clear_options()
        listing.add_options([Option(label) for _, label in people])
        if names and index is not None:
            listing.highlighted = names.index(current) if current in names else min(index, len(names) - 1)

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
        if not self.app.allowed("chair"):
            return
        subgroup = self.query_one("#subgroup", Select).value
        held_on = self.query_one("#held_on", DateField).date
        if self.problems() or held_on is None or self.confirmed == (subgroup, held_on):
            super().action_save()
            return
        with self.app.store.read() as session:
            existing = meeting_place.held_that_day(session, subgroup, held_on)
        if existing is None or existing.status != "final":
            super().action_save()  # an in-progress one: the store says to resume it instead
            return

        def answered(again: bool | None) -> None:
            if again:
                self.confirmed = (subgroup, held_on)
                super(StartMeetingForm, self).action_save()

        self.app.push_screen(ConfirmScreen(held_question(existing)), answered)

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
