"""What the subcommands share: who is running them, and opening the database as them.

Every subcommand that touches data opens it with :func:`open_session` (or
:func:`open_db`), which looks the operating-system login up in the users table
and checks the role *before* anything is read: an unknown or disabled login, or
a role without the permission, ends as one line and exit status 2, and an audit
row saying who tried what (``jagtui.refusals``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the config (pydantic) is loaded after the arguments are read
    from jagtui.config import Config


class CliError(Exception):
    """A user-facing failure of a subcommand: one line, exit status 2."""


def login() -> str:
    # Looked up on each call so tests can monkeypatch jagtui.identity.current_login.
    from jagtui.identity import current_login

    return current_login()


def open_unchecked(args, cfg: Config):
    """The configured database, opened for the current login without asking who that is.

    Only for what must work before anyone is registered (the first ``users add``).
    """
    from jagtui.store.db import open_store, resolve_url

    url = resolve_url(getattr(args, "db", None), cfg.database.url)
    return open_store(url, login(), **cfg.database.engine_options())


def command_of(args) -> str:
    """The subcommand run, as typed ("export minutes"), without its other arguments."""
    command = getattr(args, "command", None) or "run"
    sub = getattr(args, f"{command}_command", None)
    return f"{command} {sub}" if isinstance(sub, str) else command


def authorise(session, permission: str, doing: str = ""):
    """The session's user, if registered, enabled and allowed ``permission``; else CliError
    (or the store's NotAllowed), after auditing the refusal.

    Call it before the session writes anything: a refusal rolls the session back
    and commits only its audit row."""
    from jagtui import access, refusals
    from jagtui.store.users import NotAllowed, active_user, get_user

    login_name = session.info["login"]
    doing = doing or access.DOES[permission]
    try:
        user = active_user(session, login_name)
    except NotAllowed:
        known = get_user(session, login_name)
        refusals.record_instead(session, role=known.role if known else None,
                                permission=permission, doing=doing,
                                reason="not registered" if known is None else "disabled")
        raise
    try:
        access.require(user.role, permission)
    except access.Denied as denied:
        refusals.record_instead(session, role=user.role, permission=permission, doing=doing)
        raise CliError(f"{user.login}: {denied}") from None
    return user


def open_session(args, cfg: Config, permission: str = "view"):
    """``(store, user)`` for the current login, refused unless its role has ``permission``."""
    store = open_unchecked(args, cfg)
    try:
        with store.read() as session:
            user = authorise(session, permission, command_of(args))
    except BaseException:
        store.dispose()
        raise
    return store, user


def open_db(args, cfg: Config, permission: str = "view"):
    """The store, for a current login whose role has ``permission`` (see :func:`open_session`)."""
    return open_session(args, cfg, permission)[0]
