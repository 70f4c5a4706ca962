"""The first open of each screen a chair reaches from the case list (Flags, Escalation,
Actions, a case) neither re-parses the app's stylesheets nor restyles every widget open:
their styles are read with the app's at start. Textual re-parsed every stylesheet when a
screen brought a new one (tens of ms of each first open at county scale). Footer keys are
built compact, as their watcher would make them on mount (each restyled itself)."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet
from textual.widgets._footer import FooterKey

from jagtui.app import JagApp
from jagtui.screens.case_view import CaseScreen

from test_flags_screen import TODAY, seed, settle


async def test_screens_opened_from_the_list_bring_no_new_stylesheet(store, cfg, monkeypatch):
    seed(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        reparsed = []
        original = Stylesheet.reparse
        monkeypatch.setattr(Stylesheet, "reparse",
                            lambda self: reparsed.append(type(app.screen).__name__) or original(self))
        # Back to the list too: it was left unmarked at start, so coming back re-parsed.
        for key, screen in (("2", "FlagsScreen"), ("3", "EscalationScreen"),
                            ("4", "ActionsScreen"), ("1", "CaseListScreen")):
            await pilot.press(key)
            await settle(app, pilot)
            assert type(app.screen).__name__ == screen
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert reparsed == []
        keys = list(app.screen.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)
