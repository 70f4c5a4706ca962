"""The app's top-level screens: one key each, and an entry in the command palette.

Add a screen here and it gets its key, its palette command and its place in
help. ``target`` is ``module:Class`` so the module is imported only when first
opened, keeping start-up fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class NavEntry:
    key: str
    name: str
    title: str
    help: str
    target: str
    permission: str = "view"

    def factory(self):
        module, cls = self.target.split(":")
        return getattr(import_module(module), cls)()


NAV = (
    NavEntry("1", "cases", "Cases", "Open cases, highest risk first", "jagtui.screens.case_list:CaseListScreen"),
)
