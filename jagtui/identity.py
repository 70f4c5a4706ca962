"""Who is using jagtui: the operating-system login running the process.

Never an environment variable: ``USER`` and ``LOGNAME`` are set by the caller
and would let anyone claim any name. One exception, for a server: there
partners never hold file rights to the data, so jagtui runs as a service
account that alone owns the database, and a partner's SSH login starts it
through ``sudo`` (a sudoers rule allowing exactly the app; ``deploy/setup.sh``).
In that account, and only there, the login is the one sudo reports.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
from collections.abc import Mapping

# Set by the installed wrapper that sudo runs (deploy/setup.sh): the service account's name.
SERVICE_ACCOUNT = "JAGTUI_SERVICE_ACCOUNT"


def current_login() -> str:
    uid = os.getuid()
    own = pwd.getpwuid(uid).pw_name
    return sudo_login(own, uid, os.geteuid(), os.environ) or own


def sudo_login(own: str, uid: int, euid: int, env: Mapping[str, str]) -> str | None:
    """The login sudo started this service-account process for; None anywhere else.

    Trusted only in the account the wrapper names as the service account (never
    root): only sudo can start a process as it (no password, no shell, no keys;
    partners are allowed exactly the app), and sudo sets ``SUDO_USER`` and
    ``SUDO_UID`` itself, whatever the caller's environment held. Anyone else
    can set ``SUDO_USER``, so everywhere else it is ignored. A service-account
    process without a consistent pair is nobody's: it stays the service account,
    which is not registered, and is refused.
    """
    if uid == 0 or euid != uid or env.get(SERVICE_ACCOUNT) != own:
        return None
    login, claimed = env.get("SUDO_USER", ""), env.get("SUDO_UID", "")
    try:
        entry = pwd.getpwnam(login)
    except KeyError:
        return None
    if not claimed.isdigit() or entry.pw_uid != int(claimed) or entry.pw_uid == uid:
        return None
    return entry.pw_name


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
    if not client:
        return "local"
    try:
        return f"ssh {ipaddress.ip_address(client[0])}"
    except ValueError:  # not sshd's: an address is all it ever holds
        return "ssh (address not given)"
