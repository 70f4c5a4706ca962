"""Redaction of minutes and the action log for wider circulation.

The rules live in :mod:`jagtui.redaction` (one engine for documents and screens);
this module names what the exports use. In short:

- **People on the cases** become their role and id letters: ``Victim A``,
  ``Perpetrator C`` (1 -> A, 27 -> AA), the same in every document and re-export.
- **Everyone else held** in the database becomes ``Person <letters>``; a name
  several people share, or a first name a member of staff also has, becomes
  ``[name withheld]``. Names are found in full, as ``Surname, First``, with a
  title or initial, alone, in the plural and possessive, in any capitals.
- **Addresses, streets and postcodes** become ``[address in Beat N]``; a location
  ``[Locality, Beat N]``; localities stay; any other postcode ``[postcode removed]``.
- **Dates of birth** in any common format become an age band (``[aged 35-44]``).
- **Phone numbers, e-mail addresses** are removed; **health and vulnerability**
  details become their category (``[vulnerability: mental health]``).
- **Staff stay named**: attendees, chair, action owners and lead officers.

A document's index of everyone held covers only the document's own words
(:mod:`jagtui.redaction.vocabulary`): the same redaction as indexing everyone,
without indexing 30,000 people for one set of minutes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from jagtui.redaction.engine import (
    AGE_BANDS, DOB_REMOVED, EMAIL_REMOVED, PHONE_REMOVED, POSTCODE_REMOVED, ROLE_LABELS, WITHHELD,
    Redactor, address_label, age_band, age_on, letters, place_label, role_label,
)
from jagtui.redaction.lexicon import Lexicon, Place, Subject
from jagtui.redaction.vocabulary import text_words

__all__ = [
    "AGE_BANDS", "DOB_REMOVED", "EMAIL_REMOVED", "PHONE_REMOVED", "POSTCODE_REMOVED", "ROLE_LABELS",
    "WITHHELD", "Lexicon", "redactor_for_cases", "Place", "Redactor", "Subject", "address_label", "age_band", "age_on",
    "document_lexicon", "document_words", "keep_phrases", "letters", "place_label", "role_label",
]


def keep_phrases(cfg) -> list[str]:
    """What a redacted document keeps intact: localities, agencies, groups, the partnership."""
    return [*(loc for beat in cfg.beats for loc in beat.localities),
            *(a.name for a in cfg.agencies), *(s.name for s in cfg.subgroups),
            cfg.partnership.name, cfg.partnership.short_name, cfg.partnership.group]


def document_words(*values) -> set[str]:
    """Every word in these values: strings, and those inside records, lists and tuples
    (a document's data, walked whole, so no text it prints is left out)."""
    texts: list[str] = []
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend(getattr(value, f.name) for f in dataclasses.fields(value))
    return text_words(texts)


def document_lexicon(session, cfg, words: Iterable[str]) -> Lexicon:
    """The index of everyone and everywhere held, as far as a document of ``words`` can
    name them (its phrases of those words; see :mod:`jagtui.redaction.vocabulary`)."""
    from jagtui.store.identities import people, places

    return Lexicon(people(session), places(session), keep=keep_phrases(cfg),
                   common_words=cfg.redaction.common_words, vocabulary=words)


def redactor_for_cases(store, cfg, case_ids: Iterable[int], *, staff: Iterable[str] = (),
                       on: date | None = None, texts: Iterable[str] = ()) -> Redactor:
    """A document's redactor: everyone held, the people on ``case_ids`` by their role there;
    ``texts`` are what it will redact (others still work: the index widens for them)."""
    from jagtui.store.identities import case_roles

    with store.read() as session:
        lexicon = document_lexicon(session, cfg, text_words(texts))
        roles = case_roles(session, case_ids)
    parties = [(case_id, role, lexicon.people[pid]) for case_id, role, pid in roles
               if pid in lexicon.people]
    return Redactor(parties=parties, lexicon=lexicon, professionals=staff, on=on,
                    common_words=cfg.redaction.common_words)
