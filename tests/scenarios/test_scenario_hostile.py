"""Hostile text through the meeting: escape sequences (colour, an OSC title), a bidi
override, names of odd width and phone numbers, pasted and typed as a terminal sends
them. The stored text keeps its order; no raw ESC, BEL or U+202E reaches the minutes
(full or redacted) or the action log; the redacted minutes name nobody on the case.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.meeting import MeetingsScreen
from jagtui.store import actions, agenda, cases, meeting_run, meetings, people
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import Meeting

from scenario_chair import Checks, minutes_markdown
from scenario_data import PREVIOUS, TODAY, seed
from scenario_meeting import MeetingChair

ESC, BEL, RLO, PDF = "\x1b", "\x07", "\u202e", "\u202c"
VICTIM = "Zoë O'Brien-Łukasz"
PERPETRATOR = "Nguyễn Thị Hoa"
PHONES = ("(0116) 123 4567", "+44 116 123 4567")
PASTED = (f"alpha {ESC}[31mRED{ESC}[0m omega {ESC}]0;x{BEL} title {RLO}evil{PDF} end; "
          f"{VICTIM} rang on {PHONES[0]} and {PHONES[1]}")
TYPED = f"first {ESC}[31mRED{ESC}[0m last"
ACTION = f"Call {PERPETRATOR} {ESC}[1mnow{ESC}[0m on {PHONES[1]} {RLO}reversed{PDF}"
RAW = (ESC, BEL, RLO)


def _in_order(text: str, *words: str) -> bool:
    places = [text.find(w) for w in words]
    return all(p >= 0 for p in places) and places == sorted(places)


def _no_raw(text: str) -> list[str]:
    return [repr(ch) for ch in RAW if ch in text]


async def test_hostile_text_keeps_its_order_and_never_reaches_the_documents_raw(
        scenario_store, scfg, size):
    store, cfg = scenario_store, scfg
    seed(store, cfg)
    with store.write() as session:
        zoe = people.add_person(session, VICTIM, address="1 Ash Row", beat="62", phone=PHONES[0])
        hoa = people.add_person(session, PERPETRATOR, address="3 Ash Row", beat="62")
        case = cases.open_case(session, case_type="victim", title="Threats on Ash Row",
                               subgroup="JAG", lead_agency="POLICE", beat="62", rag="red",
                               opened_on=PREVIOUS - timedelta(days=30))
        cases.link_party(session, case.id, "victim", person_id=zoe.id, primary=True)
        cases.link_party(session, case.id, "perpetrator", person_id=hoa.id)
        meeting = meeting_run.start_meeting(session, cfg, subgroup="JAG", held_on=TODAY,
                                            chair=Attendee("Insp. Rhea Chairwoman", "Police"))
        meeting_run.acknowledge(session, meeting.id)
        case_id, meeting_id = case.id, meeting.id
    app = JagApp(store, cfg, role="chair", today=lambda: TODAY)
    app.change_poll_seconds = 0
    checks = Checks()
    async with app.run_test(size=size) as pilot:
        chair = MeetingChair(app, pilot)
        await chair.open_meetings()
        await chair.press("o")
        chair.runner = await chair.wait_screen(AgendaRunnerScreen)
        await chair.item_loaded()
        await chair.go_to_case(case_id)

        # A paste (bracketed, as a terminal sends it), then the same kind of text typed raw.
        await chair.press("i")
        await chair.paste(PASTED)
        await chair.press("ctrl+s")
        await chair.feed_terminal(TYPED)
        await chair.press("ctrl+s", "escape")
        # An action whose text carries escapes too.
        await chair.press("o")
        await chair.wait_for(lambda: chair.focused_id == "text", "the action form")
        await chair.paste(ACTION)
        await chair.fill("owner", "PC Hale")
        await chair.save()
        screen_notes = chair.text_of("#notes")
        with checks("defect 15: the notes on screen keep the order and show no raw codes"):
            assert not _no_raw(screen_notes), _no_raw(screen_notes)
            assert _in_order(screen_notes, "alpha", "RED", "omega", "evil", "end"), screen_notes

        with store.read() as session:
            item = next(i for i in agenda.items(session, meeting_id) if i.case_id == case_id)
            notes = [n.text for n in meetings.notes(session, [item.id])[item.id]]
            raised = [r.action.text for r in actions.action_rows(session, meeting_id=meeting_id)]
        with checks("defect 15: a pasted note keeps its order"):
            assert len(notes) >= 1
            assert _in_order(notes[0], "alpha", "RED", "omega", "title", "evil", "end", VICTIM,
                             PHONES[0], PHONES[1]), repr(notes[0])
        with checks("defect 15: a note typed with escapes keeps its order"):
            assert len(notes) == 2, f"{len(notes)} notes: {notes!r}"
            assert _in_order(notes[1], "first", "RED", "last"), repr(notes[1])
        with checks("defect 15: an action's pasted text keeps its order"):
            assert len(raised) == 1 and _in_order(raised[0], "Call", PERPETRATOR, "now", PHONES[1],
                                                   "reversed"), repr(raised)

        full = minutes_markdown(store, cfg, meeting_id)
        with checks("defect 15: no raw ESC, BEL or U+202E in the draft minutes"):
            assert not _no_raw(full), _no_raw(full)

        # End, final, and the exports from the end screen.
        end = await chair.end_meeting()
        await chair.finalise(end)
        written = {}
        for key, what in (("m", "minutes"), ("r", "redacted"), ("l", "actions")):
            with checks(f"{key} exports {what}"):
                written[what] = await chair.export(end, key, what)
        await chair.press("escape")
        await chair.wait_screen(MeetingsScreen)

    with store.read() as session:
        assert session.get(Meeting, meeting_id).status == "final"
    for what, paths in written.items():
        for path in paths:
            if path.suffix in (".md", ".csv"):
                text = path.read_text(encoding="utf-8-sig")
            elif path.suffix == ".docx":
                from docx import Document

                doc = Document(str(path))
                text = "\n".join([p.text for p in doc.paragraphs] + [
                    c.text for t in doc.tables for r in t.rows for c in r.cells])
            else:
                from openpyxl import load_workbook

                text = "\n".join(str(c) for sheet in load_workbook(path).worksheets
                                 for row in sheet.iter_rows(values_only=True) for c in row if c)
            with checks(f"defect 15: no raw ESC, BEL or U+202E in {path.name}"):
                assert not _no_raw(text), _no_raw(text)
            with checks(f"defect 15: {path.name} keeps the pasted text's order"):
                if what == "actions" and path.suffix == ".csv":
                    rows = list(csv.DictReader(io.StringIO(text)))
                    line = next(r["Action"] for r in rows if "Call" in r["Action"])
                    assert _in_order(line, "Call", "now", "reversed"), line
                elif what == "minutes":
                    # In the note's own line: "end" also occurs in "Attendance" above it.
                    line = next((ln for ln in text.splitlines() if "alpha" in ln), "")
                    assert _in_order(line, "alpha", "RED", "omega", "evil", "end"), line
    if written.get("minutes"):
        minutes = next(p for p in written["minutes"] if p.suffix == ".md").read_text(encoding="utf-8")
        assert VICTIM in minutes and PERPETRATOR in minutes and PHONES[0] in minutes
    if written.get("redacted"):
        redacted = next(p for p in written["redacted"] if p.suffix == ".md").read_text(encoding="utf-8")
        for secret in (VICTIM, PERPETRATOR, "O'Brien", "Łukasz", "Nguyễn"):
            with checks(f"the redacted minutes do not show {secret!r}"):
                assert secret not in redacted
        for phone in PHONES:  # docs/exports.md: phone numbers are removed, however written
            with checks(f"the redacted minutes remove the phone number {phone!r}"):
                assert phone not in redacted
    checks.verify()
