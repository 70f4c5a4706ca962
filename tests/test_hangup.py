"""A dropped connection loses nothing: the real app, under a pseudo-terminal.

The case list's "new case" form is opened, text typed into its Title, and the
terminal hangs up before the autosave's pause has passed: the text is in the
drafts table and the process is gone within 5 seconds, having put the terminal
back. Then the same form, opened again, brings the text back.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from terminal import (
    drain,
    gone_within,
    kill_quietly,
    plain,
    private_env,
    spawn,
    wait_for_text,
)

from jagtui.identity import current_login
from jagtui.store import drafts, users
from jagtui.store.db import create_store, open_store

TYPED = "Hangup test, flat 4"


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "jagtui.db"
    store = create_store(f"sqlite:///{path}", "setup")
    with store.write() as session:
        users.add_user(session, current_login(), "Test Chair", role="chair")
    store.dispose()
    return path


def _draft(path, key="case:new"):
    store = open_store(f"sqlite:///{path}", current_login())
    try:
        with store.read() as session:
            return drafts.load(session, key)
    finally:
        store.dispose()


def _open_new_case_form_and_type(child) -> None:
    wait_for_text(child, "open cases")
    child.send("n")
    # The form's own footer: it is drawn once the form has focus, so keys reach it.
    wait_for_text(child, "Esc Cancel")
    child.send("\t\t")  # type, subject, then the title
    time.sleep(0.5)
    child.send(TYPED)
    wait_for_text(child, TYPED, timeout=30)


@pytest.mark.parametrize("how", ["sighup", "terminal closed", "sigterm"])
def test_hang_up_saves_the_typing_and_exits_within_5_seconds(database, tmp_path, how):
    child = spawn(["--db", str(database)], private_env(tmp_path))
    try:
        _open_new_case_form_and_type(child)
        # At once, well inside the autosave's pause: only the signal handler can save it.
        started = time.monotonic()
        if how == "sighup":
            os.kill(child.pid, signal.SIGHUP)
        elif how == "sigterm":
            os.kill(child.pid, signal.SIGTERM)
        if how == "terminal closed":
            child.ptyproc.fileobj.close()  # what sshd does when the connection drops
            after = ""
        else:
            after = drain(child, 2.0)
        took = gone_within(child, 5.0 - (time.monotonic() - started))
        assert took is not None, "jagtui was still running 5 seconds after the hang-up"
    finally:
        kill_quietly(child.pid)
    saved = _draft(database)
    assert saved is not None and saved.get("title") == TYPED, saved
    if after:
        # The terminal was put back: alternate screen left, cursor shown.
        assert "\x1b[?1049l" in after and "\x1b[?25h" in after


def test_the_draft_comes_back_in_the_same_form(database, tmp_path):
    child = spawn(["--db", str(database)], private_env(tmp_path))
    try:
        _open_new_case_form_and_type(child)
        os.kill(child.pid, signal.SIGHUP)
        assert gone_within(child, 5.0) is not None
    finally:
        kill_quietly(child.pid)
    child = spawn(["--db", str(database)], private_env(tmp_path))
    try:
        wait_for_text(child, "open cases")
        child.send("n")
        seen = wait_for_text(child, "Restored what you were typing")
        assert TYPED in plain(seen + drain(child, 1.0))
        child.send("\x1b")  # Esc: the form is dirty, so it asks before discarding
        wait_for_text(child, "Discard what you typed")
        child.send("y")
        time.sleep(1.0)
        child.send("\x11")  # ctrl+q
        assert gone_within(child, 10.0) is not None
    finally:
        kill_quietly(child.pid)
    assert _draft(database) is None


def test_a_stuck_save_still_ends_the_process_within_5_seconds(database, tmp_path):
    """Another process holds the write lock, so the draft cannot be saved in
    time: the exit deadline still ends jagtui, and puts the terminal back."""
    import sqlite3

    child = spawn(["--db", str(database)], private_env(tmp_path))
    blocker = sqlite3.connect(database, isolation_level=None)
    try:
        _open_new_case_form_and_type(child)
        blocker.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        os.kill(child.pid, signal.SIGHUP)
        after = drain(child, 5.0)
        took = gone_within(child, 5.0 - (time.monotonic() - started))
        assert took is not None, "jagtui was still running 5 seconds after the hang-up"
        assert "\x1b[?1049l" in after
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()
        kill_quietly(child.pid)
