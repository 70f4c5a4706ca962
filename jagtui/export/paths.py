"""Where exports go, what they are called, and how they are written.

Files land in ``cfg.exports.directory`` (or ``<user data dir>/exports``), a
folder created owner-only (0700); every file is written owner-only (0600)
whatever the umask, through a temporary file and an atomic rename so a reader
never sees half a document.

Names are predictable (``JAG-minutes-2026-11-22.md``,
``JAG-minutes-2026-11-22-redacted.docx``, ``JAG-action-log-2026-11-22.csv``,
``JAG-action-log-2026-11-22-meeting.xlsx`` for one meeting's log,
``JAG-plan-progress-2026-27-Q3.xlsx``). Exporting the same thing again
replaces its own file; a file with that name from something else (another
meeting on the same day, another database, a file the user put there) is never
overwritten: the export takes the next free ``-2``, ``-3`` ... name instead. A
small manifest in the folder remembers which export owns which name.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from jagtui.config import Config, user_data_dir
from jagtui.store.errors import StoreError

MANIFEST = ".jagtui-exports.json"
LOCK = ".jagtui-exports.lock"
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


class ExportError(StoreError):
    """An export that cannot be written; the message is one line for the user."""


def exports_dir(cfg: Config) -> Path:
    """The exports folder, created owner-only if it does not exist yet."""
    configured = cfg.exports.directory.strip()
    folder = Path(configured).expanduser() if configured else user_data_dir() / "exports"
    if folder.exists():
        if not folder.is_dir():
            raise ExportError(f"The exports directory {folder} is a file, not a folder")
        return folder
    try:
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ExportError(f"Cannot create the exports directory {folder}: {exc.strerror}") from None
    return folder


def check_formats(formats: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    """The requested formats (``"md"``, ``".docx"`` ...), each once, or :class:`ExportError`."""
    chosen = list(dict.fromkeys(f.strip().lower().lstrip(".") for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        raise ExportError(f"Unknown format {', '.join(unknown) or '(none)'}: "
                          f"choose from {', '.join(allowed)}")
    return chosen


def slug(text: str) -> str:
    """A file-name part: letters, digits and single hyphens only."""
    return _UNSAFE.sub("-", text).strip("-") or "export"


def minutes_base(subgroup: str, held_on: date, redacted: bool) -> str:
    """``JAG-minutes-2026-11-22`` (``-redacted`` for the wider-circulation version)."""
    return f"{slug(subgroup)}-minutes-{held_on.isoformat()}{'-redacted' if redacted else ''}"


def action_log_base(on: date, *, subgroup: str = "JAG", meeting_only: bool = False,
                    status: str | None = "open") -> str:
    """``JAG-action-log-2026-11-22``; ``-meeting`` for one meeting's log (what it reviewed
    and raised, every status), else ``-all`` / ``-complete`` / ``-cancelled`` when not
    just the open ones."""
    parts = [f"{slug(subgroup)}-action-log-{on.isoformat()}"]
    if meeting_only:
        parts.append("meeting")
    elif status != "open":
        parts.append(slug(status) if status else "all")
    return "-".join(parts)


def plan_base(quarter: str) -> str:
    """``JAG-plan-progress-2026-27-Q3`` for the quarter ``2026/27 Q3``."""
    return f"JAG-plan-progress-{slug(quarter)}"


def _private_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as 0600, atomically (temporary file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _locked(folder: Path) -> Iterator[dict[str, str]]:
    """The manifest (file name -> owner), read and rewritten under an exclusive lock."""
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = folder / MANIFEST
        try:
            owners = json.loads(path.read_text(encoding="utf-8")).get("files", {})
        except (FileNotFoundError, ValueError, AttributeError):
            owners = {}
        before = dict(owners)
        yield owners
        if owners != before:
            _private_write(path, json.dumps({"files": owners}, indent=1, sort_keys=True).encode())
    finally:
        os.close(fd)


def _free_names(folder: Path, base: str, extensions: list[str], owner: str,
                owners: Mapping[str, str]) -> list[Path]:
    """The first ``base[-n].ext`` set this owner may write: unused, or already its own."""
    n = 1
    while True:
        stem = base if n == 1 else f"{base}-{n}"
        paths = [folder / f"{stem}.{ext}" for ext in extensions]
        # A name is ours if we wrote it last, or free if nothing is there any more.
        if all(owners.get(p.name) == owner or not p.exists() for p in paths):
            return paths
        n += 1


def owner_key(store, what: str) -> str:
    """Who an export belongs to: this database and the thing exported."""
    return f"{store.url}#{what}"


def save_exports(store, cfg: Config, *, base: str, owner: str, files: Mapping[str, bytes],
                 what: str, redacted: bool = False, record_id: int | None = None,
                 table_name: str = "", **detail) -> list[Path]:
    """Write ``files`` (extension -> bytes) as ``base.<ext>`` and audit each one.

    The files and their audit rows go together: if the audit transaction fails,
    the files just written are removed again.
    """
    from jagtui.store import audit

    folder = exports_dir(cfg)
    written: list[Path] = []
    try:
        with _locked(folder) as owners, store.write() as session:
            paths = _free_names(folder, base, list(files), owner, owners)
            for path, data in zip(paths, files.values(), strict=True):
                _private_write(path, data)
                written.append(path)
                owners[path.name] = owner
                audit.record(session, "export", table_name=table_name, record_id=record_id,
                             what=what, path=str(path), format=path.suffix.lstrip("."),
                             redacted=redacted, **detail)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise ExportError(f"Cannot write to {folder}: {exc.strerror or exc}") from None
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
