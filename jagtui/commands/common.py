"""What the subcommands share: who is running them and opening the database."""

from __future__ import annotations

from jagtui.config import Config


class CliError(Exception):
    """A user-facing failure of a subcommand: one line, exit status 2."""


def login() -> str:
    from jagtui.identity import current_login

    return current_login()


def open_db(args, cfg: Config):
    """The configured database, opened for the current login (schema must be current)."""
    from jagtui.store.db import open_store, resolve_url

    url = resolve_url(getattr(args, "db", None), cfg.database.url)
    return open_store(url, login(), busy_timeout_ms=cfg.database.busy_timeout_ms)
