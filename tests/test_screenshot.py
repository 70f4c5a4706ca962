"""The palette's Screenshot is an export (issue 13, item 6): offered only to roles
that may export, written owner-only (0600) into the exports folder, and audited;
never to ~/Downloads, and refused (and audited) for a viewer however it is asked for.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import stat
from datetime import date
from pathlib import Path

from sqlalchemy import select
from textual.command import CommandList, CommandPalette

from jagtui.app import JagApp
from jagtui.store.models import AuditEntry
from jagtui.store.users import add_user

from export_fixture import exports_cfg
from pilot_help import settle

TODAY = date(2026, 11, 22)


def _app(store, cfg, role):
    with store.write() as session:
        add_user(session, store.login, "Someone", "POLICE", role)
    app = JagApp(store, cfg, role=role, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


async def palette_prompts(app, pilot, words: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*words)
    for _ in range(20):  # the palette searches in the background
        await pilot.pause(0.05)
    found = app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(n).prompt) for n in range(found.option_count)]


def audit_rows(store, operation: str) -> list[dict]:
    with store.read() as session:
        return [row.detail for row in session.scalars(
            select(AuditEntry).where(AuditEntry.operation == operation).order_by(AuditEntry.id))]


async def test_a_member_saves_a_screenshot_owner_only_in_the_exports_folder(
        store, cfg, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = tmp_path / "exports"
    app = _app(store, exports_cfg(cfg, folder), "member")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        prompts = await palette_prompts(app, pilot, "screenshot")
        assert prompts and prompts[0].startswith("Screenshot"), prompts
        await pilot.press("enter")
        for _ in range(40):  # after the palette closes, then a worker
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if list(folder.glob("*.svg")):
                break
        saved = list(folder.glob("*.svg"))
        notices = [n.message for n in app._notifications]
    assert len(saved) == 1 and saved[0].name.startswith("screenshot-CaseListScreen-")
    assert stat.S_IMODE(saved[0].stat().st_mode) == 0o600
    assert "<svg" in saved[0].read_text(encoding="utf-8")
    assert any(str(saved[0]) in notice for notice in notices), notices
    assert [(d["what"], d["path"], d["screen"], d["privacy_mode"])
            for d in audit_rows(store, "export")] == [
        ("screenshot", str(saved[0]), "CaseListScreen", False)]
    assert not (tmp_path / "home").exists()  # nothing in ~/Downloads


async def test_a_viewer_is_not_offered_a_screenshot_and_is_refused_one(
        store, cfg, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = tmp_path / "exports"
    app = _app(store, exports_cfg(cfg, folder), "viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        prompts = await palette_prompts(app, pilot, "screenshot")
        assert not any(prompt.startswith("Screenshot") for prompt in prompts), prompts
        await pilot.press("escape")
        await settle(app, pilot)
        # Textual's other ways in (its action, TEXTUAL_SCREENSHOT's save) are refused too.
        await app.run_action("screenshot")
        app.save_screenshot(path=str(tmp_path), filename="taken.svg")
        await settle(app, pilot)
        await asyncio.sleep(0)
    assert not folder.exists() or not list(folder.glob("*.svg"))
    assert not list(Path(tmp_path).glob("*.svg")) and not (tmp_path / "home").exists()
    assert audit_rows(store, "export") == []
    assert [d["permission"] for d in audit_rows(store, "refused")] == ["export", "export"]
