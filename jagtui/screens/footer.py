"""A Footer that costs nothing when the keys it shows have not changed.

Textual's Footer shows nothing until the first bindings signal, then rebuilds
every key on each one, and pushing a screen sends several (each focus change
sends two, the screen underneath one more). Each rebuild mounts, styles and
lays out every key: 30-150 ms for a screen with many keys (issue 6).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """Textual's Footer, built with its screen and rebuilt only when its keys change."""

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)  # the screen's keys are known when it composes
        self._shown: tuple = ()

    def _keys(self) -> tuple:
        return tuple((key, active.binding, active.enabled, active.tooltip)
                     for key, active in self.screen.active_bindings.items()
                     if active.binding.show or key == self.app.COMMAND_PALETTE_BINDING)

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # Born compact, then bound to the footer's style: each key restyled itself
                # twice on mount. Starting with the footer's value skips both. (The palette
                # key is not bound and stays compact.)
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    async def recompose(self) -> None:
        # A rebuild is queued after a refresh: by then the screen may have closed.
        if self.is_attached and not self._pruning and self._keys() != self._shown:
            await super().recompose()
