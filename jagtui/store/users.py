"""Users: operating-system logins registered with a role."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.errors import Invalid, NotFound
from jagtui.store.models import ROLES, User
from jagtui.store.records import one_of, require


def get_user(session: Session, login: str) -> User | None:
    return session.scalar(select(User).where(User.login == login))


def add_user(session: Session, login: str, display_name: str, agency: str = "",
             role: str = "member") -> User:
    login = require(login, "A login")
    if get_user(session, login) is not None:
        raise Invalid(f"User {login!r} already exists")
    user = User(login=login, display_name=require(display_name, "A display name"), agency=agency,
                role=one_of(role, ROLES, "Role"))
    session.add(user)
    session.flush()
    return user


def _existing(session: Session, login: str) -> User:
    user = get_user(session, login)
    if user is None:
        raise NotFound(f"No user {login!r}")
    return user


def set_role(session: Session, login: str, role: str) -> User:
    user = _existing(session, login)
    user.role = one_of(role, ROLES, "Role")
    session.flush()
    return user


def set_active(session: Session, login: str, active: bool) -> User:
    user = _existing(session, login)
    user.active = active
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.login)))
