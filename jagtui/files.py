"""File modes: what jagtui creates is owner-only, and it says when it finds otherwise.

The process umask is set to 077 before anything is written, so the database,
its ``-wal``/``-shm`` files (SQLite gives them the database file's mode),
exports, backups and logs are 0600 and new folders 0700 whatever umask the
user's shell had.

One exception is deliberate: a server may keep one SQLite file for several
logins in a setgid folder owned by a common group (``2770``, the file ``0660``;
the layout older versions of ``deploy/setup.sh`` made, which now runs the app as
one service account instead, everything ``0600``). A setgid folder is that sign
of intent, so there the group may read and write; nobody else ever may.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SHARED_FILE = 0o660
SHARED_DIR = 0o770


def private_umask() -> int:
    """Make everything this process creates owner-only; returns the old umask."""
    return os.umask(PRIVATE_UMASK)


def is_shared_dir(folder: Path) -> bool:
    """A setgid folder: the documented layout for one database shared by a group."""
    try:
        return bool(folder.stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def database_file_mode(path: Path) -> int:
    """The mode a new database file at ``path`` gets: group-shared only in a setgid folder."""
    return SHARED_FILE if is_shared_dir(path.parent) else PRIVATE_FILE


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def _too_wide(path: Path, allowed: int, fix: int, what: str) -> str | None:
    mode = _mode(path)
    extra = 0 if mode is None else mode & 0o777 & ~allowed
    if not extra:
        return None
    who = "anyone on the server" if extra & 0o007 else "its group"
    return (f"{what} {path} is open to {who} (mode {mode & 0o777:04o}): "
            f"run `chmod {fix:o} {path}`")


def database_warnings(db_path: Path) -> list[str]:
    """One line per database file or folder wider than the rule allows."""
    folder = db_path.parent
    shared = is_shared_dir(folder)
    file_mode, dir_mode = (SHARED_FILE, SHARED_DIR) if shared else (PRIVATE_FILE, PRIVATE_DIR)
    found = [_too_wide(folder, dir_mode, 0o2770 if shared else PRIVATE_DIR, "The database folder")]
    for suffix in ("", "-wal", "-shm"):
        found.append(_too_wide(db_path.with_name(db_path.name + suffix), file_mode, file_mode,
                               "The database file"))
    return [line for line in found if line]


def exports_folder(configured: str) -> Path:
    """Where exports go (the rule of ``jagtui.export.paths.exports_dir``, without creating it)."""
    from jagtui.config import user_data_dir

    configured = configured.strip()
    return Path(configured).expanduser() if configured else user_data_dir() / "exports"


def exports_warnings(folder: Path) -> list[str]:
    found = [_too_wide(folder, PRIVATE_DIR, PRIVATE_DIR, "The exports folder")]
    if folder.is_dir():
        try:
            children = [child for child in folder.iterdir() if child.is_file()]
        except OSError:
            children = []
        wide = [child for child in children if (_mode(child) or 0) & 0o777 & ~PRIVATE_FILE]
        if wide:
            found.append(f"{len(wide)} export file(s) in {folder} are readable by others: "
                         f"run `chmod 600 {folder}/*`")
    return [line for line in found if line]


def startup_warnings(db_path: Path | None, exports_directory: str) -> list[str]:
    """Everything ``jagtui`` warns about before the app opens (empty when all is private)."""
    found = database_warnings(db_path) if db_path is not None else []
    return found + exports_warnings(exports_folder(exports_directory))
