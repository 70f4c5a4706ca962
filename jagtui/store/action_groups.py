"""Which group's action log an action is on (shared by the agenda and the minutes).

Kept apart from :mod:`jagtui.store.agenda` so the minutes export need not import
the agenda builder (and the case list behind it) only for this condition.
"""

from __future__ import annotations

from sqlalchemy import and_, or_

from jagtui.config import Config
from jagtui.store.models import Action, Case, Meeting


def belongs_to(cfg: Config, subgroup: str):
    """An action belongs to the group whose meeting raised it, else its case's group;
    an action with neither is the main group's (the first configured). The query must
    outer-join Meeting on Action.meeting_id and Case on Action.case_id."""
    conditions = [
        Meeting.subgroup == subgroup,
        and_(Action.meeting_id.is_(None), Case.subgroup == subgroup),
    ]
    if subgroup == cfg.subgroups[0].key:
        conditions.append(and_(Action.meeting_id.is_(None), Action.case_id.is_(None)))
    return or_(*conditions)
