"""Opening the file a user names for import, and nothing else.

jagtui runs as the partner's login (or a service account): a path typed into
the Import screen or given to ``jagtui import`` must not become a way to read
devices, pipes or any readable file. So: a regular file only (a symbolic link
is followed, and what it points to must be one), no larger than the configured
cap (``[import] max_mb``), read with a bounded read, and, when the config names
``[import] folders``, only from inside those folders (checked on the file
actually opened, so a link cannot lead out of them). Refusals say why in words
and never quote the file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_MB = 50
_CHUNK = 1 << 20


class Refused(Exception):
    """The path may not be read for import; the message says why (never the content).
    ``size`` is the file's size in bytes where it was looked at (for the audit trail)."""

    def __init__(self, message: str, size: int | None = None) -> None:
        super().__init__(message)
        self.size = size


@dataclass(frozen=True)
class Limits:
    """What an import may open: at most ``max_bytes``, from ``folders`` if any are set."""

    max_bytes: int = DEFAULT_MAX_MB * 2**20
    folders: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, settings) -> Limits:
        """From the config's ``[import]`` section (``max_mb``, ``folders``)."""
        if settings is None:
            return cls()
        return cls(int(settings.max_mb) * 2**20, tuple(settings.folders))

    @property
    def max_mb(self) -> int:
        return max(1, self.max_bytes // 2**20)

    def real_folders(self) -> list[Path]:
        return [Path(os.path.realpath(os.path.expanduser(folder))) for folder in self.folders]

    def allows(self, real: Path) -> bool:
        """Whether the real (resolved) path lies inside an allowed folder (or none is set)."""
        folders = self.real_folders()
        return not folders or any(real == folder or folder in real.parents for folder in folders)

    def where(self) -> str:
        return ", ".join(self.folders)


@dataclass
class Opened:
    """The bytes read and what the audit trail keeps about the file."""

    data: bytes
    size: int
    real_path: Path


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _opened_path(fd: int, fallback: Path) -> Path:
    """The path of the file behind ``fd`` (Linux's /proc), else the resolved name."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return Path(os.path.realpath(fallback))


def read_file(path: Path, limits: Limits) -> Opened:
    """The whole of ``path``, or :class:`Refused` saying why it may not be read."""
    try:
        shown = os.lstat(path)
    except FileNotFoundError:
        raise Refused(f"No file at {path}") from None
    except OSError as exc:
        raise Refused(f"Cannot read {path}: {exc.strerror or exc}") from None
    if limits.folders and not limits.allows(Path(os.path.realpath(path))):
        raise Refused(f"{path} is outside the folders imports are read from "
                      f"({limits.where()}): copy the file there first")
    try:
        # O_NONBLOCK: opening a pipe must not hang; a regular file reads as usual.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Refused(f"No file at {path} (a link to nothing?)") from None
    except OSError as exc:
        raise Refused(f"Cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = _kind(info.st_mode)
            via = " (through a link)" if stat.S_ISLNK(shown.st_mode) else ""
            hint = ": choose a CSV or .xlsx file" if what == "a folder" else \
                ": only a regular CSV or .xlsx file can be imported"
            raise Refused(f"{path} is {what}{via}{hint}", info.st_size)
        real = _opened_path(fd, path)
        if limits.folders and not limits.allows(real):  # swapped after the check above
            raise Refused(f"{path} is outside the folders imports are read from "
                          f"({limits.where()}): copy the file there first")
        if info.st_size > limits.max_bytes:
            raise Refused(_too_big(path, f"{info.st_size / 2**20:.1f} MB", limits), info.st_size)
        data = _bounded_read(fd, limits.max_bytes)
        if data is None:  # it grew while being read
            raise Refused(_too_big(path, f"over {limits.max_mb} MB", limits), limits.max_bytes + 1)
        return Opened(data, len(data), real)
    finally:
        os.close(fd)


def _too_big(path: Path, size: str, limits: Limits) -> str:
    return (f"{path.name} is {size}: imports take files up to {limits.max_mb} MB "
            "([import] max_mb in the config). Split it into smaller files")


def _bounded_read(fd: int, limit: int) -> bytes | None:
    """At most ``limit`` bytes; None if there is more."""
    parts, total = [], 0
    while True:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
