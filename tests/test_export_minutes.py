"""Minutes: the store read, the Markdown and Word exports, redaction against every
name, address and date of birth held, file names and modes, audit, LibreOffice."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from export_fixture import TODAY, build_meeting, docx_text, exports_cfg, still_draft
from jagtui.export.minutes import export_minutes
from jagtui.export.paths import ExportError
from jagtui.rules.dates import action_ref
from jagtui.store import actions, meetings
from jagtui.store.errors import NotFound
from jagtui.store.minutes import minutes_data
from jagtui.store.models import AuditEntry, Location, Meeting, Person

MARKING = "OFFICIAL-SENSITIVE"


@pytest.fixture
def built(store, cfg):
    with store.write() as session:
        return build_meeting(session, cfg, n_cases=2)


@pytest.fixture
def lite(sqlite_store, cfg):
    """The same meeting on SQLite only, for what does not depend on the database."""
    with sqlite_store.write() as session:
        return sqlite_store, build_meeting(session, cfg, n_cases=2)


@pytest.fixture
def ecfg(cfg, tmp_path):
    return exports_cfg(cfg, tmp_path / "exports")


def test_minutes_data_holds_the_whole_meeting(store, built, cfg):
    with store.read() as session:
        data = minutes_data(session, cfg, built.meeting_id)
        with pytest.raises(NotFound):
            minutes_data(session, cfg, 99999)
    assert data.meeting.final and data.meeting.held_on == TODAY
    assert [a.name for a in data.present] == ["Inspector Dana Barker", "Tim McCabe", "Ann Smith"]
    assert [a.name for a in data.apologies] == ["Hazel Sandal"]
    assert [a.name for a in data.minute_takers] == ["Sally Watson"]
    assert [item.number for item in data.items] == list(range(1, 8))
    case_item = data.items[3]
    assert case_item.case_id == built.case_ids[0]
    assert [n.kind for n in case_item.notes] == ["point", "point", "agreed", "agreed"]
    assert len(case_item.points) == 2 and len(case_item.decisions) == 2
    case = data.case(case_item.case_id)
    assert [p.role for p in case.people] == ["victim", "perpetrator", "household member"]
    assert case.people[0].name == "Ann Example" and case.people[0].date_of_birth is not None
    assert [p.name for p in case.places] == ["Wimbrel Way play area"]
    assert [a.id for a in data.actions_raised] == built.raised_action_ids
    log = {line.id: line for line in data.action_log}
    assert set(log) == {built.carried_action_id, built.completed_action_id}
    assert log[built.carried_action_id].status == "open"
    assert log[built.carried_action_id].update_text == "Visit booked; carried forward"
    assert log[built.completed_action_id].status == "complete"
    assert data.next_meeting_on == TODAY + timedelta(weeks=6)
    assert [a.text for a in data.amendments] == ["Item 2: the date of the last meeting corrected"]


def test_the_action_log_is_the_one_the_meeting_saw(store, built, cfg):
    """Closed before the meeting: gone. Raised at a later meeting: not yet. Updated since: as then."""
    with store.write() as session:
        earlier = meetings.get_meeting(session, built.previous_id)
        closed = actions.add_action(session, ref=action_ref(earlier.held_on, 5),
                                    text="Long done", owner="X", meeting_id=earlier.id)
        actions.add_update(session, closed.id, earlier.held_on + timedelta(days=1), "Done",
                           status="complete")
        later = meetings.create_meeting(session, held_on=TODAY + timedelta(weeks=6), subgroup="JAG")
        future = actions.add_action(session, ref="030127 Item 4", text="Future", owner="Y",
                                    meeting_id=later.id)
        actions.add_update(session, built.carried_action_id, TODAY + timedelta(weeks=6),
                           "Completed later", status="complete", meeting_id=later.id)
    with store.read() as session:
        data = minutes_data(session, cfg, built.meeting_id)
        later_data = minutes_data(session, cfg, later.id)
    ids = {line.id for line in data.action_log}
    assert closed.id not in ids and future.id not in ids
    carried = next(line for line in data.action_log if line.id == built.carried_action_id)
    assert (carried.status, carried.update_text) == ("open", "Visit booked; carried forward")
    later_log = {line.id: line for line in later_data.action_log}
    assert later_log[built.carried_action_id].status == "complete"
    assert built.completed_action_id not in later_log  # completed at the meeting before
    assert set(built.raised_action_ids) <= set(later_log)


def test_markdown_and_word_say_what_the_seeds_say(store, built, ecfg):
    paths = export_minutes(store, ecfg, built.meeting_id)
    assert [p.name for p in paths] == ["JAG-minutes-2026-11-22.md", "JAG-minutes-2026-11-22.docx"]
    md = paths[0].read_text(encoding="utf-8")
    lines = [line for line in md.splitlines() if line.strip()]
    assert lines[0] == f"**{MARKING}**" and lines[-1] == f"**{MARKING}**"
    word = docx_text(paths[1])
    word_all = word["body"] + "\n" + word["tables"]
    for text in (md, word_all):
        plain = text.replace("\\", "")
        assert "Charnwood Community Safety Partnership" in plain
        assert "SUNDAY 22 NOVEMBER 2026 AT 10AM" in plain
        assert "COUNCIL OFFICES, SOUTHFIELD ROAD, LOUGHBOROUGH" in plain
        assert "PRESENT" in plain and "APOLOGIES" in plain
        assert "Inspector Dana Barker (Chair) - Leicestershire Police" in plain
        assert "Tim McCabe - Charnwood Borough Council" in plain
        assert "Sally Watson (minutes) - Charnwood Borough Council" in plain
        assert "Hazel Sandal - Violence Reduction Network" in plain
        assert "4. JAG-26-0001 ANN EXAMPLE HOUSEHOLD" in plain
        assert "AGREED" in plain and "That Brian Gallowhill be offered an ABC" in plain
        assert "(i)" in plain and "(ii)" in plain
        assert "Visit Ann Example at 10 Larkspur Close" in plain  # an action raised
        assert "221126 Item 4" in plain and "111026 Item 4" in plain
        assert "Visit booked; carried forward" in plain  # the reviewed log's update
        assert "Sunday 3 January 2027 at 10am" in plain  # next meeting
        assert "Item 2: the date of the last meeting corrected" in plain  # amendment
        assert "MINUTES" in plain and "DRAFT" not in plain
    assert "| Ref | Action | Who | Complete by | Status / update |" in md
    assert word["headers"] and all(MARKING in h for h in word["headers"])
    assert word["footers"] and all(MARKING in f and "Page" in f for f in word["footers"])


def test_draft_minutes_say_so_on_every_page(lite, ecfg):
    store, built = lite
    with store.write() as session:
        session.get(Meeting, built.meeting_id).status = "in progress"
    md_path, docx_path = export_minutes(store, ecfg, built.meeting_id)
    md = md_path.read_text()
    assert "DRAFT MINUTES" in md and "DRAFT - not yet final" in md
    word = docx_text(docx_path)
    assert "DRAFT MINUTES" in word["body"]
    assert all("DRAFT - not yet final" in h and MARKING in h for h in word["headers"])


def test_user_text_is_literal_in_markdown(lite, ecfg):
    store, built = lite
    with store.write() as session, still_draft(session, built.meeting_id):
        item = meetings.items(session, built.meeting_id)[5]
        meetings.add_note(session, item.id,
                          "# not a heading *not bold* [x](http://evil) | pipe\n- not a list")
    md = export_minutes(store, ecfg, built.meeting_id, formats=["md"])[0].read_text()
    assert r"\# not a heading \*not bold\* \[x\](http://evil) \| pipe" in md
    assert "\\- not a list" in md


def test_characters_no_document_may_hold_are_shown_as_codes(lite, ecfg):
    store, built = lite
    with store.write() as session, still_draft(session, built.meeting_id):
        item = meetings.items(session, built.meeting_id)[5]
        meetings.add_note(session, item.id, "pasted \ufffe and \uffff and \x1b[31m")
    md_path, docx_path = export_minutes(store, ecfg, built.meeting_id, formats=["md", "docx"])
    # Markdown escapes the backslash itself, so a renderer shows "\\ufffe".
    assert r"pasted \\ufffe and \\uffff and \\x1b\[31m" in md_path.read_text()
    assert "pasted \\ufffe and \\uffff and \\x1b[31m" in docx_text(docx_path)["body"]


def _every_held_value(session) -> tuple[list[str], list[str], list[str]]:
    """Every person name (and surname), address, postcode and date of birth held, in
    several written forms: what the redacted minutes must never contain."""
    names, places, dates = [], [], []
    for person in session.scalars(select(Person)):
        names.append(person.name)
        names.append(person.name.split()[-1])
        if person.address:
            places += [person.address, person.address.split(",")[0]]
        if person.postcode:
            places += [person.postcode, person.postcode.replace(" ", "")]
        if dob := person.date_of_birth:
            dates += [dob.isoformat(), f"{dob:%d/%m/%Y}", f"{dob.day}/{dob.month}/{dob.year}",
                      f"{dob:%d/%m/%y}", f"{dob.day}/{dob.month}/{dob:%y}", f"{dob:%d.%m.%Y}",
                      f"{dob.day} {dob:%B %Y}", f"{dob.day} {dob:%b %Y}", f"{dob:%B} {dob.day}, {dob.year}"]
    for location in session.scalars(select(Location)):
        places += [location.name, location.address, location.postcode]
    return names, [p for p in places if p], dates


def test_redacted_minutes_hold_no_name_address_or_date_of_birth(store, built, ecfg):
    paths = export_minutes(store, ecfg, built.meeting_id, redacted=True)
    assert [p.name for p in paths] == ["JAG-minutes-2026-11-22-redacted.md",
                                       "JAG-minutes-2026-11-22-redacted.docx"]
    with store.read() as session:
        names, places, dates = _every_held_value(session)
        first_names = [p.name.split()[0] for p in session.scalars(select(Person))]
    word = docx_text(paths[1])
    texts = {
        "md": paths[0].read_text(encoding="utf-8").replace("\\", ""),
        "docx": "\n".join([word["body"], word["tables"], *word["headers"], *word["footers"]]),
    }
    for fmt, text in texts.items():
        lowered = text.lower()
        for value in names + places:
            assert value.lower() not in lowered, (fmt, value)
        for value in dates:
            assert value.lower() not in lowered, (fmt, value)
        for first in first_names:
            if first != "Ann":  # "Ann" is also Ann Smith's name: she stays named
                assert not re.search(rf"\b{first}\b", text), (fmt, first)
        assert "Victim A" in text or "Victim" in text
        assert re.search(r"Perpetrator [A-Z]+ be offered an ABC", text)
        assert "REDACTED" in text and "[address in Beat" in text
        assert "Ann Smith - Youth Offending Service" in text  # professionals stay named
        assert "PC Owen Tate" in text
    assert all("REDACTED VERSION" in h for h in word["headers"])


def test_pseudonyms_are_stable_across_re_exports(lite, ecfg):
    store, built = lite
    first = export_minutes(store, ecfg, built.meeting_id, redacted=True, formats=["md"])[0]
    before = first.read_text()
    with store.write() as session, still_draft(session, built.meeting_id):
        # a new item about the second case, added first in the running order
        meetings.add_item(session, built.meeting_id, "other", "Late item", number=0,
                          case_id=built.case_ids[1])
    again = export_minutes(store, ecfg, built.meeting_id, redacted=True, formats=["md"])[0]
    assert again == first
    after = again.read_text()
    pattern = r"(?:Victim|Perpetrator|Household member) [A-Z]+"
    pseudonyms = set(re.findall(pattern, before))
    assert pseudonyms and pseudonyms <= set(re.findall(pattern, after))


def test_files_are_private_named_predictably_and_never_overwrite_others(lite, ecfg, cfg):
    store, built = lite
    old = os.umask(0o022)
    try:
        paths = export_minutes(store, ecfg, built.meeting_id)
    finally:
        os.umask(old)
    folder = paths[0].parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    # the same export again replaces its own files
    assert export_minutes(store, ecfg, built.meeting_id) == paths
    # another meeting of the same group on the same day gets its own names
    with store.write() as session:
        other = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
    other_paths = export_minutes(store, ecfg, other.id)
    assert [p.name for p in other_paths] == ["JAG-minutes-2026-11-22-2.md",
                                             "JAG-minutes-2026-11-22-2.docx"]
    assert "Tim McCabe" in paths[0].read_text()  # the first meeting's file is untouched
    # a file the user put there is never overwritten
    mine = folder / "YJAG-minutes-2026-11-22.md"
    mine.write_text("my notes")
    with store.write() as session:
        youth = meetings.create_meeting(session, held_on=TODAY, subgroup="YJAG")
    youth_paths = export_minutes(store, ecfg, youth.id, formats=["md"])
    assert youth_paths[0].name == "YJAG-minutes-2026-11-22-2.md" and mine.read_text() == "my notes"


def test_each_file_written_is_audited(lite, ecfg):
    store, built = lite
    paths = export_minutes(store, ecfg, built.meeting_id, redacted=True)
    with store.read() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.operation == "export")
                                    .order_by(AuditEntry.id)))
    assert [row.detail["path"] for row in rows] == [str(p) for p in paths]
    assert all(row.detail["what"] == "minutes" and row.detail["redacted"] is True for row in rows)
    assert all(row.record_id == built.meeting_id and row.login == "tester" for row in rows)


def test_bad_requests_are_clear_errors(lite, ecfg):
    store, built = lite
    with pytest.raises(NotFound, match="No meeting with id 424242"):
        export_minutes(store, ecfg, 424242)
    with pytest.raises(ExportError, match="Unknown format pdf"):
        export_minutes(store, ecfg, built.meeting_id, formats=["md", "pdf"])
    blocked = ecfg.exports.directory + "-file"
    open(blocked, "w").close()
    with pytest.raises(ExportError, match="is a file"):
        export_minutes(store, exports_cfg(ecfg, blocked), built.meeting_id)


def test_forty_case_meeting_exports_quickly(sqlite_store, cfg, tmp_path):
    with sqlite_store.write() as session:
        built = build_meeting(session, cfg, n_cases=40)
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    started = time.perf_counter()
    export_minutes(sqlite_store, ecfg, built.meeting_id)
    full = time.perf_counter() - started
    started = time.perf_counter()
    export_minutes(sqlite_store, ecfg, built.meeting_id, redacted=True)
    redacted = time.perf_counter() - started
    print(f"40-case minutes: full {full:.2f}s, redacted {redacted:.2f}s")
    assert full < 5 and redacted < 5


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI: "
                    "apt-get install -y --no-install-recommends libreoffice-writer-nogui")
    return found


def test_word_minutes_convert_cleanly_with_libreoffice(sqlite_store, cfg, tmp_path):
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    with sqlite_store.write() as session:
        built = build_meeting(session, cfg, n_cases=6)
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    docx = [p for p in export_minutes(sqlite_store, ecfg, built.meeting_id, redacted=True)
            if p.suffix == ".docx"][0]
    out = tmp_path / "pdf"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    pdf = out / (docx.stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 2, "a six-case meeting runs over more than one page"


def test_every_demo_meeting_redacts_everything_held(tmp_path, cfg):
    """On the demo's own notes and actions (written by its generator, not by these tests)."""
    from jagtui.demo import build_demo
    from jagtui.store.db import create_store

    demo = create_store(f"sqlite:///{tmp_path / 'demo.db'}", "tester")
    try:
        build_demo(demo, cfg, TODAY)
        ecfg = exports_cfg(cfg, tmp_path / "exports")
        with demo.read() as session:
            ids = [m.id for m in meetings.list_meetings(session)]
            names, places, dates = _every_held_value(session)
        full_names = [n for n in names if " " in n]
        assert ids
        for meeting_id in ids:
            md, docx = export_minutes(demo, ecfg, meeting_id, redacted=True)
            word = docx_text(docx)
            for text in (md.read_text().replace("\\", ""), word["body"] + word["tables"]):
                lowered = text.lower()
                leaked = [v for v in full_names + places + dates if v.lower() in lowered]
                assert not leaked, (meeting_id, leaked[:5])
    finally:
        demo.dispose()


