"""Running the real ``jagtui`` under a pseudo-terminal, as a person at a terminal would."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
# Textual draws with escape sequences between words; compare text with them removed.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b.")


def plain(output: str) -> str:
    return _ESCAPES.sub("", output)


def private_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment whose per-user folders are all under ``home``."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JAGTUI_", "XDG_", "TEXTUAL"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), TERM="xterm-256color", COLUMNS="120",
               LINES="40", TEXTUAL_ANIMATIONS="none")
    env.update(extra)
    return env


def spawn(args: list[str], env: dict[str, str], umask: int | None = None) -> pexpect.spawn:
    """``jagtui ARGS`` on a 120x40 terminal (under ``umask`` if given)."""
    command = [sys.executable, "-m", "jagtui.cli", *args]
    if umask is not None:
        quoted = " ".join(f"'{part}'" for part in command)
        command = ["/bin/sh", "-c", f"umask {umask:03o}; exec {quoted}"]
    return pexpect.spawn(command[0], command[1:], env=env, cwd=str(ROOT), dimensions=(40, 120),
                         encoding="utf-8", codec_errors="replace", timeout=60)


def wait_for_text(child: pexpect.spawn, text: str, timeout: float = 60) -> str:
    """Read until ``text`` is on screen (escape sequences ignored); everything read so far."""
    seen = ""
    deadline = time.monotonic() + timeout
    while text not in plain(seen):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared; screen text: {plain(seen)[-2000:]!r}")
        try:
            seen += child.read_nonblocking(65536, timeout=0.2)
        except pexpect.TIMEOUT:
            continue
        except pexpect.EOF:
            raise AssertionError(f"jagtui ended before {text!r}: {plain(seen)[-2000:]!r}") from None
    return seen


def drain(child: pexpect.spawn, seconds: float) -> str:
    seen = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            seen += child.read_nonblocking(65536, timeout=0.1)
        except pexpect.TIMEOUT:
            continue
        except pexpect.EOF:
            break
    return seen


def gone_within(child: pexpect.spawn, seconds: float) -> float | None:
    """Seconds until ``child`` ended, or None if it outlived ``seconds``.

    Its output is read meanwhile (unless its terminal was closed): a program
    whose terminal nobody reads blocks on writing and never gets to exit.
    """
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            done, _status = os.waitpid(child.pid, os.WNOHANG)
        except ChildProcessError:
            return time.monotonic() - started
        if done:
            return time.monotonic() - started
        if child.ptyproc.fileobj.closed:
            time.sleep(0.05)
            continue
        try:
            child.read_nonblocking(65536, timeout=0.05)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError):
            time.sleep(0.02)
    return None


def kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
