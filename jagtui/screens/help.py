"""``?``: every key of the screen underneath, with what it does.

The screen's own keys come first (what the chair came for), then those of the
list or box the cursor is in, then the keys that work everywhere. Textual's
generic keys (Scroll Left, Copy ...) are last, not first.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

def key_groups(screen: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(key, what it does)]): the screen's own keys, the focused widget's,
    those that work everywhere, then Textual's generic ones (Tab, Copy ...)."""
    app = screen.app
    own: list[tuple[str, str]] = []
    here: list[tuple[str, str]] = []
    everywhere: list[tuple[str, str]] = []
    generic: list[tuple[str, str]] = []
    seen: set[tuple[int, str]] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        where = id(active.node)
        if (where, binding.action) in seen:
            continue  # one line per action: "n,pagedown" is one key to learn
        seen.add((where, binding.action))
        row = (_keys(app, active), binding.tooltip or binding.description or binding.action)
        if isinstance(active.node, App):
            everywhere.append(row)
        elif active.node is screen:
            (own if _declared_here(screen, binding) else generic).append(row)
        else:
            here.append(row)
    focused = screen.focused
    here_title = f"In the {_widget_name(focused)}" if focused is not None else "Here"
    return [(screen.title or type(screen).__name__, own), (here_title, here),
            ("Everywhere", everywhere), ("Also", generic)]


def _declared_here(node, binding: Binding) -> bool:
    """The binding is one jagtui gave the node's class, not one Textual gives every screen."""
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("jagtui") or "BINDINGS" not in cls.__dict__:
            continue
        for declared in cls.__dict__["BINDINGS"]:
            action = declared.action if isinstance(declared, Binding) else declared[1]
            if action == binding.action:
                return True
    return False


def _keys(app: App, active: ActiveBinding) -> str:
    binding: Binding = active.binding
    return binding.key_display or app.get_key_display(binding)


def _widget_name(widget) -> str:
    names = {"DataTable": "list", "OptionList": "list", "Tree": "tree", "Input": "text box",
             "TextArea": "text box", "Select": "choice"}
    for cls in type(widget).__mro__:
        if cls.__name__ in names:
            return names[cls.__name__]
    return "highlighted field"


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
        for heading, rows in key_groups(self.under):
            if not rows:
                continue
            table.add_section()
            table.add_row("", Text(heading, style="bold underline"))
            for key, does in rows:
                table.add_row(Text(key), Text(does))
        with VerticalScroll(id="help-body"):
            yield Static(table)
            yield Static("Esc closes this help.", classes="hint")