def test_latest_meeting_prefers_one_that_has_started(lite):
    from jagtui.store.minutes import latest_meeting_id

    store, built = lite
    with store.write() as session:
        meetings.create_meeting(session, held_on=TODAY + timedelta(weeks=6), subgroup="JAG")
    with store.read() as session:
        assert latest_meeting_id(session) == built.meeting_id
        assert latest_meeting_id(session, subgroup="YJAG") is None


def test_word_tables_keep_layout_and_text():
    """Table rows are written as XML directly; Word must read them as python-docx's own."""
    from io import BytesIO

    from docx import Document as Word
    from docx.shared import Pt

    from jagtui.export.document import Document, Heading, Para, Table, render_docx

    doc = Document(title="JAG", marking=MARKING)
    doc.add(Heading("ACTION LOG"), Para("Reviewed:", bold=True),
            Table(("Ref", "Action"), (("221126 Item 4\nJAG-26-0001", " two\tparts & <more> "),
                                      ("", "second")), (2.6, 7.0)))
    word = Word(BytesIO(render_docx(doc)))
    (table,) = word.tables
    header, first, second = table.rows
    assert [c.text for c in header.cells] == ["Ref", "Action"]
    assert [c.text for c in first.cells] == ["221126 Item 4\nJAG-26-0001", " two\tparts & <more> "]
    assert [c.text for c in second.cells] == ["", "second"]
    assert header._tr.trPr.xpath("./w:tblHeader")  # repeated on every printed page
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    runs = [run for row in table.rows for cell in row.cells for run in cell.paragraphs[0].runs]
    assert runs and all(run.font.size == Pt(9.5) for run in runs)
    body = [run for row in (first, second) for cell in row.cells for run in cell.paragraphs[0].runs]
    assert not any(run.bold for run in body)
    for row in table.rows:
        assert [round(cell.width.cm, 1) for cell in row.cells] == [2.6, 7.0]
    assert word.paragraphs[1].style.name == "Heading 1" and word.paragraphs[1].text == "ACTION LOG"
    assert word.paragraphs[2].runs[0].bold and word.paragraphs[2].text == "Reviewed:"
