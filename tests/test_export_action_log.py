"""The action log as CSV and .xlsx: columns, filters, and formula injection made inert."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from export_fixture import TODAY, build_meeting, exports_cfg
from jagtui.export.action_log import COLUMNS, export_action_log, neutralise
from jagtui.export.paths import ExportError
from jagtui.store import actions
from jagtui.store.errors import NotFound
from jagtui.store.models import AuditEntry

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1",
            "=cmd|' /C calc'!A0", "\uff1dHYPERLINK(\"http://x\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)",
            'Done;=HYPERLINK("http://x","y")', "Done,+1", "Seen; -2 later;@x"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Escape codes and bidi overrides as typed or pasted, each shown as a visible code.
HIDDEN = "Paid\x1b[31m \x9b2J \u202egnp.exe\u202c \u2066x\u2069 \x07"
HIDDEN_SHOWN = "Paid\\x1b[31m \\x9b2J \\u202egnp.exe\\u202c \\u2066x\\u2069 \\x07"


@pytest.fixture
def built(store, cfg):
    with store.write() as session:
        built = build_meeting(session, cfg, n_cases=2)
        for n, payload in enumerate(PAYLOADS):
            action = actions.add_action(session, ref=payload, text=payload, owner=f"{payload} owner"
                                        if n % 2 else payload, owner_agency="POLICE",
                                        meeting_id=built.meeting_id)
            actions.add_update(session, action.id, TODAY, payload)
            # add_action trims the text; an edit (or an import) need not, so set it as typed
            actions.update_action(session, action.id, None, text=payload)
        hidden = actions.add_action(session, ref="221126 Item 9", text="x", owner="Y",
                                    meeting_id=built.meeting_id)
        actions.update_action(session, hidden.id, None, text=HIDDEN)
    return built


@pytest.fixture
def ecfg(cfg, tmp_path):
    return exports_cfg(cfg, tmp_path / "exports")


def _csv_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_neutralise_follows_the_owasp_advice():
    assert [neutralise(p) for p in PAYLOADS][:4] == ["'=HYPERLINK(\"http://x\",\"y\")", "'+1",
                                                     "'-1+2", "'@SUM(A1)"]
    assert neutralise("\t=1") == "'\t=1"
    assert neutralise("\r=1") == "\\x0d=1"  # a carriage return is shown as a code
    assert neutralise("Visit = done") == "Visit = done" and neutralise(3) == "3"
    # full-width signs some spreadsheets take as formulas
    assert neutralise("\uff1d1+1") == "'\uff1d1+1" and neutralise("\uff20A1") == "'\uff20A1"
    # after a separator a semicolon (or quote-blind) reader splits on
    assert neutralise('Done;=HYPERLINK("x")') == 'Done;\'=HYPERLINK("x")'
    assert neutralise("a,-1; b;+2") == "a,'-1; b;'+2"
    assert neutralise("=a;@b") == "'=a;'@b"
    assert neutralise("Done; see notes, - fine") == "Done; see notes, - fine"
    assert neutralise(HIDDEN) == HIDDEN_SHOWN


def test_csv_and_xlsx_hold_the_open_log(store, built, ecfg):
    paths = export_action_log(store, ecfg, today=TODAY)
    assert [p.name for p in paths] == ["JAG-action-log-2026-11-22.csv", "JAG-action-log-2026-11-22.xlsx"]
    rows = _csv_rows(paths[0])
    assert tuple(rows[0]) == COLUMNS
    body = rows[1:]
    # open: the carried action, the two raised, the payloads; not the completed one
    assert len(body) == 1 + 2 + len(PAYLOADS) + 1
    carried = next(r for r in body if r[2] == "Arrange a joint visit")
    assert carried == ["111026 Item 4", "", "Arrange a joint visit", "T. McCabe",
                       "Charnwood Borough Council ASB Team", "2026-11-19", "open", "yes",
                       "Visit booked; carried forward", "2026-11-22"]
    assert any(r[1] == "JAG-26-0001" and r[0] == "221126 Item 4" for r in body)

    import pandas as pd
    from openpyxl import load_workbook

    book = load_workbook(paths[1])
    assert book.sheetnames == ["Action log"]
    sheet = book["Action log"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.max_row == len(body) + 1
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    frame = pd.read_excel(paths[1], sheet_name="Action log")
    assert list(frame.columns) == list(COLUMNS) and len(frame) == len(body)
    assert "Arrange a joint visit" in set(frame["Action"])
    csv_frame = pd.read_csv(paths[0], encoding="utf-8-sig")
    assert len(csv_frame) == len(body)


def _split(line: str, separator: str) -> list[str]:
    """How a reader that ignores quoting sees a CSV line: every separator splits."""
    return [part.strip('"') for part in line.split(separator)]


def test_formula_payloads_come_out_inert(store, built, ecfg):
    csv_path, xlsx_path = export_action_log(store, ecfg, today=TODAY)
    for row in _csv_rows(csv_path)[1:]:
        for cell in row:
            assert not cell.startswith(DANGEROUS), cell
    texts = {row[2] for row in _csv_rows(csv_path)[1:]}
    assert {"'" + p for p in PAYLOADS[:5] + PAYLOADS[6:11]} <= texts
    assert {"\\x0d=1+1", 'Done;\'=HYPERLINK("http://x","y")', "Done,'+1",
            "Seen; -2 later;'@x", HIDDEN_SHOWN} <= texts
    # Opened by a spreadsheet that splits on semicolons (or on commas, ignoring quotes):
    # no piece of any line starts a formula.
    raw = csv_path.read_text(encoding="utf-8-sig")
    assert raw.startswith('"Ref","Case",')  # every field quoted
    for line in raw.splitlines():
        for separator in (";", ","):
            for piece in _split(line, separator):
                assert not piece.startswith(DANGEROUS), (separator, piece)
    assert "\x1b" not in raw and "\u202e" not in raw and "\x9b" not in raw

    from openpyxl import load_workbook

    sheet = load_workbook(xlsx_path)["Action log"]
    seen = {}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                seen[cell.value] = cell
    # Stored as typed, as strings: no apostrophe to see; quotePrefix keeps an edit text.
    for payload in PAYLOADS:
        if payload.startswith("\r"):  # shown as a code: no longer a formula at all
            payload = "\\x0d" + payload[1:]
            assert payload in seen and not seen[payload].quotePrefix
            continue
        assert payload in seen, payload
        assert seen[payload].data_type == "s" and seen[payload].quotePrefix, payload
    assert not any(value.startswith("'") for value in seen)
    assert not seen["Arrange a joint visit"].quotePrefix
    assert HIDDEN_SHOWN in seen and not any("\x1b" in v or "\u202e" in v for v in seen)
    # nothing in the package is a formula
    import zipfile

    with zipfile.ZipFile(xlsx_path) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")


def test_filters_by_meeting_and_status(store, built, ecfg):
    every = export_action_log(store, ecfg, status=None, today=TODAY, formats=["csv"])
    assert every[0].name == "JAG-action-log-2026-11-22-all.csv"
    assert len(_csv_rows(every[0])) - 1 == 2 + 2 + len(PAYLOADS) + 1
    meeting = export_action_log(store, ecfg, meeting_id=built.meeting_id, today=TODAY,
                                formats=["csv"])
    assert meeting[0].name == "JAG-action-log-2026-11-22-meeting.csv"
    # The meeting's own log: the earlier meeting's actions it reviewed (one completed
    # there, as the minutes show it) and the actions it raised.
    by_text = {row[2]: row for row in _csv_rows(meeting[0])[1:]}
    assert by_text["Arrange a joint visit"][0] == "111026 Item 4"
    assert by_text["Share the hotspot map"][6] == "complete"
    assert by_text["Share the hotspot map"][8] == "Map shared with all partners"
    assert any(row[0] == "221126 Item 4" for row in by_text.values())
    with store.read() as session:
        audited = list(session.scalars(select(AuditEntry).where(AuditEntry.operation == "export")))
    assert [row.detail["what"] for row in audited] == ["action log", "action log"]
    assert audited[1].detail["status"] == "meeting" and audited[0].detail["status"] == "all"


def test_bad_requests(store, built, ecfg):
    with pytest.raises(NotFound):
        export_action_log(store, ecfg, meeting_id=999999)
    with pytest.raises(ExportError, match="Unknown action status"):
        export_action_log(store, ecfg, status="done")
    with pytest.raises(ExportError, match="Unknown format"):
        export_action_log(store, ecfg, formats=["ods"])
