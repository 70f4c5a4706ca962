"""Who may do what: roles mapped to permissions (least privilege).

Screens and commands ask :func:`can` before they offer or perform anything;
the store does not know about roles, so every caller must ask.
"""

from __future__ import annotations

# Every role, most powerful first; the users table's check constraint holds the same
# (store.models.ROLES; a test keeps them equal). Here so a command's argument error
# needs no database layer.
ROLES = ("admin", "chair", "member", "viewer", "restricted")

PERMISSIONS = {
    # see case lists and case files (restricted viewers see them masked)
    "view": {"admin", "chair", "member", "viewer", "restricted"},
    # see real names and addresses rather than initials and localities
    "see_names": {"admin", "chair", "member", "viewer"},
    # add and change cases, incidents, assessments, interventions, actions
    "edit": {"admin", "chair", "member"},
    # start, run and end meetings; final minutes and amendments
    "chair": {"admin", "chair"},
    # export minutes, action logs and plan progress
    "export": {"admin", "chair", "member"},
    # import partner extracts
    "import": {"admin", "chair", "member"},
    # users, the audit trail, retention decisions, backups
    "admin": {"admin"},
}


# What each permission lets a user do, for refusals ("Your role cannot ...").
DOES = {
    "view": "see cases",
    "see_names": "see names and addresses",
    "edit": "make changes",
    "chair": "chair meetings",
    "export": "export",
    "import": "import partner data",
    "admin": "administer users, the audit trail, retention and backups",
}


class Denied(Exception):
    """The current user's role does not allow this; the message says which role would."""


def can(role: str | None, permission: str) -> bool:
    return role in PERMISSIONS[permission]


def require(role: str | None, permission: str) -> None:
    if not can(role, permission):
        allowed = ", ".join(sorted(PERMISSIONS[permission]))
        raise Denied(f"Your role ({role or 'none'}) cannot {DOES[permission]}: "
                     f"that needs {allowed}")
