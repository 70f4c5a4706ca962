"""Users: operating-system logins registered with a role."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.store import audit
from jagtui.store.errors import Invalid, NotFound, StoreError
from jagtui.store.models import ROLES, User
from jagtui.store.records import one_of, require


class NotAllowed(StoreError):
    """The login may not use jagtui (unknown or disabled); the message says what to do."""


# What servers and directory services (SSSD: name@domain, DOMAIN\name) accept as a
# login; anything else (spaces, control codes) cannot be someone's login and would
# be echoed to an administrator's terminal.
_LOGIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@\\-]{0,62}\$?")
# Right-to-left overrides and isolates reorder what follows them on screen and paper.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _login(login: str) -> str:
    login = require(login, "A login")
    if not _LOGIN.fullmatch(login):
        raise Invalid("A login is letters, digits and . _ - @ \\ only (as the server spells it), "
                      "at most 64 characters")
    return login


def _display_name(name: str) -> str:
    name = require(name, "A display name")
    if any(unicodedata.category(c) == "Cc" or c in _BIDI for c in name):
        raise Invalid("A display name cannot hold control characters (such as ESC) or "
                      "right-to-left overrides")
    return name


def get_user(session: Session, login: str) -> User | None:
    return session.scalar(select(User).where(User.login == login))


def add_user(session: Session, login: str, display_name: str, agency: str = "",
             role: str = "member") -> User:
    login = _login(login)
    if get_user(session, login) is not None:
        raise Invalid(f"User {login!r} already exists")
    user = User(login=login, display_name=_display_name(display_name), agency=agency,
                role=one_of(role, ROLES, "Role"))
    session.add(user)
    session.flush()
    return user


def _existing(session: Session, login: str) -> User:
    user = get_user(session, login)
    if user is None:
        raise NotFound(f"No user {login!r}")
    return user


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def active_user(session: Session, login: str) -> User:
    """The registered, enabled user for ``login``, or :class:`NotAllowed` saying what to do."""
    user = get_user(session, login)
    if user is None:
        raise NotAllowed(f"{login} is not registered for jagtui: "
                         f"ask an administrator to run `jagtui users add {login}`")
    if not user.active:
        raise NotAllowed(f"{login} is disabled for jagtui: "
                         f"ask an administrator to run `jagtui users enable {login}`")
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to demote or disable the last active admin: nobody could manage users after."""
    others = session.scalar(
        select(func.count()).select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    if user.role == "admin" and user.active and not others:
        raise Invalid(f"{user.login} is the only active admin: make another admin first")


def set_role(session: Session, login: str, role: str) -> User:
    user = _existing(session, login)
    role = one_of(role, ROLES, "Role")
    if role != "admin":
        _keep_an_admin(session, user)
    user.role = role
    session.flush()
    return user


def set_active(session: Session, login: str, active: bool) -> User:
    user = _existing(session, login)
    if not active:
        _keep_an_admin(session, user)
    user.active = active
    session.flush()
    return user


def record_login(session: Session, user: User, connected_from: str) -> None:
    """The audit row for a session starting: who, as what, from where."""
    audit.record(session, "login", table_name="users", record_id=user.id,
                 role=user.role, connected_from=connected_from)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.login)))
