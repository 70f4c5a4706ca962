"""What the Actions screen's search looks in for a role that may not see names.

A role that sees names searches an action's ref, text, owner, agency and case
reference (``store.actions.action_rows``). A role without names (restricted) is
shown the action's text through the redaction engine and owners as initials, so
typing a surname, a street or a phone number must not narrow the list to that
person's actions (issue 13): its search looks only in the ref, the case reference,
the owner's agency and the redacted text, never the owner's name or the text as
stored.

The stored text is searched first (in SQL, as for everyone): whatever the redacted
text holds of the search, the stored text holds too, so that finds every candidate
cheaply; a candidate found only by its text is then checked against the redacted text.
"""

from __future__ import annotations

from sqlmodel import Session
from textual.worker import NoActiveWorker, get_current_worker

from jagtui.config import Config
from jagtui.export.redact import keep_phrases
from jagtui.redaction.engine import Redactor
from jagtui.store.actions import ActionRow, action_rows
from jagtui.store.identities import cached_lexicon, case_subjects

CHECK_EVERY = 256  # rows between looks at whether a newer search has replaced this one


def _cancelled() -> bool:
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False


def _redactor(session: Session, store, cfg: Config, case_ids: set[int]) -> Redactor:
    """The screens' engine: everyone held (the app's index) and the cases' own people
    and places, known by id so only those the index has not caught up with cost anything."""
    lexicon, staff = cached_lexicon(store, tuple(keep_phrases(cfg)),
                                    tuple(cfg.redaction.common_words))
    parties, places = case_subjects(session, case_ids)
    return Redactor(parties=parties, places=places, professionals=staff,
                    common_words=cfg.redaction.common_words, lexicon=lexicon, screen=True)


def masked_search(session: Session, store, cfg: Config, *, status: str | None,
                  search: str) -> list[ActionRow]:
    """The actions (``status``, or all) matching ``search`` in what a role without names
    may search: the ref, the case reference, the owner's agency and the redacted text."""
    needle = search.strip().lower()
    rows = action_rows(session, status=status, search=search)
    if not needle or not rows:
        return rows
    found, by_text = [], []
    for row in rows:
        action = row.action
        if needle in "\x00".join((action.ref, row.case_reference,
                                  action.owner_agency or "")).lower():
            found.append(row)
        elif needle in action.text.lower():
            by_text.append(row)
    if by_text:
        redactor = _redactor(session, store, cfg,
                             {row.action.case_id for row in by_text if row.action.case_id})
        for n, row in enumerate(by_text):
            if n % CHECK_EVERY == 0 and _cancelled():
                return []
            if needle in redactor.text(row.action.text, row.action.case_id).lower():
                found.append(row)
    ids = {id(row) for row in found}
    return [row for row in rows if id(row) in ids]  # in the store's order
