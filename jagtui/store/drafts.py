"""Drafts: form fields saved as they are typed, restored when the form reopens.

A draft goes to the database. When the database is held by another user's save
for longer than a draft may wait (on a hang-up the process has seconds to live),
it goes to an owner-only (0600) file beside the database instead, and comes
back from there the next time the form opens: what was typed is never lost to
a busy database. The next draft that reaches the database for that form
replaces the file's copy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session

from jagtui.config import user_data_dir
from jagtui.store.db import sqlite_path
from jagtui.store.errors import StoreError
from jagtui.store.models import Draft

# How long a draft waits for another user's save before going to the file instead:
# well inside the four seconds a hung-up session has to save and exit.
DRAFT_WAIT_MS = 1000
SPILLED = "The database was busy: your draft was kept in a file and comes back next time"


def save(session: Session, key: str, fields: dict[str, str]) -> None:
    login = session.info.get("login", "")
    draft = session.scalar(select(Draft).where(Draft.login == login, Draft.key == key))
    if draft is None:
        session.add(Draft(login=login, key=key, fields=dict(fields)))
    elif draft.fields != fields:
        draft.fields = dict(fields)
    session.flush()


def load(session: Session, key: str) -> dict[str, str] | None:
    """The draft for ``key``: the file's copy if the database was busy when it was kept."""
    login = session.info.get("login", "")
    spilled = _read(spill_path(session.get_bind(), login))
    if key in spilled:
        return dict(spilled[key]) if spilled[key] is not None else None
    draft = session.scalar(select(Draft).where(Draft.login == login, Draft.key == key))
    return dict(draft.fields) if draft else None


def discard(session: Session, key: str) -> None:
    login = session.info.get("login", "")
    draft = session.scalar(select(Draft).where(Draft.login == login, Draft.key == key))
    if draft is not None:
        session.delete(draft)
        session.flush()


def keep(store, key: str, fields: dict[str, Any] | None) -> str | None:
    """Save (or with ``None`` discard) the draft, to the file if the database stays busy.

    Returns a line for the user when it went to the file, else None.
    """
    path = spill_path(store.engine, store.login)
    try:
        with store.write(wait_ms=DRAFT_WAIT_MS) as session:
            if fields is None:
                discard(session, key)
            else:
                save(session, key, fields)
    except StoreError:
        _update(path, key, fields, spill=True)
        return SPILLED
    _update(path, key, fields, spill=False)
    return None


# --- the file -----------------------------------------------------------------------------------

def spill_path(engine: Engine, login: str) -> Path:
    """``.jagtui.db.drafts-asmith.json`` beside an SQLite database (the data folder is the
    partnership's, the file only its owner's); in the user's data folder for PostgreSQL."""
    database = sqlite_path(engine.url.render_as_string(hide_password=True))
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in login) or "user"
    if database is not None:
        return database.with_name(f".{database.name}.drafts-{safe}.json")
    return user_data_dir() / f"drafts-{safe}.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _update(path: Path, key: str, fields: dict[str, Any] | None, *, spill: bool) -> None:
    """Put ``key`` in the file (a removal kept as None), or take it out once the database has it."""
    found = _read(path)
    if spill:
        found[key] = fields
    elif key in found:
        del found[key]
    else:
        return
    if not found:
        path.unlink(missing_ok=True)
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(found, out, default=str)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)

