"""Snapshots of the case list, the case view and the scoring form: 80x24 and a
projector-sized 160x48, with names and in privacy mode.

Deterministic: a fixed today, the small seeded case file, no background polling,
no blinking cursor, notifications cleared. Regenerate with
``pytest tests/test_snapshots_case.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from jagtui.app import JagApp

from case_data import TODAY, seed
from test_case_view import settle

SIZES = [(80, 24), (160, 48)]
SCREENS = {
    # screen name -> keys from the case list
    "case_list": (),
    "case_view": ("enter",),
    "case_incidents": ("enter", "i"),
    "case_interventions": ("enter", "v"),
    "risk_form": ("enter", "r", "y", "4", "y", "n", "y"),
}


@pytest.fixture
def snap_store(tmp_path, cfg):
    from jagtui.store.db import create_store

    store = create_store(f"sqlite:///{tmp_path / 'snap.db'}", "tester")
    seed(store, cfg)
    yield store
    store.dispose()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
@pytest.mark.parametrize("private", [False, True], ids=["names", "privacy"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_case_screens_snapshot(snap_compare, snap_store, cfg, screen, size, private):
    app = JagApp(snap_store, cfg, today=lambda: TODAY, user_name="Sam Assessor")
    app.change_poll_seconds = 0

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        if private:
            # Set directly (ctrl+t is tested elsewhere): its toast would race the snapshot.
            pilot.app.private = True
        for key in SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot.app, pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        # Fill once more in a quiet tick: two fills in one frame (mount and resize)
        # occasionally left DataTable column widths at their labels' widths.
        if hasattr(pilot.app.screen, "fill"):
            pilot.app.screen.fill()
            await settle(pilot.app, pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)
