"""Shared-screen privacy for the case screens: people as initials, places as localities.

Names and addresses on the case are shown as initials and localities. Free text
(notes, descriptions, actions) goes through the redaction engine
(:mod:`jagtui.redaction`) with the screen's labels: everyone held in the database,
not only the case's parties, in any written form ("Mr X", "Patrick", "the Xs"),
phone numbers, dates of birth (an age band), e-mail addresses and health details.
The database-wide index is the running app's (``store.identities.cached_lexicon``,
rebuilt when people or places change); outside an app only the parties are known.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from textual._context import active_app  # the running app, as Textual's own widgets find it

from jagtui.display import initials, masked_subject
from jagtui.export.redact import keep_phrases
from jagtui.redaction.engine import Redactor
from jagtui.redaction.lexicon import Lexicon, Place, Subject
from jagtui.store.casefile import Party
from jagtui.store.identities import cached_lexicon

_REDACTORS: OrderedDict = OrderedDict()  # the last few screens' redactors, by their parties
_KEEP = 32


def where(locality: str, beat: str) -> str:
    """A place as the room may see it: its locality, else its beat."""
    return locality or (f"Beat {beat}" if beat else "(location)")


def case_subject(case, private: bool) -> str:
    """A case's subject (``subject``, ``subject_is_person``, ``locality``, ``beat``):
    people as initials, places as their locality (or beat) in privacy mode."""
    return masked_subject(case.subject, case.subject_is_person, where(case.locality, case.beat), private)


def party_name(party: Party, private: bool) -> str:
    if not private:
        return party.name
    return initials(party.name) if party.is_person else where(party.locality, party.beat)


def party_address(party: Party, private: bool) -> str:
    if not private:
        return ", ".join(part for part in (party.address, party.postcode) if part)
    return where(party.locality, party.beat) if (party.locality or party.beat) else ""


def person_name(name: str, private: bool) -> str:
    return initials(name) if private else name


def _database() -> tuple[Lexicon | None, tuple[str, ...], object]:
    """The running app's index of everyone held, its staff names and config (or nothing)."""
    try:
        app = active_app.get()
    except LookupError:
        return None, (), None
    store, cfg = getattr(app, "store", None), getattr(app, "cfg", None)
    if store is None or cfg is None:
        return None, (), None
    lexicon, staff = cached_lexicon(store, tuple(keep_phrases(cfg)),
                                    tuple(cfg.redaction.common_words))
    return lexicon, staff, cfg


def screen_redactor(parties: Iterable) -> Redactor:
    """The engine with the screen's labels, the parties given as the ones on the case."""
    lexicon, staff, cfg = _database()
    people, places = [], []
    for n, party in enumerate(parties, 1):
        fields = (party.name, party.address, party.postcode, party.beat, party.locality)
        if getattr(party, "is_person", True):
            pid = getattr(party, "person_id", None) or -n
            people.append(Subject(pid, party.name, getattr(party, "date_of_birth", None),
                                  party.address, party.postcode, party.beat,
                                  locality=party.locality,
                                  vulnerabilities=getattr(party, "vulnerabilities", "") or ""))
        else:
            places.append(Place(getattr(party, "location_id", None) or -n, *fields))
    key = (id(lexicon), tuple(people), tuple(places))
    found = _REDACTORS.get(key)
    if found is None:
        keep = keep_phrases(cfg) if cfg is not None and lexicon is None else ()
        common = cfg.redaction.common_words if cfg is not None else ()
        found = Redactor(parties=[(None, "", person) for person in people], places=places,
                         keep=keep, professionals=staff, common_words=common, lexicon=lexicon,
                         screen=True)
        _REDACTORS[key] = found
        while len(_REDACTORS) > _KEEP:
            _REDACTORS.popitem(last=False)
    else:
        _REDACTORS.move_to_end(key)
    return found


def redact(text: str, parties: Iterable[Party], private: bool) -> str:
    """``text`` with every person, address, phone number, date of birth and health detail
    held masked when private (the case's parties as initials and localities)."""
    if not private or not text:
        return text
    return screen_redactor(parties).text(text)
