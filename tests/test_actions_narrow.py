"""At 80 columns the Actions screen keeps every action's case in view: an action added
outside a meeting ("Outside meeting 221126", now what an empty ref becomes) widened
the Ref column until the Case column read "JAG-"."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from jagtui.app import JagApp
from jagtui.store import actions
from jagtui.store.cases import get_case

from case_data import TODAY, seed
from pilot_help import settle


def screen_text(app) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_the_case_stays_in_view_beside_an_outside_meeting_ref(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        actions.add_action(session, ref=actions.outside_meeting_ref(TODAY), text="Check CCTV",
                           owner="PC Hale", due_on=TODAY + timedelta(days=3), case_id=ids.case_id)
        reference = get_case(session, ids.case_id).reference
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.pause(0.3)
        await settle(app, pilot)
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "Check CCTV" in line or "Check" in line)
        assert reference in row, row
        assert "Outside" in row, row
