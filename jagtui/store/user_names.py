"""Logins as the people reading minutes and screens know them: their display names."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from jagtui.store.models import User


def display_names(session: Session, logins: Iterable[str]) -> dict[str, str]:
    """Each login given -> the user's display name (one query for all of them); a login
    no longer registered (or never: "system") stays as it is, an empty one empty."""
    wanted = {login for login in logins if login}
    names = {login: login for login in wanted}
    if wanted:
        names.update(session.execute(
            select(User.login, User.display_name).where(User.login.in_(sorted(wanted)))).all())
    names[""] = ""
    return names
