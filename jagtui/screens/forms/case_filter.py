"""Choose which cases the list shows (f), and how it is sorted (s)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from jagtui.display import FLAG_BADGES
from jagtui.rules.risk import LEVELS
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import FORMS_CSS, FormScreen, field
from jagtui.screens.forms.new_party import beat_options
from jagtui.store.case_listing import SORTS, STATUSES, CaseFilter


def _value(select: Select) -> str:
    return "" if select.value is Select.NULL else str(select.value)


class CaseFilterForm(FormScreen[CaseFilter]):
    """Filters apply with ctrl+s; ctrl+x clears them all. Nothing is written."""

    form_title = "Filter the case list"
    BINDINGS = [
        Binding("ctrl+x", "clear", "Clear all", id="filter-clear", tooltip="Show every open case"),
    ]

    def __init__(self, current: CaseFilter) -> None:
        super().__init__()
        self.current = current

    def fields(self) -> ComposeResult:
        cfg, now = self.app.cfg, self.current
        blank = lambda value: value or Select.NULL  # noqa: E731
        yield field("Status", Select([(s, s) for s in STATUSES], id="status", allow_blank=False,
                                     value=now.status))
        yield field("Subgroup", Select([(f"{s.key} {s.name}", s.key) for s in cfg.subgroups],
                                       id="subgroup", prompt="(any)", value=blank(now.subgroup)))
        yield field("Beat", Select(beat_options(cfg), id="beat", prompt="(any)", value=blank(now.beat)))
        yield field("Risk level", Select([*((level, level) for level in LEVELS),
                                          ("not assessed", "none")],
                                         id="risk", prompt="(any)", value=blank(now.risk)))
        yield field("Flag", Select([(words, code) for code, (_, words) in FLAG_BADGES.items()],
                                   id="flag", prompt="(any)", value=blank(now.flag)))
        yield field("Lead agency", Select([(a.name, a.key) for a in cfg.agencies], id="lead_agency",
                                          prompt="(any)", value=blank(now.lead_agency)))

    def action_save(self) -> None:
        # Filtering reads only: no permission needed and nothing to write.
        self.dismiss(CaseFilter(**{key: _value(self.query_one(f"#{key}", Select))
                                   for key in ("status", "subgroup", "beat", "risk", "flag",
                                               "lead_agency")}))

    def action_clear(self) -> None:
        self.dismiss(CaseFilter())

    def action_cancel(self) -> None:
        self.dismiss(None)


class SortChooser(ModalScreen[tuple[str, bool] | None]):
    """Pick the column to sort by; picking the current one again reverses it."""

    CSS_PATH = FORMS_CSS
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", key_display="Esc", id="sort-cancel")]

    def __init__(self, column: str, reverse: bool) -> None:
        super().__init__()
        self.column = column
        self.reverse = reverse
        self.keys = list(SORTS)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Sort the case list by", id="form-title")
            choices = OptionList(id="sort-list")
            for key in self.keys:
                words = SORTS[key][0]
                label = Text(words)
                if key == self.column:
                    label.append("  (current: Enter reverses)", style="dim")
                choices.add_option(Option(label))
            yield choices
            yield Static("Enter sorts · Esc cancels · d on the list restores highest risk first",
                         classes="hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = self.keys.index(self.column) if self.column in self.keys else 0
        choices.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        key = self.keys[event.option_index]
        reverse = (not self.reverse) if key == self.column else False
        self.dismiss((key, reverse))

