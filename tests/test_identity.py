"""Who is using jagtui: the operating-system login, looked up before any data is shown.

Real processes where the real login matters (an environment variable must not
change who you are); in-process runs with ``jagtui.identity.current_login``
monkeypatched where a test needs to be several people.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from jagtui import cli
from jagtui.identity import current_login
from jagtui.store.db import create_store
from jagtui.store.models import AuditEntry, User

ME = current_login()


def jagtui(*args, env=None):
    return subprocess.run([sys.executable, "-m", "jagtui.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def empty_db(tmp_path):
    path = tmp_path / "jag.db"
    create_store(f"sqlite:///{path}", "setup").dispose()
    return str(path)


@pytest.fixture
def run_as(monkeypatch):
    """Run ``jagtui`` in this process as a given login; returns (exit status, stdout, stderr)."""
    umask = os.umask(0o022)
    os.umask(umask)

    def run(login: str, *argv: str, capsys=None):
        monkeypatch.setattr("jagtui.identity.current_login", lambda: login)
        try:
            return cli.main(list(argv))
        finally:
            os.umask(umask)  # cli.main makes the process umask private

    return run


def test_an_unregistered_login_gets_one_line_and_status_2_before_any_data(empty_db):
    expected = (f"jagtui: {ME} is not registered for jagtui: ask an administrator to run "
                f"`jagtui users add {ME}`\n")
    for argv in (["--db", empty_db], ["run", "--db", empty_db],
                 ["retention", "review", "--db", empty_db],
                 ["audit", "export", "--output", "-", "--db", empty_db]):
        done = jagtui(*argv)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", expected), argv


def test_environment_variables_do_not_change_who_you_are(empty_db):
    assert jagtui("users", "add", ME, "--name", "First Admin", "--db", empty_db).returncode == 0
    env = dict(os.environ, USER="mallory", LOGNAME="mallory", SUDO_USER="mallory")
    done = jagtui("users", "list", "--db", empty_db, env=env)
    assert done.returncode == 0, done.stderr
    assert "mallory" not in done.stdout
    store = create_store(f"sqlite:///{empty_db}", "check")
    with store.read() as session:
        assert [user.login for user in session.scalars(select(User))] == [ME]
    store.dispose()


def test_the_first_user_must_be_an_admin_then_only_admins_manage_users(empty_db, run_as, capsys):
    assert run_as("ann", "users", "list", "--db", empty_db) == 2
    assert "No users yet" in capsys.readouterr().err
    assert run_as("ann", "users", "add", "ann", "--role", "member", "--db", empty_db) == 2
    assert "The first user must be an admin" in capsys.readouterr().err
    assert run_as("ann", "users", "add", "ann", "--name", "Ann Admin", "--db", empty_db) == 0
    assert "Added ann as admin (the first user is always an admin)" in capsys.readouterr().out
    assert run_as("ann", "users", "add", "bob", "--name", "Bob", "--db", empty_db) == 0
    assert "Added bob as member" in capsys.readouterr().out
    # The bootstrap route is closed now that someone is registered.
    assert run_as("bob", "users", "add", "eve", "--name", "Eve", "--role", "admin",
                  "--db", empty_db) == 2
    assert "bob: Your role (member) cannot administer users" in capsys.readouterr().err
    assert run_as("eve", "users", "add", "eve", "--name", "Eve", "--db", empty_db) == 2
    assert "eve is not registered" in capsys.readouterr().err


def test_disabled_logins_are_shut_out_and_the_last_admin_stays(empty_db, run_as, capsys):
    run_as("ann", "users", "add", "ann", "--name", "Ann", "--db", empty_db)
    run_as("ann", "users", "add", "bob", "--name", "Bob", "--role", "viewer", "--db", empty_db)
    assert run_as("ann", "users", "disable", "bob", "--db", empty_db) == 0
    capsys.readouterr()
    assert run_as("bob", "--db", empty_db) == 2
    assert capsys.readouterr().err == ("jagtui: bob is disabled for jagtui: ask an administrator "
                                       "to run `jagtui users enable bob`\n")
    assert run_as("ann", "users", "disable", "ann", "--db", empty_db) == 2
    assert "only active admin" in capsys.readouterr().err
    assert run_as("ann", "users", "role", "ann", "member", "--db", empty_db) == 2
    assert run_as("ann", "users", "enable", "bob", "--db", empty_db) == 0
    assert run_as("ann", "users", "role", "bob", "admin", "--db", empty_db) == 0
    assert run_as("ann", "users", "role", "ann", "member", "--db", empty_db) == 0
    capsys.readouterr()
    assert run_as("ann", "users", "list", "--db", empty_db) == 2  # a member now


def test_the_app_opens_with_the_users_role_and_name_and_audits_the_login(
        empty_db, run_as, monkeypatch):
    from jagtui.app import JagApp

    run_as("ann", "users", "add", "ann", "--name", "Ann Admin", "--db", empty_db)
    run_as("ann", "users", "add", "vic", "--name", "Vic [b]Viewer[/b]", "--role", "viewer",
           "--db", empty_db)
    opened = []
    monkeypatch.setattr(JagApp, "run", lambda self: opened.append(
        (self.role, self.user_name, self.private)))
    monkeypatch.setenv("SSH_CONNECTION", "203.0.113.9 50022 192.0.2.1 22")
    assert run_as("vic", "--db", empty_db) == 0
    assert opened == [("viewer", "Vic [b]Viewer[/b]", False)]
    monkeypatch.delenv("SSH_CONNECTION")
    assert run_as("vic", "run", "--db", empty_db) == 0
    store = create_store(f"sqlite:///{empty_db}", "check")
    with store.read() as session:
        logins = session.scalars(select(AuditEntry).where(AuditEntry.operation == "login")).all()
    store.dispose()
    assert [(e.login, e.detail) for e in logins] == [
        ("vic", {"role": "viewer", "connected_from": "ssh 203.0.113.9"}),
        ("vic", {"role": "viewer", "connected_from": "local"}),
    ]


def _two_accounts():
    """Two real non-root accounts: the service account's stand-in and a partner's."""
    import pwd

    found = [entry for entry in pwd.getpwall() if entry.pw_uid != 0]
    return found[0], found[1]


def test_sudo_user_is_trusted_only_in_the_service_account_started_by_sudo():
    from jagtui.identity import SERVICE_ACCOUNT, sudo_login

    service, partner = _two_accounts()
    uid = service.pw_uid
    sudo = {SERVICE_ACCOUNT: service.pw_name, "SUDO_USER": partner.pw_name,
            "SUDO_UID": str(partner.pw_uid)}
    assert sudo_login(service.pw_name, uid, uid, sudo) == partner.pw_name
    assert sudo_login(service.pw_name, uid, uid, {**sudo, "SUDO_USER": "root",
                                                   "SUDO_UID": "0"}) == "root"
    for why, own, real, effective, env in (
        ("not marked as the service account", service.pw_name, uid, uid,
         {k: v for k, v in sudo.items() if k != SERVICE_ACCOUNT}),
        ("marked as another account", partner.pw_name, partner.pw_uid, partner.pw_uid,
         {**sudo, "SUDO_USER": service.pw_name, "SUDO_UID": str(uid)}),
        ("root is never the service account", "root", 0, 0, {**sudo, SERVICE_ACCOUNT: "root"}),
        ("a setuid process", service.pw_name, partner.pw_uid, uid, sudo),
        ("SUDO_UID not the login's", service.pw_name, uid, uid, {**sudo, "SUDO_UID": "0"}),
        ("SUDO_UID missing", service.pw_name, uid, uid, {**sudo, "SUDO_UID": ""}),
        ("an unknown login", service.pw_name, uid, uid, {**sudo, "SUDO_USER": "no-such-login"}),
        ("the service account itself", service.pw_name, uid, uid,
         {**sudo, "SUDO_USER": service.pw_name, "SUDO_UID": str(uid)}),
    ):
        assert sudo_login(own, real, effective, env) is None, why


def test_a_forged_sudo_user_outside_the_service_account_changes_nothing(empty_db):
    """Claiming to be the service account as well does not help a process that is not it."""
    from jagtui.identity import SERVICE_ACCOUNT

    assert jagtui("users", "add", ME, "--name", "First Admin", "--db", empty_db).returncode == 0
    env = dict(os.environ, SUDO_USER="daemon", SUDO_UID="1", **{SERVICE_ACCOUNT: "daemon"})
    done = jagtui("users", "list", "--db", empty_db, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\t")[0] == ME


def test_where_from_is_an_address_or_nothing(monkeypatch):
    from jagtui.identity import connected_from

    monkeypatch.setenv("SSH_CONNECTION", "203.0.113.9 51234 10.0.0.1 22")
    assert connected_from() == "ssh 203.0.113.9"
    monkeypatch.setenv("SSH_CONNECTION", "\x1b]0;pwned\x07 1 2 3")
    assert connected_from() == "ssh (address not given)"
    monkeypatch.delenv("SSH_CONNECTION")
    assert connected_from() == "local"
