"""The minutes of a meeting as Markdown and Word, laid out like the seed minutes.

Title block (partnership, group, date, time, place), PRESENT (name -
organisation), APOLOGIES, the numbered items with their numbered discussion
points and AGREED decisions, the action log the meeting reviewed, the actions
it raised, the date of the next meeting and any amendments. Draft minutes say
so in the title and on every page; the redacted version (see
:mod:`jagtui.export.redact`) says so too.

Where the agenda has an apologies, action-log or next-meeting item, that
section is printed under the item, as in the seeds; otherwise in its usual
place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from jagtui.config import Config
from jagtui.export.document import Document, Heading, Para, Point, Table, render_docx, render_markdown
from jagtui.export.paths import check_formats, minutes_base, owner_key, save_exports
from jagtui.export.referral_lines import referral_blocks, referral_texts
from jagtui.export.redact import (
    Lexicon, Place, Redactor, Subject, address_label, age_band, document_lexicon, document_words,
    keep_phrases, place_label,
)
from jagtui.rules.dates import fmt_date
from jagtui.store.minutes import ActionLine, CaseInfo, ItemInfo, MinutesData

FORMATS = ("md", "docx")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50),
          ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
ACTION_COLUMNS = ("Ref", "Action", "Who", "Complete by", "Status / update")
# Centimetres: together the 17.0 cm between A4's 2 cm margins.
ACTION_WIDTHS = (3.1, 5.2, 2.8, 2.2, 3.7)


def long_date(d: date) -> str:
    """``Sunday 22 November 2026``, as a title block reads (no locale)."""
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def clock(hhmm: str) -> str:
    """``10:00`` -> ``10am``, ``13:30`` -> ``1.30pm``: times as the seed minutes write them
    (a title block upper-cases them: ``AT 10AM``). Anything else is kept as typed."""
    try:
        hour, minute = (int(part) for part in hhmm.strip().split(":"))
    except ValueError:
        return hhmm
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return hhmm
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}{suffix}" if minute == 0 else f"{hour}.{minute:02d}{suffix}"


def local(at: datetime) -> datetime:
    """A stored timestamp (UTC, naive from SQLite and PostgreSQL) in local time."""
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone()


def roman(n: int) -> str:
    out = ""
    for numeral, value in _ROMAN:
        while n >= value:
            out, n = out + numeral, n - value
    return out


class _View:
    """What the document shows of names, places and free text: all of it, or redacted."""

    def __init__(self, data: MinutesData, cfg: Config, redactor: Redactor | None):
        self.data, self.cfg, self.redactor = data, cfg, redactor

    def text(self, value: str, case_id: int | None = None) -> str:
        return self.redactor.text(value, case_id) if self.redactor else value

    def people(self, case: CaseInfo) -> list[str]:
        on = self.data.meeting.held_on
        lines = []
        for party in case.people:
            if self.redactor:
                bits = [self.redactor.pseudonym(party.person_id, case.id),
                        age_band(party.date_of_birth, on), address_label(party.beat)]
            else:
                born = f"born {fmt_date(party.date_of_birth)}" if party.date_of_birth else ""
                where = ", ".join(p for p in (party.address.replace("\n", ", "), party.postcode) if p)
                bits = [f"{party.role.capitalize()}: {party.name}", born, where]
            lines.append(", ".join(bit for bit in bits if bit))
        for place in case.places:
            if self.redactor:
                where = place_label(Place(place.location_id, place.name, place.address,
                                          place.postcode, place.beat, place.locality))
                lines.append(f"{place.role.capitalize()}: {where}")
            else:
                where = ", ".join(_unrepeated((place.name, place.address.replace("\n", ", "),
                                               place.postcode, place.locality)))
                lines.append(f"{place.role.capitalize()}: {where}")
        return lines


def _redactor(data: MinutesData, cfg: Config, others: Iterable[tuple],
              other_places: Iterable[tuple], lexicon: Lexicon | None = None) -> Redactor:
    parties = [
        (case.id, party.role,
         Subject(party.person_id, party.name, party.date_of_birth, party.address, party.postcode,
                 party.beat, party.phone))
        for case in data.cases for party in case.people
    ]
    places = [Place(p.location_id, p.name, p.address, p.postcode, p.beat, p.locality)
              for case in data.cases for p in case.places]
    places += [Place(row[0], *(value or "" for value in row[1:])) for row in other_places]
    everyone = [Subject(pid, name, dob, address or "", postcode or "", "", phone or "")
                for pid, name, dob, address, postcode, phone in others]
    professionals = [a.name for a in (*data.present, *data.apologies, *data.minute_takers)]
    professionals += [data.meeting.chair] + [c.lead_officer for c in data.cases]
    professionals += [line.owner for line in (*data.action_log, *data.actions_raised)]
    return Redactor(parties=parties, places=places, others=everyone, keep=keep_phrases(cfg),
                    professionals=professionals, common_words=cfg.redaction.common_words,
                    lexicon=lexicon, on=data.meeting.held_on)


def _unrepeated(parts: Iterable[str]) -> list[str]:
    """The non-empty parts, leaving out one already said ("Wanlip, LE4 4ZZ" not
    "Wanlip, LE4 4ZZ, Wanlip")."""
    kept: list[str] = []
    for part in parts:
        part = part.strip()
        if part and not any(part.casefold() in said.casefold() for said in kept):
            kept.append(part)
    return kept


def _subgroup_name(cfg: Config, key: str) -> str:
    return next((s.name for s in cfg.subgroups if s.key == key), key or cfg.partnership.group)


def _attendee(name: str, organisation: str, note: str = "") -> str:
    who = f"{name} ({note})" if note else name
    return f"{who} - {organisation}" if organisation else who


def _action_rows(view: _View, lines: Iterable[ActionLine]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for line in lines:
        ref = line.ref + (f"\n{line.case_reference}" if line.case_reference else "")
        status = {"open": "Open", "complete": "Complete.", "cancelled": "Cancelled."}.get(
            line.status, line.status)
        update = view.text(line.update_text, line.case_id)
        if update.casefold().startswith(status.rstrip(".").casefold()):
            status = ""  # the update says it: "Complete (19 Nov 2026)", not "Complete." too
        if line.update_on and update:
            update = f"{update} ({fmt_date(line.update_on)})"
        # Owners are staff and stay named; text() still removes a party named as one.
        owner = view.text(line.owner, line.case_id) + (
            f"\n{view.cfg.agency_name(line.owner_agency)}" if line.owner_agency else "")
        rows.append((ref, view.text(line.text, line.case_id), owner, fmt_date(line.due_on),
                     "\n".join(part for part in (status, update) if part)))
    return tuple(rows)


def _apologies(view: _View) -> list:
    if not view.data.apologies:
        return [Para("No apologies were received.")]
    return [Para("Apologies for absence were received from the following:"),
            Para("\n".join(_attendee(view.text(a.name), a.organisation)
                           for a in view.data.apologies))]


def _action_log(view: _View) -> list:
    log = view.data.action_log
    if not log:
        return [Para("There were no outstanding actions from previous meetings.")]
    return [Para("Updates on the actions from previous meetings were reviewed as follows:"),
            Table(ACTION_COLUMNS, _action_rows(view, log), ACTION_WIDTHS)]


def _next_meeting(view: _View) -> list:
    data, cfg = view.data, view.cfg
    when = data.next_meeting_on
    provisional = when is None
    if provisional:
        when = data.meeting.held_on + timedelta(weeks=cfg.meetings.cadence_weeks)
    time = data.meeting.starts_at or cfg.meetings.default_start
    place = data.meeting.place or cfg.meetings.default_place
    text = f"{long_date(when)} at {clock(time)}, {place}"
    if provisional:
        text += f" (provisional: every {cfg.meetings.cadence_weeks} weeks, to be confirmed)"
    return [Para(text, bold=True)]


def _case_block(view: _View, case: CaseInfo) -> list:
    facts = [f"Case {case.reference}", f"{case.case_type} case",
             f"Beat {case.beat}" if case.beat else "",
             "Lead: " + view.cfg.agency_name(case.lead_agency)
             + (f" ({view.text(case.lead_officer, case.id)})" if case.lead_officer else ""),
             f"RAG: {case.rag.capitalize()}", f"Status: {case.status}"]
    blocks = [Para(" | ".join(f for f in facts if f), italic=True)]
    people = view.people(case)
    if people:
        blocks.append(Para("\n".join(people)))
    if case.status == "closed" and case.closure_reason:
        blocks.append(Para(f"Closed {fmt_date(case.closed_on)}: "
                           f"{view.text(case.closure_reason, case.id)}"))
    return blocks


def _item(view: _View, item: ItemInfo, done: set[str]) -> list:
    blocks: list = [Heading(f"{item.number}. {view.text(item.title, item.case_id).upper()}")]
    case = view.data.case(item.case_id)
    if case is not None:
        blocks += _case_block(view, case)
    if item.kind == "apologies" and "apologies" not in done:
        blocks += _apologies(view)
        done.add("apologies")
    if item.kind == "actions" and "action log" not in done:
        blocks += _action_log(view)
        done.add("action log")
    if item.kind == "next meeting" and "next meeting" not in done:
        blocks += _next_meeting(view)
        done.add("next meeting")
    if item.points:
        blocks.append(Para("The following summarises the key points and discussion:"))
        blocks += [Point(f"({roman(n)})", view.text(note.text, item.case_id))
                   for n, note in enumerate(item.points, 1)]
    if item.decisions:
        blocks.append(Para("AGREED", bold=True))
        blocks += [Point(f"{n}.", view.text(note.text, item.case_id))
                   for n, note in enumerate(item.decisions, 1)]
    return blocks


def redacted_texts(data: MinutesData) -> list[str]:
    """Every free text the redacted minutes pass through the redactor (``_View.text``):
    the words its index must cover. (Another text still works: the index widens.)"""
    lines = (*data.action_log, *data.actions_raised)
    return [*(a.name for a in (*data.present, *data.apologies, *data.minute_takers)),
            *(item.title for item in data.items),
            *(note.text for item in data.items for note in item.notes),
            *(c.lead_officer for c in data.cases), *(c.closure_reason for c in data.cases),
            *(line.text for line in lines), *(line.owner for line in lines),
            *(line.update_text for line in lines), *(a.text for a in data.amendments),
            *referral_texts(data)]


def build_minutes(data: MinutesData, cfg: Config, *, redacted: bool = False,
                  others: Iterable[tuple] = (), other_places: Iterable[tuple] = (),
                  lexicon: Lexicon | None = None) -> Document:
    """The minutes as a :class:`Document`. For redaction, ``lexicon`` indexes every person
    and place held (``store.identities.load_lexicon``), or ``others`` and ``other_places``
    list them (``known_people`` / ``known_places``)."""
    redactor = _redactor(data, cfg, others, other_places, lexicon) if redacted else None
    view = _View(data, cfg, redactor)
    meeting = data.meeting
    status = "MINUTES" if meeting.final else "DRAFT MINUTES"
    banner = [] if meeting.final else ["DRAFT - not yet final"]
    if redacted:
        banner.append("REDACTED VERSION for wider circulation")
    when = long_date(meeting.held_on) + (f" at {clock(meeting.starts_at)}" if meeting.starts_at else "")
    doc = Document(
        title=cfg.partnership.name,
        marking=cfg.partnership.protective_marking,
        banner=" - ".join(banner),
        subject=f"{_subgroup_name(cfg, meeting.subgroup)} {status.lower()} {meeting.held_on}"
                + (" - REDACTED for wider circulation" if redacted else ""),
        author=cfg.partnership.name,
        file_title=f"{_subgroup_name(cfg, meeting.subgroup)} {status.capitalize()} "
                   f"{long_date(meeting.held_on)}" + (" (REDACTED)" if redacted else ""),
    )
    doc.add(Para(_subgroup_name(cfg, meeting.subgroup).upper(), bold=True),
            Para(when.upper(), bold=True))
    if meeting.place:
        doc.add(Para(meeting.place.upper(), bold=True))
    doc.add(Para(status + (" (REDACTED)" if redacted else ""), bold=True))
    if redacted:
        doc.add(Para("People on the cases are shown by role and a reference letter, addresses "
                     "by police beat or locality; dates of birth are removed.", italic=True))
    statement = cfg.partnership.confidentiality_statement
    if meeting.confidentiality_ack_at:
        acknowledged = local(meeting.confidentiality_ack_at)
        statement += f" (Acknowledged by the meeting at {clock(f'{acknowledged:%H:%M}')}.)"
    doc.add(Para(statement, italic=True))

    doc.add(Heading("PRESENT"))
    present = [_attendee(view.text(a.name), a.organisation,
                         "Chair" if a.name == meeting.chair else "")
               + (f" (arrived at {clock(f'{local(a.arrived_at):%H:%M}')})" if a.arrived_at else "")
               for a in data.present]
    present += [_attendee(view.text(a.name), a.organisation, "minutes") for a in data.minute_takers]
    doc.add(Para("\n".join(present) if present else "No attendance was recorded."))
    done: set[str] = set()
    kinds = {item.kind for item in data.items}
    if "apologies" not in kinds:
        doc.add(Heading("APOLOGIES"), *_apologies(view))
        done.add("apologies")
    for item in data.items:
        doc.add(*_item(view, item, done))
    if "action log" not in done:
        doc.add(Heading("ACTION LOG"), *_action_log(view))
    doc.add(Heading(f"ACTIONS FROM THIS MEETING ({fmt_date(meeting.held_on).upper()})"))
    if data.actions_raised:
        doc.add(Table(ACTION_COLUMNS, _action_rows(view, data.actions_raised), ACTION_WIDTHS))
    else:
        doc.add(Para("No new actions were raised."))
    doc.add(*referral_blocks(view))
    if "next meeting" not in done:
        doc.add(Heading("DATE OF NEXT MEETING"), *_next_meeting(view))
    if data.amendments:
        doc.add(Heading("AMENDMENTS"),
                Para("These corrections were made after the minutes were final:"))
        doc.add(*(Point(f"{n}.", f"{local(a.at):%d %b %Y %H:%M} by {a.by or 'unknown'}: "
                                 f"{view.text(a.text)}")
                  for n, a in enumerate(data.amendments, 1)))
    return doc


RENDERERS: dict[str, Callable[[Document], bytes]] = {"md": render_markdown, "docx": render_docx}


def export_minutes(store, cfg: Config, meeting_id: int, *, redacted: bool = False,
                   formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the minutes of ``meeting_id`` (Markdown and/or Word); returns the paths.

    Raises :class:`~jagtui.store.errors.NotFound` for an unknown meeting and
    :class:`ExportError` for an unknown format or an unwritable folder.
    """
    from jagtui.store.minutes import minutes_data

    chosen = check_formats(formats, FORMATS)
    with store.read() as session:
        data = minutes_data(session, cfg, meeting_id)
        # Everyone held, as far as the words these minutes redact can name them.
        lexicon = (document_lexicon(session, cfg, document_words(redacted_texts(data)))
                   if redacted else None)
    doc = build_minutes(data, cfg, redacted=redacted, lexicon=lexicon)
    files = {fmt: RENDERERS[fmt](doc) for fmt in chosen}
    meeting = data.meeting
    return save_exports(
        store, cfg, base=minutes_base(meeting.subgroup, meeting.held_on, redacted),
        owner=owner_key(store, f"minutes:{meeting.id}:{'redacted' if redacted else 'full'}"),
        files=files, what="minutes", redacted=redacted, table_name="meetings",
        record_id=meeting.id, meeting_id=meeting.id, final=meeting.final,
    )
