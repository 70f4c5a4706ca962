"""A screen's own keys as command-palette entries, so every command can be found by name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand
from textual.screen import Screen


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
