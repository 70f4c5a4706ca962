"""A meeting whose notes, decisions and actions are full of identifiers written the way
minute-takers write them (issue 13): the redacted minutes and the redacted action log
(`jagtui export actions --redacted`) hold none of them. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from jagtui.export.action_log import export_action_log
from jagtui.export.minutes import export_minutes
from jagtui.store import actions, cases, meetings, people

from export_fixture import exports_cfg

TODAY = date(2026, 11, 22)
NOTES = (
    "Mr Quillfield (Patrick) rang 07700-900-123 and (07700) 900 124; mum on +44 (0)1509 263151",
    "the Quillfields at No.17 Larkspur Cl. want a move; quillfield's neighbours agree",
    "P. Quillfield, DOB 17-Mar-1988 (also written 17th Mar 88, 17031988, 17/03/1988)",
    "Larkspur residents and the Millbeck Wharf flats; Tomasz at 4 Millbeckwharf, LE11 3AB",
    "Mrs Vellacott (born March 1951) of 9 Kestrel Rd, Anstey, e-mail orla.v@example.org",
    "Patrick has autism and is under the community mental health team; lives alone. "
    "Patrols in Shelthorpe continue",
    "VELLACOTT'S grandson Tomasz Hollinwray; the Hollinwrays; Hollinwray, Tomasz",
)
LEAKS = ("quillfield", "patrick", "vellacott", "orla", "tomasz", "hollinwray", "larkspur",
         "millbeck", "kestrel", "900123", "900-123", "900 124", "263151", "1988", "1951",
         "17031988", "le11 3ab", "example.org", "autism", "mental health team", "lives alone")


@pytest.fixture
def meeting(store, cfg):
    with store.write() as session:
        patrick = people.add_person(
            session, "Patrick Quillfield", date_of_birth=date(1988, 3, 17),
            address="17 Larkspur Close, Shelthorpe", postcode="LE11 3AB", beat="63",
            phone="07700 900123", vulnerabilities="Autism; lives alone")
        # Held, but on no case on the agenda.
        people.add_person(session, "Orla Vellacott", date_of_birth=date(1951, 3, 2),
                          address="9 Kestrel Road, Anstey", beat="58")
        people.add_person(session, "Tomasz Hollinwray", address="4 Millbeck Wharf, Shelthorpe",
                          beat="63")
        case = cases.open_case(session, case_type="victim", title="Harassment, Shelthorpe",
                               subgroup="JAG", lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, case.id, "victim", person_id=patrick.id, primary=True)
        held = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG",
                                       chair="Insp. Ruth Calloway", starts_at="10:00")
        meetings.add_attendee(session, held.id, "Insp. Ruth Calloway", "Leicestershire Police")
        meetings.add_attendee(session, held.id, "Priya Lendon", "Charnwood Borough Council")
        item = meetings.add_item(session, held.id, "case", f"{case.reference} Harassment",
                                 case_id=case.id)
        for text in NOTES:
            meetings.add_note(session, item.id, text)
        meetings.add_note(session, item.id, NOTES[0] + " - agreed to visit", "agreed")
        for n, text in enumerate(NOTES, 1):
            action = actions.add_action(session, ref=f"221126 Item 1.{n}", text=text,
                                        owner="Priya Lendon", owner_agency="CBC-ASB",
                                        case_id=case.id, meeting_id=held.id, item_id=item.id,
                                        due_on=date(2026, 12, 20))
            actions.add_update(session, action.id, TODAY, NOTES[-n], meeting_id=held.id)
        return held.id


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [leak for leak in LEAKS if leak in lowered]


def test_redacted_minutes_and_action_log_hold_none_of_the_identifiers(store, cfg, meeting,
                                                                      tmp_path):
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    (md,) = export_minutes(store, ecfg, meeting, redacted=True, formats=["md"])
    minutes = md.read_text(encoding="utf-8").replace("\\", "")
    assert _leaks(minutes) == []
    assert "Victim A" in minutes and "[aged 35-44]" in minutes
    assert "Shelthorpe" in minutes  # localities stay
    assert "Priya Lendon" in minutes and "Insp. Ruth Calloway" in minutes  # staff named
    assert "[vulnerability: neurodiversity or learning disability]" in minutes

    paths = export_action_log(store, ecfg, meeting_id=meeting, redacted=True)
    assert [p.name for p in paths] == ["JAG-action-log-2026-11-22-meeting-redacted.csv",
                                       "JAG-action-log-2026-11-22-meeting-redacted.xlsx"]
    rows = list(csv.reader(io.StringIO(paths[0].read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(NOTES) + 1
    flat = "\n".join("\t".join(row) for row in rows)
    assert _leaks(flat) == []
    assert all(row[3] == "Priya Lendon" for row in rows[1:])
    with __import__("zipfile").ZipFile(paths[1]) as book:
        xml = "\n".join(book.read(name).decode("utf-8") for name in book.namelist()
                        if name.endswith(".xml"))
    assert _leaks(re.sub(r"<[^>]+>", " ", xml)) == []

    # The full action log still says it all (only the redacted one is for wider circulation).
    full = export_action_log(store, ecfg, meeting_id=meeting, formats=["csv"])[0]
    assert "Quillfield" in full.read_text(encoding="utf-8-sig")


def test_export_actions_redacted_on_the_command_line(store, cfg, meeting, tmp_path, capsys):
    from jagtui.commands.export import export_command

    ecfg = exports_cfg(cfg, tmp_path / "exports")
    args = type("Args", (), {"export_command": "actions", "meeting": str(meeting), "all": False,
                             "format": "csv", "redacted": True})()
    import jagtui.commands.export as command

    opened = []
    original = command.open_db
    command.open_db = lambda *a, **k: opened.append(1) or _Undisposed(store)
    try:
        assert export_command(args, ecfg) == 0
    finally:
        command.open_db = original
    (path,) = capsys.readouterr().out.split()
    assert path.endswith("-meeting-redacted.csv") and opened
    assert _leaks(open(path, encoding="utf-8-sig").read()) == []


class _Undisposed:
    """The test's store, which the command must not close (the fixture does)."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def dispose(self):
        pass
