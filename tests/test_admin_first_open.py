"""The first open of Retention (8), Audit (9) and Case reviews (0) neither re-parses the
app's stylesheets nor restyles every widget open: their styles are read with the app's at
start and the screens are marked styled as they mount. A stylesheet read at first open made
Textual parse every stylesheet again (Audit's first open 215 ms of CPU, Retention's 137 ms)."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

from jagtui.app import JagApp

from test_flags_screen import TODAY, seed, settle


async def test_admin_screens_bring_no_new_stylesheet(store, cfg, monkeypatch):
    seed(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        reparsed = []
        original = Stylesheet.reparse
        monkeypatch.setattr(Stylesheet, "reparse",
                            lambda self: reparsed.append(type(app.screen).__name__) or original(self))
        for key, screen in (("8", "RetentionScreen"), ("1", "CaseListScreen"),
                            ("9", "AuditScreen"), ("1", "CaseListScreen"),
                            ("0", "CaseReviewsScreen"), ("1", "CaseListScreen")):
            await pilot.press(key)
            await settle(app, pilot)
            assert type(app.screen).__name__ == screen
        assert reparsed == []


async def test_audit_builds_only_the_rows_in_view_of_a_full_page(store, cfg):
    """A page of the trail is 200 entries: the stock table made and measured every cell
    of all of them before the first frame. Now only a screenful; End still reaches the
    page's oldest entry, and its detail is shown."""
    from jagtui.screens.audit import PAGE
    from jagtui.screens.lazy_table import LazyTable
    from jagtui.store import audit

    seed(store, cfg)
    with store.write() as session:
        for n in range(PAGE + 20):
            audit.record(session, "view", table_name="cases", record_id=n, note=f"entry {n}")
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("9")
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#audit-rows", LazyTable)
        assert len(screen.rows) == PAGE
        assert table.row_count < PAGE and len(table._cells) <= 48
        await pilot.press("end")
        await settle(app, pilot)
        assert table.cursor_row == PAGE - 1
        assert screen.highlighted() is screen.rows[-1]
        assert f"#{screen.rows[-1].id} " in str(screen.query_one("#audit-detail").render())


async def test_admin_screens_are_not_restyled_whole_as_they_first_open(store, cfg, monkeypatch):
    """Textual resumes a new screen twice as it opens, restyling every widget each time;
    these were styled as they mounted. Coming back later still restyles (styles may have
    changed while away)."""
    from textual.dom import DOMNode
    from textual.screen import Screen

    seed(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        restyled = []
        original = DOMNode.update_node_styles
        monkeypatch.setattr(DOMNode, "update_node_styles", lambda self, animate=True: (
            isinstance(self, Screen) and restyled.append(type(self).__name__))
            or original(self, animate))
        for key, screen in (("8", "RetentionScreen"), ("9", "AuditScreen"),
                            ("0", "CaseReviewsScreen")):
            await pilot.press(key)
            await settle(app, pilot)
            assert type(app.screen).__name__ == screen
        assert restyled == []
        await pilot.press("9")
        await settle(app, pilot)
        assert restyled == ["AuditScreen"]
