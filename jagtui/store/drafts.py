"""Drafts: form fields saved as they are typed, restored when the form reopens."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.models import Draft


def save(session: Session, key: str, fields: dict[str, str]) -> None:
    login = session.info.get("login", "")
    draft = session.scalar(select(Draft).where(Draft.login == login, Draft.key == key))
    if draft is None:
        session.add(Draft(login=login, key=key, fields=dict(fields)))
    elif draft.fields != fields:
        draft.fields = dict(fields)
    session.flush()


def load(session: Session, key: str) -> dict[str, str] | None:
    login = session.info.get("login", "")
    draft = session.scalar(select(Draft).where(Draft.login == login, Draft.key == key))
    return dict(draft.fields) if draft else None


def discard(session: Session, key: str) -> None:
    login = session.info.get("login", "")
    draft = session.scalar(select(Draft).where(Draft.login == login, Draft.key == key))
    if draft is not None:
        session.delete(draft)
        session.flush()
