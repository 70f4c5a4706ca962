"""Search-as-you-type for a person or a place; Enter picks, ctrl+n creates a new one."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from jagtui.display import initials, literal
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import FORMS_CSS
from jagtui.screens.forms.new_party import NewLocationForm, NewPersonForm
from jagtui.screens.privacy import where
from jagtui.store.casework import Picked, find
from jagtui.store.errors import StoreError


def picked_label(item: Picked, private: bool) -> Text:
    """A person or place as a picker or field shows it (masked in privacy mode)."""
    if private:
        name = initials(item.name) if item.kind == "person" else where(item.locality, item.beat)
        detail = where(item.locality, item.beat) if item.kind == "person" and item.beat else ""
    else:
        name = item.name
        detail = ", ".join(x for x in (item.detail, item.locality) if x)
    text = Text.assemble(("● " if item.kind == "person" else "▲ ", "dim"), literal(name, "bold"))
    if item.born and not private:
        text.append(f"  b. {item.born.year}", style="dim")
    if detail:
        text.append("  ")
        text.append_text(literal(detail, "dim"))
    return text


class KindChooser(ModalScreen[str | None]):
    """New what? p a person, l a location."""

    CSS_PATH = FORMS_CSS
    BINDINGS = [
        Binding("p", "choose('person')", "Person", id="kind-person"),
        Binding("l", "choose('location')", "Location", id="kind-location"),
        Binding("escape", "choose('')", "Cancel", key_display="Esc", id="kind-cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static("Create a new (p)erson or a new (l)ocation?")
            yield Static("p person · l location · Esc cancel", classes="hint")

    def action_choose(self, kind: str) -> None:
        self.dismiss(kind or None)


class PartyPicker(ModalScreen[Picked | None]):
    CSS_PATH = FORMS_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="picker-cancel"),
        Binding("ctrl+n", "new", "New", id="picker-new",
                tooltip="Create a new person or location (the search text becomes its name)"),
        Binding("down", "to_results", "Results", show=False, id="picker-results"),
    ]

    def __init__(self, kinds: Sequence[str] = ("person", "location"), title: str = "Choose") -> None:
        super().__init__()
        self.kinds = tuple(kinds)
        self.picker_title = title
        self.found: list[Picked] = []
        what = " or ".join({"person": "a person", "location": "a location"}[k] for k in self.kinds)
        self.what = what
        # A search box holds nothing worth keeping after a hang-up: no draft.
        self.draft_key = ""
        self._entering_list = False  # a ↓ has asked for the list; the focus not there yet

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(self.picker_title), id="form-title", markup=False)
            yield Input(placeholder=f"Type to search for {self.what}: name, address, postcode",
                        id="picker-search")
            yield OptionList(id="picker-list")
            yield Static(f"Enter picks · ↓ to the list · ctrl+n new {self.what.split(' ', 1)[1]}"
                         " · Esc cancel", classes="hint", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#picker-search", Input).focus()
        self.search("")

    @on(Input.Changed, "#picker-search")
    def typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="picker")
    def search(self, text: str) -> None:
        app = self.app
        try:
            with app.store.read() as session:
                found = find(session, text, self.kinds)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:  # typing moved on
            app.call_from_thread(self.show, found)

    def show(self, found: list[Picked]) -> None:
        self.found = found
        results = self.query_one("#picker-list", OptionList)
        results.clear_options()
        private = self.app.private
        for item in found:
            results.add_option(Option(picked_label(item, private)))
        if not found:
            results.add_option(Option(Text("No match: press ctrl+n to create one", style="dim"),
                                      disabled=True))
        else:
            results.highlighted = 0

    def refresh_privacy(self) -> None:
        if self.is_mounted:
            self.show(self.found)

    def on_screen_resume(self) -> None:
        self.refresh_privacy()

    def action_to_results(self) -> None:
        if not self.found:
            return
        results = self.query_one("#picker-list", OptionList)
        if self._entering_list:
            # A fast ↓↓↓↓ arrives before the focus has moved (Textual moves it after
            # this key): each further ↓ still moves the highlight, as in the list.
            results.highlighted = min(len(self.found) - 1, (results.highlighted or 0) + 1)
            return
        self._entering_list = True
        results.focus()

    def on_descendant_focus(self, event) -> None:
        self._entering_list = False

    @on(Input.Submitted, "#picker-search")
    def pick_highlighted(self) -> None:
        index = self.query_one("#picker-list", OptionList).highlighted
        if self.found and index is not None and index < len(self.found):
            self.dismiss(self.found[index])
        else:
            self.app.notify(f"Nothing matches: press ctrl+n to create {self.what}", severity="warning")

    @on(OptionList.OptionSelected, "#picker-list")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.found):
            self.dismiss(self.found[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        if not self.app.allowed("edit"):
            return
        name = self.query_one("#picker-search", Input).value.strip()
        if len(self.kinds) == 1:
            self._new(self.kinds[0], name)
            return

        def chosen(kind: str | None) -> None:
            if kind:
                self._new(kind, name)

        self.app.push_screen(KindChooser(), chosen)

    def _new(self, kind: str, name: str) -> None:
        def created(item: Picked | None) -> None:
            if item is not None:
                self.dismiss(item)

        form = NewPersonForm(name) if kind == "person" else NewLocationForm(name)
        self.app.push_screen(form, created)
