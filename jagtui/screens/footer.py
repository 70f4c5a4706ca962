"""The footer every screen uses: the keys that fit the width, built once.

Two faults of Textual's Footer, both met in a live meeting:

- It never leaves a key out: at 80 columns the keys past the edge ran under the
  right-docked palette key (``^t Privacy`` sat under ``^p palette``). Here the
  keys that do not fit are left out, in the screen's order, always keeping ``?``
  (which lists every key) and the palette key; the choice is made again when the
  terminal is resized. The spacing is set in app.tcss ("k Description", one space
  between keys); :func:`key_width` counts the same columns.
- It shows nothing until the first bindings signal, then rebuilds every key on
  each one (each focus change sends two): 30-150 ms for a screen with many keys
  (issue 6). Here it is built with its screen and rebuilt only when the keys it
  would show change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

HELP_KEY = "question_mark"
# The palette key is docked right: a border on its left and a space on its right.
PALETTE_FRAME = 2


def key_width(key_display: str, description: str) -> int:
    """Columns one key takes: "k Description" and the space after it (app.tcss)."""
    return cell_len(key_display) + (1 + cell_len(description) if description else 0) + 1


@dataclass
class Unit:
    """A key, or a group of keys under one label ("[ ] p i Tabs"), shown whole or not at all."""

    widgets: list[Widget]
    width: int
    kept: bool = False  # shown whatever the width


def fitting(units: list[Unit], width: int) -> list[Unit]:
    """The units shown in ``width`` columns, in order: the kept ones, then the others
    while they fit."""
    room = width - sum(unit.width for unit in units if unit.kept)
    shown = []
    for unit in units:
        if not unit.kept and unit.width <= room:
            room -= unit.width
        elif not unit.kept:
            continue
        shown.append(unit)
    return shown


class KeysFooter(Footer):
    """Textual's Footer, its keys fitted to the width, rebuilt only when they change."""

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)  # the screen's keys are known when it composes
        self._shown: tuple = ()

    def _width(self) -> int:
        # Composed before the first layout: the footer spans the screen, as wide as the app.
        return self.size.width or self.screen.size.width or self.app.size.width

    def _keys(self) -> tuple:
        return (self._width(),) + tuple(
            (key, active.binding, active.enabled, active.tooltip)
            for key, active in self.screen.active_bindings.items()
            if active.binding.show or key == self.app.COMMAND_PALETTE_BINDING)

    def _units(self) -> list[Unit]:
        """Textual's Footer.compose, as units with their widths. Keys are built with
        the padding app.tcss gives them (compact), so none restyles itself on mount: with
        the class their ``compact`` watcher would add on mount, each key restyling itself
        and its parent (~2 ms a key, 16 a screen)."""
        active = self.screen.active_bindings
        by_action: defaultdict[str, list] = defaultdict(list)
        for _node, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        units: list[Unit] = []
        for group, runs in groupby(by_action.values(), lambda run: run[0][0].group):
            runs = list(runs)
            if group is not None and len(runs) > 1:
                keys = [FooterKey(binding.key, self.app.get_key_display(binding), "", binding.action,
                                  disabled=not enabled, tooltip=tooltip or binding.description,
                                  classes="-grouped -compact")
                        for binding, enabled, tooltip in (run[0] for run in runs)]
                width = sum(key_width(key.key_display, "") for key in keys)
                units.append(Unit([KeyGroup(*keys), FooterLabel(group.description)],
                                  width + cell_len(group.description) + 1))
                continue
            for binding, enabled, tooltip in (run[0] for run in runs):
                display = self.app.get_key_display(binding)
                units.append(Unit([FooterKey(binding.key, display, binding.description,
                                             binding.action, disabled=not enabled, tooltip=tooltip,
                                             classes="-compact")],
                                  key_width(display, binding.description),
                                  kept=binding.key == HELP_KEY))
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette is not None:
            binding = palette.binding
            display = self.app.get_key_display(binding)
            units.append(Unit([FooterKey(binding.key, display, binding.description, binding.action,
                                         classes="-command-palette -compact",
                                         disabled=not palette.enabled,
                                         tooltip=binding.tooltip or binding.description)],
                              key_width(display, binding.description) - 1 + PALETTE_FRAME,
                              kept=True))
        return units

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        for unit in fitting(self._units(), self._width()):
            yield from unit.widgets

    def on_resize(self, event: events.Resize) -> None:
        if self._shown and event.size.width != self._shown[0]:
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        # A rebuild is queued after a refresh: by then the screen may have closed.
        if self.is_attached and not self._pruning and self._keys() != self._shown:
            await super().recompose()
