"""One cold start, timed by the parent: a bare Textual app or jagtui's case list.

Both start the same way (a fresh interpreter, headless) and exit as soon as the
table holds its rows, so the difference is jagtui's own imports, its identity check
and its first load: jagtui runs as ``jagtui run --db URL`` (the login registered).
``imports`` only imports what jagtui's case list needs and exits, ``textual``
what the bare app imports: the difference between the two is the part of
start-up no query or widget work can remove. Prints the process's peak resident
memory (KiB) on exit: ``VmHWM``, counted from this process's exec (``ru_maxrss``
of a fresh child starts at its parent's peak on Linux), and its CPU seconds.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

# Timed as installed: pip compiles an installed jagtui's bytecode (as it did Textual's and
# SQLAlchemy's), but a checkout run with PYTHONDONTWRITEBYTECODE set (CI, the shared VM)
# compiled jagtui's ~60 modules from source at every start, ~0.1 s of CPU no partner's
# start pays. The first start writes the bytecode (__pycache__, ignored by git); the
# others read it, so a run's median is an installed start.
sys.dont_write_bytecode = False


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
    """``jagtui run --db URL`` as typed (the identity check, the login audited, the app),
    headless, until the case list holds its rows: the command's own code, unchanged; the
    app class is only given a headless run and a check for its rows as it is imported."""
    import importlib.abc
    import importlib.util

    class Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "jagtui.app":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run_module = spec.loader.exec_module

            def exec_module(module) -> None:
                run_module(module)
                timed(module.JagApp)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Hook())
    from jagtui.cli import main

    code = main(["run", "--db", url])
    if code:
        raise SystemExit(f"jagtui run exited {code}")


def timed(cls) -> None:
    from textual.app import App

    def ready(self) -> None:
        tables = self.screen.query("DataTable")
        if tables and tables.first().row_count:
            self.exit()

    def on_mount(self) -> None:  # Textual calls each class's own on_mount in turn
        self.set_interval(0.002, self.bench_ready)

    def run(self, *args, **kwargs):
        self.__class__ = type("Timed", (cls,), {"on_mount": on_mount, "bench_ready": ready})
        return App.run(self, headless=True, size=(120, 40))

    cls.run = run


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
    # The process's own CPU (all threads, user + system): on a shared machine the part of
    # the wait that was this start's work.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(peak_kib(), f"{usage.ru_utime + usage.ru_stime:.3f}")
