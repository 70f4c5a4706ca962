"""File modes: owner-only whatever the umask, and a warning when found wider.

Real first runs of ``jagtui`` in subprocesses under umask 022 (the usual
default), with every per-user folder in a temporary home.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from terminal import (
    ROOT,
    drain,
    gone_within,
    kill_quietly,
    plain,
    private_env,
    spawn,
    wait_for_text,
)

from jagtui import files
from jagtui.identity import current_login


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _jagtui(env, *args, umask=0o022):
    command = " ".join(f"'{part}'" for part in (sys.executable, "-m", "jagtui.cli", *args))
    return subprocess.run(["/bin/sh", "-c", f"umask {umask:03o}; exec {command}"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def _while_running(env, args, check, umask=0o022):
    """Run the app under a terminal, call ``check(output so far)`` while it is open, quit."""
    child = spawn(args, env, umask=umask)
    try:
        seen = wait_for_text(child, "open cases")
        seen += drain(child, 1.0)
        check(seen)
        child.send("\x11")  # ctrl+q
        assert gone_within(child, 15) is not None
    finally:
        kill_quietly(child.pid)


def test_a_first_run_under_umask_022_makes_everything_owner_only(tmp_path):
    env = private_env(tmp_path)
    made = _jagtui(env, "db", "upgrade")
    assert made.returncode == 0, made.stderr
    data = tmp_path / "data" / "jagtui"
    db = data / "jagtui.db"
    assert _mode(data) == 0o700 and _mode(db) == 0o600
    added = _jagtui(env, "users", "add", current_login(), "--name", "First Admin")
    assert added.returncode == 0, added.stderr

    def check(output: str) -> None:
        assert "warning" not in plain(output)
        for suffix in ("-wal", "-shm"):
            assert _mode(db.with_name(db.name + suffix)) == 0o600, suffix
        assert _mode(data) == 0o700 and _mode(db) == 0o600

    _while_running(env, [], check)
    (tmp_path / "backups").mkdir(mode=0o700)
    backup = _jagtui(env, "backup", str(tmp_path / "backups"))
    assert backup.returncode == 0, backup.stderr
    [made_backup] = list((tmp_path / "backups").iterdir())
    assert _mode(made_backup) == 0o600


def test_wider_modes_are_warned_about_before_and_inside_the_app(tmp_path):
    env = private_env(tmp_path)
    folder = tmp_path / "db"
    db = folder / "jagtui.db"
    assert _jagtui(env, "db", "upgrade", "--db", str(db)).returncode == 0
    assert _jagtui(env, "users", "add", current_login(), "--name", "A", "--db", str(db)).returncode == 0
    os.chmod(db, 0o644)
    os.chmod(folder, 0o755)

    def check(output: str) -> None:
        before_app = plain(output.split("\x1b[?1049h")[0])
        assert f"jagtui: warning: The database file {db} is open to anyone on the server " \
               "(mode 0644): run `chmod 600" in before_app
        assert f"The database folder {folder} is open to anyone" in before_app
        assert "Check file permissions" in plain(output)  # the notification inside the app

    _while_running(env, ["--db", str(db)], check)


def test_a_shared_setgid_folder_gets_group_modes_and_no_warning(tmp_path):
    env = private_env(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    db = shared / "jagtui.db"
    assert _jagtui(env, "db", "upgrade", "--db", str(db)).returncode == 0
    assert _mode(db) == 0o660
    assert _jagtui(env, "users", "add", current_login(), "--name", "A", "--db", str(db)).returncode == 0

    def check(output: str) -> None:
        assert "warning" not in plain(output)
        for suffix in ("-wal", "-shm"):
            assert _mode(db.with_name(db.name + suffix)) == 0o660, suffix

    _while_running(env, ["--db", str(db)], check)
    os.chmod(db, 0o664)
    assert files.database_warnings(db) == [
        f"The database file {db} is open to anyone on the server (mode 0664): run `chmod 660 {db}`"]


def test_warnings_name_exports_and_their_files(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir(mode=0o700)
    (exports / "minutes.md").write_text("x")
    os.chmod(exports / "minutes.md", 0o600)
    assert files.exports_warnings(exports) == []
    os.chmod(exports / "minutes.md", 0o640)
    os.chmod(exports, 0o750)
    assert files.exports_warnings(exports) == [
        f"The exports folder {exports} is open to its group (mode 0750): run `chmod 700 {exports}`",
        f"1 export file(s) in {exports} are readable by others: run `chmod 600 {exports}/*`",
    ]
    # A folder that does not exist yet is nothing to warn about.
    assert files.exports_warnings(tmp_path / "nowhere") == []
    assert files.startup_warnings(None, str(exports))[0].startswith("The exports folder")
