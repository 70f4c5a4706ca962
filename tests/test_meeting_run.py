"""A whole JAG run with the keyboard alone on the demo data, then its exports opened."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from textual.widgets import DataTable, Static

from jagtui.app import JagApp
from jagtui.config import Exports
from jagtui.demo import build_demo
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.meeting import ConfidentialityScreen, MeetingsScreen
from jagtui.screens.meeting_end import MeetingEndScreen
from jagtui.store import actions, agenda, meeting_run, meetings
from jagtui.store.meeting_run import Attendee
from pilot_help import settle

TODAY = date(2026, 11, 22)
FROZEN = datetime(2026, 11, 22, 10, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen_clocks(monkeypatch):
    monkeypatch.setattr(AgendaRunnerScreen, "now", staticmethod(lambda: FROZEN))
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)


@pytest.fixture
def demo(sqlite_store, cfg, tmp_path):
    build_demo(sqlite_store, cfg, TODAY)
    return sqlite_store, cfg.model_copy(update={"exports": Exports(directory=str(tmp_path / "out"))})


async def press(app, pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(app, pilot)


async def type_in(app, pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])
    await settle(app, pilot)


def _picks(store, cfg, count: int) -> list[tuple[Attendee, str]]:
    """People from the directory, each with the shortest prefix of their name that
    the search-as-you-type lists first (so the test types a few keys, as a chair would)."""
    with store.read() as session:
        people = meeting_run.directory(session, cfg)
        found = []
        for person in people:
            for n in range(3, len(person.name) + 1):
                if meeting_run.directory(session, cfg, person.name[:n])[0] == person:
                    found.append((person, person.name[:n]))
                    break
            if len(found) == count:
                return found
    raise AssertionError("the demo directory is too small")


async def test_a_whole_meeting_with_keys_only_then_its_exports(demo):
    store, cfg = demo
    (chair, chair_keys), (member, member_keys), (absent, absent_keys) = _picks(store, cfg, 3)
    newcomer = Attendee("Nia Jones", "CBC")
    with store.read() as session:
        was_open = {row.action.id for row in actions.action_rows(session)}
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await press(app, pilot, "5")
        assert isinstance(app.screen, MeetingsScreen)

        # Start: attendance picked from the directory, one typed in, one apology.
        await press(app, pilot, "n")
        await type_in(app, pilot, chair_keys)
        await press(app, pilot, "enter")
        await type_in(app, pilot, member_keys)
        await press(app, pilot, "enter")
        await type_in(app, pilot, absent_keys)
        await press(app, pilot, "ctrl+r")
        await press(app, pilot, "ctrl+n")
        await type_in(app, pilot, newcomer.name)
        await press(app, pilot, "tab")
        await type_in(app, pilot, newcomer.organisation)
        await press(app, pilot, "ctrl+s")
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, ConfidentialityScreen)
        await press(app, pilot, "y")
        runner = app.screen
        assert isinstance(runner, AgendaRunnerScreen)
        meeting_id = runner.meeting_id

        # The action log: one action updated, the next carried forward.
        while runner.item.kind != "actions":
            await press(app, pilot, "n")
        assert app.focused.id == "review"
        first = runner.view.review[0].action
        await press(app, pilot, "u")
        await type_in(app, pilot, "Visited twice")
        await press(app, pilot, "ctrl+s")
        assert app.screen is runner
        table = runner.query_one("#review", DataTable)
        second = runner.view.review[table.cursor_row].action
        assert second.id != first.id
        await press(app, pilot, "f")
        await press(app, pilot, "ctrl+s")

        # Two cases: a point, a decision and an action on each.
        decisions, new_actions = [], []
        for n in range(2):
            await press(app, pilot, "n")
            while runner.item.case_id is None:
                await press(app, pilot, "n")
            assert runner.current is not None and runner.current.file is not None
            await press(app, pilot, "i")
            await type_in(app, pilot, f"Two incidents {n + 1}")
            await press(app, pilot, "ctrl+s")
            await press(app, pilot, "escape")
            decisions.append(f"That patrols rise {n + 1}")
            await press(app, pilot, "a")
            await type_in(app, pilot, decisions[-1])
            await press(app, pilot, "ctrl+s")
            new_actions.append(f"Visit home {n + 1}")
            await press(app, pilot, "o")
            await type_in(app, pilot, new_actions[-1])
            await press(app, pilot, "tab")
            await type_in(app, pilot, "PC Hale")
            await press(app, pilot, "ctrl+s")
            assert app.screen is runner
        assert runner.item.kind in agenda.CASE_KINDS

        # End: the summary, then final minutes; then the exports from here.
        await press(app, pilot, "E")
        end = app.screen
        assert isinstance(end, MeetingEndScreen)
        changed = str(end.query_one("#summary", Static).content)
        assert "New actions (2)" in changed and "updated at this meeting (2)" in changed
        assert all(words in changed for words in decisions + new_actions)
        await press(app, pilot, "ctrl+s")
        assert end.final
        for key in ("m", "r", "l", "p"):
            await press(app, pilot, key)
        exported = dict(end.exported)
        assert set(exported) == {"minutes", "redacted", "actions", "plan"}
        await press(app, pilot, "escape")
        assert isinstance(app.screen, MeetingsScreen)

    with store.read() as session:
        meeting = meetings.get_meeting(session, meeting_id)
        reviewed = {row.action.id: row for row in actions.action_rows(session, status=None,
                                                                      action_ids=[first.id, second.id])}
        raised = actions.action_rows(session, status=None, meeting_id=meeting_id)
    assert meeting.status == "final" and meeting.next_meeting_on is not None
    assert reviewed[first.id].latest_update.text == "Visited twice"
    assert reviewed[second.id].latest_update.text.startswith("Carried forward to ")
    assert reviewed[second.id].action.due_on == meeting.next_meeting_on
    assert {first.id, second.id} <= was_open
    assert sorted(row.action.text for row in raised) == sorted(new_actions)
    assert all(row.action.ref.startswith("221126 Item ") for row in raised)

    markdown = next(p for p in exported["minutes"] if p.suffix == ".md").read_text(encoding="utf-8")
    from docx import Document

    word = Document(str(next(p for p in exported["minutes"] if p.suffix == ".docx")))
    docx_text = "\n".join([p.text for p in word.paragraphs] + [
        cell.text for table in word.tables for row in table.rows for cell in row.cells])
    from jagtui.rules.dates import fmt_date

    for text in (markdown, docx_text):
        for person in (chair, member, newcomer):
            assert person.name in text and person.organisation in text
        assert absent.name in text
        for words in decisions + new_actions:
            assert words in text
        assert "PC Hale" in text
        assert fmt_date(meeting.next_meeting_on) in text
