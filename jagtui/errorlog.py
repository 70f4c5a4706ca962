"""The error log: what failed, where, and nothing else.

Each entry is the exception's type and its chain of ``module:function:line``
(and the same for what caused it). Never its message and never local variables:
either may hold a victim's name, address or date of birth. The file is the
owner's only (0600), an older wider one narrowed before anything is added.

No Textual here: the command line uses it too, and must start fast.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime, timezone
from pathlib import Path

from jagtui.store.errors import Busy

ERROR_LOG_NAME = "errors.log"


def unwrapped(error: BaseException) -> BaseException:
    """The error itself, not the wrapper a worker puts round it (``WorkerFailed.error``)."""
    inner = getattr(error, "error", None)
    return inner if isinstance(inner, BaseException) and type(error).__name__ == "WorkerFailed" else error


def default_error_log() -> Path:
    from jagtui.config import user_data_dir

    return user_data_dir() / ERROR_LOG_NAME


def _causes(error: BaseException) -> list[BaseException]:
    """The error, then what caused it (``raise ... from``, or the one being handled)."""
    chain: list[BaseException] = []
    while error is not None and error not in chain and len(chain) < 8:
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return chain


def _qualified(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _frames(error: BaseException) -> list[str]:
    """``module:function:line`` for each frame, outermost first; file names, not paths."""
    found = []
    for frame in traceback.extract_tb(error.__traceback__):
        found.append(f"{_module_of(frame.filename)}:{frame.name}:{frame.lineno}")
    return found


def _module_of(filename: str) -> str:
    path = Path(filename)
    parts = path.with_suffix("").parts
    for anchor in ("jagtui", "textual", "sqlalchemy", "sqlmodel", "rich", "psycopg"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return ".".join(parts[index:])
    return path.stem


def describe(error: BaseException) -> list[str]:
    """The log lines for ``error``: type and frames of it and its causes. Never its text."""
    error = unwrapped(error)
    lines = []
    for n, link in enumerate(_causes(error)):
        lines.append(f"{'  caused by ' if n else ''}{_qualified(link)}")
        lines.extend(f"    at {frame}" for frame in _frames(link))
    return lines


def write_log(path: Path, lines: list[str]) -> bool:
    """Append an entry to ``path``, created (and kept) owner-only; False if it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(fd, 0o600)  # an older, wider file is narrowed before anything is added
            stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
            entry = f"{stamp} pid {os.getpid()}\n" + "".join(f"{line}\n" for line in lines)
            os.write(fd, entry.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except OSError:
        return False
    return True


def is_database(error: BaseException) -> bool:
    """A fault of the database or the connection to it (not of jagtui's code)."""
    # Only ever asked once something has failed: SQLAlchemy stays out of a fast start.
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    return any(isinstance(link, (DBAPIError, PoolTimeout, Busy)) for link in _causes(error))
