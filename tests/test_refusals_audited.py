"""What was refused is audited, with the operating-system login (issue 13, item 5).

A role refusal in the app (a viewer's edit, a screen their role does not open) or
on the command line (an export, a user added, the audit trail exported), and a
login that is not registered or is disabled: each leaves one ``refused`` row
saying who, as what, tried what. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import select

from jagtui import cli
from jagtui.app import JagApp
from jagtui.store.db import create_store
from jagtui.store.models import AuditEntry
from jagtui.store.users import add_user, set_active

TODAY = date(2026, 11, 22)


@pytest.fixture
def registered(db_url):
    store = create_store(db_url, "admin-user")
    with store.write() as session:
        for login, role in (("admin-user", "admin"), ("member-user", "member"),
                            ("viewer-user", "viewer"), ("gone-user", "member")):
            add_user(session, login, login.title(), "POLICE", role)
        set_active(session, "gone-user", False)
    yield store
    store.dispose()


def refused(store) -> list[tuple]:
    with store.read() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.operation == "refused")
                               .order_by(AuditEntry.id))
        return [(row.login, row.detail["role"], row.detail["permission"], row.detail["doing"],
                 row.detail["reason"]) for row in rows]


def test_each_command_line_refusal_is_audited_with_the_login(registered, db_url, tmp_path,
                                                              monkeypatch, capsys):
    monkeypatch.setattr(JagApp, "run", lambda self: None)
    tries = [
        ("viewer-user", ["export", "actions", "--all", "--format", "csv"]),
        ("member-user", ["users", "add", "someone", "--name", "Some One"]),
        ("member-user", ["users", "role", "member-user", "admin"]),
        ("member-user", ["audit", "export", "--output", str(tmp_path / "trail.csv")]),
        ("stranger", ["run"]),
        ("gone-user", ["export", "actions", "--all", "--format", "csv"]),
    ]
    umask = os.umask(0o077)
    try:
        for login, argv in tries:
            monkeypatch.setattr("jagtui.identity.current_login", lambda login=login: login)
            assert cli.main([*argv, "--db", db_url]) == 2, (login, argv)
            assert "jagtui: " in capsys.readouterr().err
    finally:
        os.umask(umask)
    assert refused(registered) == [
        ("viewer-user", "viewer", "export", "export actions", "role viewer"),
        ("member-user", "member", "admin",
         "administer users, the audit trail, retention and backups", "role member"),
        ("member-user", "member", "admin",
         "administer users, the audit trail, retention and backups", "role member"),
        ("member-user", "member", "admin", "audit export", "role member"),
        ("stranger", "none", "view", "run", "not registered"),
        ("gone-user", "member", "export", "export actions", "disabled"),
    ]
    with registered.read() as session:  # the refused change was not made
        from jagtui.store.users import get_user

        assert get_user(session, "someone") is None
        assert get_user(session, "member-user").role == "member"


async def test_each_refusal_in_the_app_is_audited_with_the_login(registered, db_url, cfg):
    store = create_store(db_url, "viewer-user")
    app = JagApp(store, cfg, role="viewer", today=lambda: TODAY)
    app.change_poll_seconds = 0
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            for key in ("9", "7", "n"):  # the audit trail, import, a new case
                await pilot.press(key)
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.current_mode == "cases"
    finally:
        store.dispose()
    assert refused(registered) == [
        ("viewer-user", "viewer", "admin",
         "administer users, the audit trail, retention and backups (CaseListScreen)",
         "role viewer"),
        ("viewer-user", "viewer", "import", "import partner data (CaseListScreen)", "role viewer"),
        ("viewer-user", "viewer", "edit", "make changes (CaseListScreen)", "role viewer"),
    ]
