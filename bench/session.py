"""One chair's session with the real app, in a fresh interpreter, timed as the user feels it.

    .venv/bin/python bench/session.py URL [--keys 20] [--opens 5]

Started by ``bench/run.py`` (once per repeat): the app runs headless under Textual's
Pilot at 160x48 on the database at URL, and the session is

1. the case list loads; then the Flags, Escalation and Actions screens are each
   opened for the first time (key 2, 3, 4): from the key press to the first frame
   painted with their rows (and the CPU time the process spent meanwhile, all its
   threads: on a loaded machine the part of the wait that was this process's work);
2. back on the case list, ``/`` and at least ``--keys`` characters typed into the
   search, word by word, each word rubbed out again: each key press (the letters and
   the backspaces) to the frame painted with the list for the text typed so far;
3. each column sort;
4. ``--opens`` cases opened with Enter from the list, one after another: the key to
   the frame painted with the case, with the CPU time the process spent on it;
5. the process's peak resident memory (``VmHWM`` from ``/proc/self/status``: this
   process only, from its exec, unlike ``ru_maxrss``, which a fresh child inherits
   from its parent);
6. then, as anchors, a bare Textual app's list screen and 7-tab screen pushed in the
   same process: the session's figures are read against these (the machine is shared).

Prints one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Search words the demo data holds (places, names, references), typed in turn.
WORDS = ("larkspur", "oak", "jag", "wren", "moss", "hall", "brook", "26-0")
SCREENS = (("2", "FlagsScreen", "flags screen"), ("3", "EscalationScreen", "escalation screen"),
           ("4", "ActionsScreen", "actions screen"))


def peak_memory_mib() -> float:
    """This process's peak resident set since it started (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def session(url: str, keys: int, opens: int) -> dict:
    from textual.widgets import DataTable, Input

    from jagtui.app import JagApp
    from jagtui.config import load_config
    from jagtui.screens.actions import ActionsScreen
    from jagtui.screens.case_view import CaseScreen
    from jagtui.screens.escalation import EscalationScreen
    from jagtui.screens.flags import FlagsScreen
    from jagtui.store.db import open_store

    # When each screen was painted with what it was given (Pilot's press returns only once
    # the app is idle, well after): the screens' own fills note it, after their refresh.
    painted_at: dict[str, float] = {}

    def noting(cls):
        original = cls.show

        def show(self, found):
            original(self, found)
            name = type(self).__name__
            self.call_after_refresh(lambda: painted_at.setdefault(name, time.perf_counter()))

        cls.show = show

    for cls in (FlagsScreen, EscalationScreen, ActionsScreen, CaseScreen):
        noting(cls)

    store = open_store(url, "bench")
    app = JagApp(store, load_config(), today=date.today)
    app.change_poll_seconds = 0  # nothing in the background but what the session does
    found: dict = {}

    async with app.run_test(size=(160, 48)) as pilot:
        async def settle(timeout: float = 60.0) -> None:
            deadline = time.perf_counter() + timeout
            await pilot.pause()
            while any(w.is_running for w in app.workers) and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            await pilot.pause()

        async def painted() -> float:
            """When the screen has drawn what it holds now."""
            done = asyncio.Event()
            app.screen.call_after_refresh(done.set)
            await done.wait()
            return time.perf_counter()

        await settle()
        await asyncio.sleep(0.5)  # as a chair would: the first key comes after a look
        await settle()

        # 1. Each list screen's first open, to its first painted rows.
        for key, name, measure in SCREENS:
            started, cpu_started = time.perf_counter(), time.process_time()
            await pilot.press(key)
            while name not in painted_at:
                if time.perf_counter() - started > 60:
                    raise RuntimeError(f"{name} did not fill")
                await asyncio.sleep(0.0005)
            found[f"{measure} cpu"] = time.process_time() - cpu_started  # at most this
            found[measure] = painted_at[name] - started
            found[f"{measure} rows"] = len(app.screen.rows)
            await settle()
        await pilot.press("1")
        await settle()

        # 2. Keystrokes into the case list's search.
        screen = app.screen
        original = screen.fill
        shown: list[tuple[float, str]] = []  # when a fill was painted, for which search

        def noted_fill(*args, **kwargs):
            result = original(*args, **kwargs)
            search = screen.shown_search
            screen.call_after_refresh(lambda: shown.append((time.perf_counter(), search)))
            return result

        screen.fill = noted_fill
        box = screen.query_one("#search", Input)
        await pilot.press("slash")
        strokes: list[float] = []
        typed = 0
        words = iter(WORDS * (1 + keys // 3))
        while typed < keys:
            word = next(words)
            for key in [*word, *["backspace"] * len(word)]:
                started = time.perf_counter()
                await pilot.press(key)
                while not any(at > started and text == box.value for at, text in shown):
                    if time.perf_counter() - started > 30:
                        break
                    await asyncio.sleep(0.0005)
                strokes.append(next((at for at, text in shown
                                     if at > started and text == box.value),
                                    time.perf_counter()) - started)
            typed += len(word)
            await settle()
        screen.fill = original
        found["keystrokes"] = strokes
        found["letters typed"] = typed
        await pilot.press("escape")
        await settle()

        # 3. Sorting by each column.
        sorts = []
        for column in ("harm", "subject", "review", "ref"):
            started = time.perf_counter()
            screen.sort_column = column
            screen.resort()
            await painted()
            sorts.append(time.perf_counter() - started)
        found["sorts"] = sorts
        await settle()

        # 4. Opening cases from the list, one after another.
        views, cpu = [], []
        table = screen.query_one(DataTable)
        for row in range(opens):
            table.move_cursor(row=row)
            await settle()
            painted_at.pop("CaseScreen", None)
            started, cpu_started = time.perf_counter(), time.process_time()
            await pilot.press("enter")
            while "CaseScreen" not in painted_at:
                if time.perf_counter() - started > 60:
                    raise RuntimeError("the case did not open")
                await asyncio.sleep(0.0005)
            cpu.append(time.process_time() - cpu_started)  # at most this
            views.append(painted_at["CaseScreen"] - started)
            await settle()
            await pilot.press("escape")
            await settle()
        found["case views"] = views
        found["case view cpu"] = cpu
    store.dispose()
    found["session peak memory MiB"] = peak_memory_mib()
    return found


async def anchors() -> dict:
    """The same kind of screens with nothing of jagtui in them, pushed in a bare Textual app
    in this process (after the session): what Textual itself takes on this machine now,
    to read the session's figures against. A list (header, a 50-row table, a line, the
    footer) and a 7-tab screen (a 5-row table in each tab)."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

    def table(rows: int) -> DataTable:
        made = DataTable(cursor_type="row", zebra_stripes=True)
        made.add_columns("Ref", "Subject", "Beat", "Since", "Case", "Reason")
        made.add_rows([(f"R{n}", "Someone", "62", "1 Jan 2026", "JAG-26-0001", "Three incidents")
                       for n in range(rows)])
        return made

    class ListAnchor(Screen):
        def compose(self):
            yield Header()
            yield table(50)
            yield Static("The highlighted line in full")
            yield Footer()

    class TabsAnchor(Screen):
        def compose(self):
            yield Header()
            yield Static("A case's header")
            with TabbedContent():
                for n in range(7):
                    yield TabPane(f"Tab {n}", table(5))
            yield Footer()

    found: dict[str, list[float]] = {"list anchor": [], "tabs anchor": []}
    app = App()
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(3):
            for name, screen in (("list anchor", ListAnchor), ("tabs anchor", TabsAnchor)):
                started = time.perf_counter()
                await app.push_screen(screen())
                done = asyncio.Event()
                app.screen.call_after_refresh(done.set)
                await done.wait()
                found[name].append(time.perf_counter() - started)
                await pilot.pause()
                app.pop_screen()
                await pilot.pause()
    return {name: sorted(times)[len(times) // 2] for name, times in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--keys", type=int, default=20, help="letters typed (at least)")
    parser.add_argument("--opens", type=int, default=5, help="cases opened")
    args = parser.parse_args()
    found = asyncio.run(session(args.url, args.keys, args.opens))
    found.update(asyncio.run(anchors()))
    print(json.dumps(found))


if __name__ == "__main__":
    main()
