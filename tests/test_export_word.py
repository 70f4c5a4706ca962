"""The Word minutes as a printer and a file browser see them: the table grid matches the
cell widths and fits the 17.0 cm text area, header rows repeat, no row splits across a
page, and the file's properties are the minutes' own (nothing of python-docx's template:
no 2013 dates, no "Microsoft Macintosh Word", no thumbnail). SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document as Word
from docx.oxml.ns import qn

from export_fixture import build_meeting, exports_cfg
from jagtui.export.minutes import export_minutes

TEXT_AREA_TWIPS = round(17.0 / 2.54 * 1440)


@pytest.fixture
def exported(store, cfg, tmp_path):
    with store.write() as session:
        built = build_meeting(session, cfg, n_cases=3)
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    full = [p for p in export_minutes(store, ecfg, built.meeting_id) if p.suffix == ".docx"][0]
    redacted = [p for p in export_minutes(store, ecfg, built.meeting_id, redacted=True)
                if p.suffix == ".docx"][0]
    return full, redacted


def _width(element) -> int:
    return int(element.get(qn("w:w")))


def test_table_grid_matches_the_cells_fits_the_page_and_rows_stay_whole(exported):
    for path in exported:
        tables = Word(str(path)).tables
        assert len(tables) >= 2  # the log reviewed and the actions raised
        for table in tables:
            tbl = table._tbl
            grid = [_width(col) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
            assert sum(grid) <= TEXT_AREA_TWIPS + 5, (path.name, grid)
            assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
            assert _width(tbl.tblPr.find(qn("w:tblW"))) == sum(grid)
            for n, row in enumerate(tbl.tr_lst):
                cells = [_width(tc.tcPr.find(qn("w:tcW"))) for tc in row.tc_lst]
                assert cells == grid, (path.name, n)
                props = row.trPr
                assert props is not None and props.find(qn("w:cantSplit")) is not None
                assert (props.find(qn("w:tblHeader")) is not None) == (n == 0)
            # "Action" gets the room: the widest column, not one of five equal ones
            assert grid[1] == max(grid) and len(set(grid)) > 1


def test_file_properties_are_the_minutes_own(exported, cfg):
    full, redacted = exported
    now = datetime.now(timezone.utc)
    for path in exported:
        props = Word(str(path)).core_properties
        assert props.author == cfg.partnership.name == props.last_modified_by
        assert "Charnwood Joint Action Group" in props.title and "November 2026" in props.title
        for stamp in (props.created, props.modified):
            stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
            assert now - timedelta(minutes=10) <= stamp <= now + timedelta(minutes=1)
        assert props.keywords == "OFFICIAL-SENSITIVE"
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            app = package.read("docProps/app.xml").decode()
            rels = package.read("_rels/.rels").decode()
        assert not any("thumbnail" in name for name in names) and "thumbnail" not in rels
        assert "Microsoft" not in app and "<Application>jagtui</Application>" in app
    full_props, redacted_props = (Word(str(p)).core_properties for p in exported)
    assert "REDACTED" in redacted_props.subject and "REDACTED" in redacted_props.title
    assert "REDACTED" not in full_props.subject and "REDACTED" not in full_props.title
