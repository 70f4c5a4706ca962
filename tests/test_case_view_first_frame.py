"""Issue 15: opening a case paints it in the case screen's first frame. The case file is
read while the screen mounts, and the screen is filled as it resumes, before Textual lays
it out (waiting a moment for a read still under way): no "Loading case…" frame painted,
then laid out and painted again with the case; the table's rows are sized at the fill,
not on the next idle after the frame. Held by what the frames showed, not by timing: the
read is made slower than the mount, and the wait for it long (under CI load a read can
take longer than the moment the app waits: then "Loading case…" shows first, as before).
"""

from __future__ import annotations

import time

from textual.screen import Screen
from textual.widgets import DataTable

from jagtui.screens import case_view
from jagtui.screens.case_view import CaseScreen

from pilot_help import settle
from test_case_view import header, make_app, open_first_case, people_names, seed


def watch_frames(monkeypatch) -> list:
    """What each frame of a case screen showed: its header, the rows its people table had
    and had sized."""
    frames = []
    paint = Screen._compositor_refresh

    def painting(screen):
        if isinstance(screen, CaseScreen):
            table = screen.query_one("#people-table", DataTable)
            frames.append((header(screen.app), table.row_count, table.virtual_size.height))
        return paint(screen)

    monkeypatch.setattr(Screen, "_compositor_refresh", painting)
    return frames


def slow_reads(monkeypatch, seconds: float) -> None:
    """Each read of a case file ends only after ``seconds`` (in its worker's thread)."""
    read = case_view.case_file

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return read(*args, **kwargs)

    monkeypatch.setattr(case_view, "case_file", slow)


async def test_the_first_frame_of_a_case_shows_the_case(store, cfg, monkeypatch):
    seed(store, cfg)
    slow_reads(monkeypatch, 0.3)  # still under way when the screen has mounted
    monkeypatch.setattr(case_view, "READ_WAIT_SECONDS", 30.0)
    frames = watch_frames(monkeypatch)
    app = make_app(store, cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_first_case(app, pilot)
        assert "Ann Example" in people_names(screen)
        shown = header(app)
    assert frames, "the case screen was never painted"
    first_header, rows, measured = frames[0]
    assert first_header == shown and "Loading" not in first_header
    assert rows > 0 and measured >= rows + 1  # its rows sized (and the column labels)
    assert all(header_text == shown for header_text, _, _ in frames), frames


async def test_reopening_shows_the_next_case(store, cfg, monkeypatch):
    """The kept screen, refilled, shows only the next case (the read's result, taken as
    the screen resumes or when it arrives, is never an older read's)."""
    ids = seed(store, cfg)
    slow_reads(monkeypatch, 0.05)
    app = make_app(store, cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        first = await open_first_case(app, pilot)
        first.reopen(ids.other_case_id)
        first.reopen(ids.case_id)  # the read begun for the other case is cancelled
        first.reopen(ids.other_case_id)
        await settle(app, pilot)
        assert first.case_id == ids.other_case_id
        assert "Noise, Hall Road" in header(app) and "Ann Example" not in people_names(first)


async def test_the_collector_waits_until_the_case_is_painted(store, cfg, monkeypatch):
    """A full collection landed inside an opening (84-98 ms at county scale): the collector
    is off from Enter until the case is shown, and on again once it is painted."""
    import gc

    ids = seed(store, cfg)
    during = []
    show = CaseScreen.show

    def showing(screen, loaded):
        during.append(gc.isenabled())
        show(screen, loaded)

    monkeypatch.setattr(CaseScreen, "show", showing)
    app = make_app(store, cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_first_case(app, pilot)
        assert during == [False] and gc.isenabled()
        await pilot.press("escape")
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        table.move_cursor(row=next(n for n, key in enumerate(table.rows)
                                   if key.value == str(ids.other_case_id)))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and during == [False, False] and gc.isenabled()
