"""Every dialog opens in the middle of the screen, at 80x24 and on a projector at
160x48: one that opened at the top left covered the agenda and the header."""

from __future__ import annotations

import pytest
from rich.text import Text

from jagtui.screens.agenda_runner import GoToItem
from jagtui.screens.forms.case_filter import SortChooser
from jagtui.screens.runner_follow import FollowerMessageScreen
from jagtui.screens.runner_partners import AddItemForm
from pilot_help import settle
from test_follow import _app

DIALOGS = {
    "add item": lambda: AddItemForm(),
    "sort": lambda: SortChooser("ref", False),
    "follower message": lambda: FollowerMessageScreen(Text("Update from Sam"), "Patrol done"),
    "go to item": lambda: GoToItem(12),
}


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
@pytest.mark.parametrize("name", list(DIALOGS))
async def test_a_dialog_opens_in_the_middle(store, cfg, name, size):
    app = _app(store, cfg, "chair1", "chair")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.push_screen(DIALOGS[name]())
        await settle(app, pilot)
        box = app.screen.children[0].region
        left, right = box.x, size[0] - box.right
        top, bottom = box.y, size[1] - box.bottom
        assert left > 0 and abs(left - right) <= 1, (name, box)
        assert abs(top - bottom) <= 1 or top > 0, (name, box)
