"""Coming back to the case list (``1`` from another screen) is cheap: it reads one change
id, not the cases, and neither refills nor rebuilds the table unless something changed;
a change made meanwhile is shown, the highlighted case kept. Each return filled the table,
read every case again and filled it again (124-163 ms of CPU on the demo database)."""

from __future__ import annotations

from datetime import timedelta

from jagtui.app import JagApp
from jagtui.screens.lazy_table import LazyTable
from jagtui.store import cases

from test_flags_screen import TODAY, seed, settle


async def go(app, pilot, key, name):
    await pilot.press(key)
    await settle(app, pilot)
    assert type(app.screen).__name__ == name


async def test_coming_back_to_an_unchanged_list_reads_and_fills_nothing(store, cfg, monkeypatch):
    seed(store, cfg)
    with store.write() as session:
        for n in range(3):
            cases.open_case(session, case_type="location", title=f"Extra {n}", subgroup="JAG",
                            lead_agency="POLICE", opened_on=TODAY - timedelta(10 + n))
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        home = app.screen
        table = home.query_one(LazyTable)
        shown = table.row_count
        assert shown >= 4
        await pilot.press("down", "down")
        await settle(app, pilot)
        highlighted = home.highlighted_id()
        fills = []
        original = LazyTable.show_items
        monkeypatch.setattr(LazyTable, "show_items",  # the list's table (Audit's is one too)
                            lambda self, *a, **k: (self is table and fills.append(1))
                            or original(self, *a, **k))
        loads = home.loads
        for away in (("8", "RetentionScreen"), ("9", "AuditScreen"), ("0", "CaseReviewsScreen")):
            await go(app, pilot, *away)
            await go(app, pilot, "1", "CaseListScreen")
        assert (home.loads - loads, fills) == (0, [])
        assert home.highlighted_id() == highlighted

        # Changed meanwhile (by anyone): read once, filled once, the same case highlighted.
        await go(app, pilot, "8", "RetentionScreen")
        with store.write() as session:
            cases.open_case(session, case_type="location", title="Opened meanwhile", subgroup="JAG",
                            lead_agency="POLICE", opened_on=TODAY - timedelta(1))
        await go(app, pilot, "1", "CaseListScreen")
        assert (home.loads - loads, len(fills)) == (1, 1)
        assert table.row_count == shown + 1
        assert home.highlighted_id() == highlighted

        # Read again with nothing different (F5): the table is left as it is.
        await pilot.press("f5")
        await settle(app, pilot)
        assert (home.loads - loads, len(fills)) == (2, 1)
