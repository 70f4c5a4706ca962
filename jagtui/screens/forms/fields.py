"""Form fields that hold people and places: a single pick, and a list with roles."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from jagtui.screens.forms.base import ChoiceChanged
from jagtui.screens.forms.party_picker import PartyPicker, picked_label
from jagtui.store.casework import Picked


class PickField(Widget, can_focus=True):
    """A chosen person or place; Enter opens the search-as-you-type picker."""

    BINDINGS = [
        Binding("enter,space", "pick", "Choose", id="pick-choose", tooltip="Search and choose"),
        Binding("delete,backspace", "clear", "Clear", id="pick-clear", tooltip="Clear the choice"),
    ]
    DEFAULT_CSS = "PickField { height: 1; }"

    class Changed(ChoiceChanged):
        """The choice changed (picked or cleared)."""

    def __init__(self, picked: Picked | None = None, *, kinds: Sequence[str], title: str,
                 clearable: bool = True, id: str) -> None:
        super().__init__(id=id)
        self.picked = picked
        self.kinds = tuple(kinds)
        self.title = title
        self.clearable = clearable

    @property
    def value(self) -> str:
        return self.picked.token if self.picked else ""

    def render(self) -> Text:
        if self.picked is None:
            return Text("(none)  Enter to search and choose", style="dim italic")
        return picked_label(self.picked, self.app.private)

    def set(self, picked: Picked | None) -> None:
        self.picked = picked
        self.refresh()
        self.post_message(self.Changed(self))

    def refresh_privacy(self) -> None:
        self.refresh()

    def action_pick(self) -> None:
        def chosen(item: Picked | None) -> None:
            if item is not None:
                self.set(item)

        self.app.push_screen(PartyPicker(self.kinds, self.title), chosen)

    def action_clear(self) -> None:
        if self.clearable and self.picked is not None:
            self.set(None)

    def restore_value(self, token: str) -> None:
        """A draft's choice back (see ``jagtui.screens.drafts``); one since deleted stays empty."""
        found = _resolve(self, [token]) if token else {}
        if token in found or self.clearable:
            self.set(found.get(token))


class InvolvedList(OptionList):
    """People involved in an incident, each with a role: a add, r role, d remove."""

    BINDINGS = [
        Binding("a", "add", "Add person", id="involved-add", tooltip="Add a person involved"),
        Binding("r", "role", "Change role", id="involved-role",
                tooltip="Cycle the highlighted person's role"),
        Binding("d,delete", "remove", "Remove", id="involved-remove",
                tooltip="Remove the highlighted person"),
    ]

    class Changed(ChoiceChanged):
        """Someone was added or removed, or their role changed."""

    def __init__(self, people: Sequence[tuple[Picked, str]], roles: Sequence[str], *, id: str) -> None:
        super().__init__(id=id)
        self.people: list[tuple[Picked, str]] = list(people)
        self.roles = tuple(roles)

    @property
    def value(self) -> str:
        return ";".join(f"{p.token}={role}" for p, role in self.people)

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        index = self.highlighted
        self.clear_options()
        private = self.app.private
        for person, role in self.people:
            label = picked_label(person, private)
            label.append(f"  as {role}", style="bold")
            self.add_option(Option(label))
        if not self.people:
            self.add_option(Option(Text("No one yet: press a to add a person", style="dim"),
                                   disabled=True))
        elif index is not None:
            self.highlighted = min(index, len(self.people) - 1)

    def _changed(self) -> None:
        self.redraw()
        self.post_message(self.Changed(self))

    def refresh_privacy(self) -> None:
        self.redraw()

    def action_add(self) -> None:
        def chosen(item: Picked | None) -> None:
            if item is None:
                return
            if any(p.id == item.id for p, _ in self.people):
                self.app.notify(f"{'That person' if self.app.private else item.name} is already listed",
                                severity="warning", markup=False)
                return
            self.people.append((item, self.roles[0]))
            self._changed()
            self.highlighted = len(self.people) - 1

        self.app.push_screen(PartyPicker(("person",), "Add a person involved"), chosen)

    def action_role(self) -> None:
        index = self.highlighted
        if index is None or index >= len(self.people):
            return
        person, role = self.people[index]
        self.people[index] = (person, self.roles[(self.roles.index(role) + 1) % len(self.roles)])
        self._changed()

    def action_remove(self) -> None:
        index = self.highlighted
        if index is None or index >= len(self.people):
            return
        del self.people[index]
        self._changed()

    def restore_value(self, value: str) -> None:
        """A draft's list back (``person:12=victim;...``): people since deleted are left out."""
        pairs = [item.rpartition("=")[::2] for item in value.split(";") if "=" in item]
        found = _resolve(self, [token for token, _ in pairs])
        self.people = [(found[token], role) for token, role in pairs
                       if token in found and role in self.roles]
        self._changed()


def _resolve(widget: Widget, tokens: list[str]) -> dict[str, Picked]:
    from jagtui.store.casework import picked_from_tokens

    with widget.app.store.read() as session:
        return picked_from_tokens(session, tokens)
