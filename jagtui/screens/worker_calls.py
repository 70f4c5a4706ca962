"""Handing a result from another thread (a worker, a database watcher) to a screen
that may have closed meanwhile.

A read that began while the screen was open can end after the user left it, or
after the app stopped: ``App.call_from_thread`` then raises RuntimeError (no event
loop), and a callback that does run finds its widgets gone (NoMatches). Both are
dropped here, not reported: there is nothing left to show the result in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen


def call_from_worker(app: App, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """``callback(*args, **kwargs)`` on the UI thread; nothing if the app has stopped."""
    try:
        app.call_from_thread(callback, *args, **kwargs)
    except RuntimeError:
        pass  # the app is closing: nothing to draw into


def still_shown(screen: Screen, selector: str) -> bool:
    """On the UI thread: ``screen`` is still open and still has ``selector`` to fill."""
    return screen.is_mounted and bool(screen.query(selector))
