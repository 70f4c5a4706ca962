"""What keeps opening a case quick (issue 15), apart from the case screen itself: its
tables sized for their rows as they are filled, and the collector held off until the
case is painted. Used by case_view only."""

from __future__ import annotations

import gc

from textual.widgets import DataTable


def measure_rows(table: DataTable) -> None:
    """Size the table for the rows just added now, as DataTable does when next idle (its
    ``_on_idle``; lazy_table.py relies on the same internals): done then, after the frame
    that follows the fill, the table is laid out and painted again to show its rows."""
    if table._require_update_dimensions:
        table._require_update_dimensions = False
        rows = table._new_rows.copy()
        table._new_rows.clear()
        table._update_dimensions(rows)


# Whether open_case turned the cyclic garbage collector off (see hold_collector).
_collector_held = [False]
# Back on after this long whatever happens (a case gone, a failed read, Esc first).
COLLECTOR_HELD_AT_MOST_SECONDS = 1.0


def hold_collector(app) -> None:
    """Keep the cyclic collector off from the key that opens a case to the frame that shows
    it. The objects the session made since the list froze its heap (case_list.settle_heap)
    pass the collector's threshold while a case screen is built: a full collection of
    84-98 ms landed inside the opening (bench at 10,000 cases, after Flags, Escalation and
    Actions were opened). It runs once the case is painted instead: the same work, after
    the user sees the case. Left alone when something else turned it off (the start)."""
    if gc.isenabled():
        gc.disable()
        _collector_held[0] = True
        app.set_timer(COLLECTOR_HELD_AT_MOST_SECONDS, release_collector)


def release_collector() -> None:
    if _collector_held[0]:
        _collector_held[0] = False
        gc.enable()
