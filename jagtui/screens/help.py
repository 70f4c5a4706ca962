"""``?``: every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", key_display="Esc")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(title=f"Keys: {self.under.title or type(self.under).__name__}",
                      expand=True, show_edge=False)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        seen = set()
        for key, active in self.under.active_bindings.items():
            binding = active.binding
            if binding.action in seen and not binding.show:
                continue
            seen.add(binding.action)
            label = binding.key_display or self.app.get_key_display(binding)
            table.add_row(label, binding.tooltip or binding.description or binding.action)
        table.add_row("ctrl+p", "Command palette: every screen and command by name")
        table.add_row("ctrl+q", "Quit")
        with VerticalScroll(id="help-body"):
            yield Static(table)
            yield Static("Esc closes this help.", classes="hint")
