"""Every session started as the database owner or a superuser on PostgreSQL says, on
stderr before the app starts and in a notification inside it, that this login could
rewrite the audit trail; the app role and SQLite start without it."""

from __future__ import annotations

import pytest

from jagtui.app import JagApp
from jagtui.cli import main
from jagtui.identity import current_login

from test_audit_roles import pg_roles  # noqa: F401 (the owner and app roles fixture)


@pytest.fixture
def started(monkeypatch):
    """``jagtui run`` up to the point the app would take the terminal: the apps made."""
    apps = []
    monkeypatch.setattr(JagApp, "run", lambda self, *a, **k: apps.append(self))
    return apps


def run_as(url: str) -> int:
    return main(["run", "--db", url])


def test_a_superuser_or_the_owner_is_warned_at_every_start(db_url, started, capsys):
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert main(["users", "add", current_login(), "--name", "A", "--db", db_url]) == 0
    capsys.readouterr()
    assert run_as(db_url) == 0
    err = capsys.readouterr().err
    [app] = started
    if db_url.startswith("sqlite"):
        assert "audit" not in err and list(app.startup_notices) == []
        return
    [line] = [line for line in err.splitlines() if "audit trail" in line]
    assert line.startswith("jagtui: warning: ") and "superuser" in line
    assert "connect jagtui as an app role" in line
    [(title, words)] = app.startup_notices
    assert title == "Audit trail at risk" and "superuser" in words


async def test_the_notice_shows_inside_the_app(sqlite_store, cfg):
    app = JagApp(sqlite_store, cfg)
    app.change_poll_seconds = 0
    app.startup_notices = [("Audit trail at risk", "[b]postgres[/b] is a superuser")]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [(n.title, n.message) for n in app._notifications]
    assert ("Audit trail at risk", "[b]postgres[/b] is a superuser") in shown


def test_the_app_role_starts_without_a_warning(pg_roles, started, capsys):  # noqa: F811
    urls, _owner, app_role = pg_roles
    assert main(["db", "upgrade", "--db", urls["owner"], "--app-role", app_role]) == 0
    assert main(["users", "add", current_login(), "--name", "A", "--db", urls["app"]]) == 0
    capsys.readouterr()
    assert run_as(urls["owner"]) == 0
    assert "owns the tables" in capsys.readouterr().err
    assert run_as(urls["app"]) == 0
    assert "audit" not in capsys.readouterr().err
    assert [list(app.startup_notices) for app in started] == [
        [("Audit trail at risk", started[0].startup_notices[0][1])], []]
