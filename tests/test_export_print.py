"""Spreadsheets that print: every sheet of the action log and the plan workbook is set
up for A4 landscape at the page's width only, the header row repeated and frozen,
wrapped text in rows tall enough for it, sensible widths, the protective marking and
page numbers in the printed header and footer. Read back with openpyxl (not the
writer's own code), on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from export_fixture import TODAY, build_meeting, exports_cfg
from jagtui.export.action_log import export_action_log
from jagtui.export.plan_progress import export_plan
from jagtui.store import actions, plan

MARKING = "OFFICIAL-SENSITIVE"
LONG = ("Visit the household with the housing officer, agree the tenancy warning wording and "
        "report back on whether the landlord has fitted the new fence panels and door chain. ") * 3
# A4 landscape less the margins, in Excel column units (about 7 pixels at 96 dpi).
PRINTABLE_UNITS = (11.69 - 1.0) * 96 / 7


@pytest.fixture
def filled(store, cfg):
    with store.write() as session:
        built = build_meeting(session, cfg, n_cases=2)
        for n in range(40):
            action = actions.add_action(session, ref=f"221126 Item {n}", text=LONG[: 40 + 9 * n],
                                        owner="PC Owen Tate", owner_agency="POLICE",
                                        due_on=date(2026, 12, 1), meeting_id=built.meeting_id)
            actions.add_update(session, action.id, TODAY, "Line one\nLine two\nLine three")
        priority = plan.add_priority(session, "P2", "To reduce the harm caused by youth ASB")
        objective = plan.add_objective(session, priority.id, 1, "Solutions for complex issues")
        for n in range(1, 6):
            line = plan.add_plan_action(session, objective.id, n, LONG[: 60 * n], lead="JAG",
                                        ends_on=date(2027, 3, 31), resources="Officer time",
                                        measures="Outcome - fewer repeat calls")
            plan.set_update(session, line.id, "2026/27 Q2", "on track", LONG[: 50 * n])
    return store


def _text_lines_lower_bound(text: str, width: float) -> int:
    """Lines the text needs at the very least: generous 1.3 characters per unit."""
    per_line = max(1, int(width * 1.3))
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def _check_sheet(sheet) -> None:
    where = sheet.title
    setup = sheet.page_setup
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), where  # width only: pages run down
    assert setup.orientation == "landscape" and str(setup.paperSize) == "9", where  # A4
    assert sheet.print_title_rows.replace("$", "") == "1:1", where  # the header on every page
    assert sheet.freeze_panes == "A2", where
    assert sheet.oddHeader.center.text == MARKING and sheet.oddFooter.center.text == MARKING
    assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
    widths = [sheet.column_dimensions[get_column_letter(n)].width
              for n in range(1, sheet.max_column + 1)]
    assert all(6 <= w <= 100 for w in widths), (where, widths)
    # Fitted to the width, the print is no smaller than about 60 %.
    assert PRINTABLE_UNITS / sum(widths) >= 0.6, (where, sum(widths))
    for row in sheet.iter_rows():
        height = sheet.row_dimensions[row[0].row].height
        assert height, (where, row[0].row)
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
                needed = _text_lines_lower_bound(cell.value, widths[cell.column - 1])
                assert height >= needed * 11.5, (where, cell.coordinate, height, needed)


def test_the_action_log_prints_at_the_page_width(filled, cfg, tmp_path):
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    xlsx = export_action_log(filled, ecfg, today=TODAY, formats=["xlsx"])[0]
    sheet = load_workbook(xlsx)["Action log"]
    _check_sheet(sheet)
    assert sheet.max_row > 40


def test_every_plan_sheet_prints_and_measures_are_headed_in_words(filled, cfg, tmp_path):
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    xlsx = export_plan(filled, ecfg, quarter="2026/27 Q3", formats=["xlsx"], today=TODAY)[0]
    book = load_workbook(xlsx)
    for sheet in book.worksheets:
        _check_sheet(sheet)
    # Periods down the page (a county's years of quarters never run off its side), each
    # in words; the measures' names head the columns and wrap inside their cells.
    measures = book["Measures"]
    head = [c.value for c in measures[1]]
    assert head[:2] == ["Period", "High-risk adult cases referred"]
    periods = [row[0].value for row in measures.iter_rows(min_row=2)]
    assert periods[0] == "Baseline year 2022/23, whole year"
    assert periods[1] == "2022/23 Q1 (April to June)"
    assert "Baseline 2022/23 tot" not in " ".join(periods + head)
