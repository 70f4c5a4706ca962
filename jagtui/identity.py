"""Who is using jagtui: the operating-system login running the process.

Never an environment variable: ``USER`` and ``LOGNAME`` are set by the caller
and would let anyone claim any name.
"""

from __future__ import annotations

import os
import pwd


def current_login() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


def display_name_of(login: str) -> str:
    """The full name the system knows for ``login`` (the GECOS field), else the login."""
    try:
        gecos = pwd.getpwnam(login).pw_gecos
    except KeyError:
        return login
    return gecos.split(",")[0].strip() or login


def is_system_login(login: str) -> bool:
    try:
        pwd.getpwnam(login)
    except KeyError:
        return False
    return True


def connected_from() -> str:
    """Where the session comes from, for the audit trail: the SSH client address or "local".

    Descriptive only: ``SSH_CONNECTION`` is set by sshd but a local user can set
    it too, so it is recorded, never trusted for identity.
    """
    client = os.environ.get("SSH_CONNECTION", "").split()
    return f"ssh {client[0]}" if client else "local"
