"""One cold start, timed by the parent: a bare Textual app or jagtui's case list.

Both start the same way (a fresh interpreter, headless) and exit as soon as the
table holds its rows, so the difference is jagtui's own imports and first load.
``imports`` only imports what jagtui's case list needs and exits, ``textual``
what the bare app imports: the difference between the two is the part of
start-up no query or widget work can remove. Prints the process's peak resident
memory (KiB) on exit: ``VmHWM``, counted from this process's exec (``ru_maxrss``
of a fresh child starts at its parent's peak on Linux).
"""

from __future__ import annotations

import sys
from pathlib import Path


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def bare() -> None:
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Ref", "Subject", "Risk")
            table.add_rows([(f"R{n}", "Someone", "high") for n in range(50)])
            self.call_after_refresh(self.exit)

    Bare().run(headless=True, size=(120, 40))


def jagtui(url: str) -> None:
    from datetime import date

    from textual.widgets import DataTable

    from jagtui.app import JagApp
    from jagtui.config import load_config
    from jagtui.store.db import open_store

    cfg = load_config()
    store = open_store(url, "bench")

    class Timed(JagApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.set_interval(0.002, self.ready)

        def ready(self) -> None:
            tables = self.screen.query(DataTable)
            if tables and tables.first().row_count:
                self.exit()

    Timed(store, cfg, today=date.today).run(headless=True, size=(120, 40))
    store.dispose()


def imports() -> None:
    import jagtui.app  # noqa: F401 - the import is what is timed
    import jagtui.screens.case_list  # noqa: F401
    import jagtui.store.db  # noqa: F401


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    elif sys.argv[1] == "imports":
        imports()
    elif sys.argv[1] == "textual":
        from textual.app import App  # noqa: F401 - what the bare app imports, and no more
        from textual.widgets import DataTable, Footer, Header  # noqa: F401
    else:
        jagtui(sys.argv[2])
    print(peak_kib())
