"""The action log as CSV and Excel, safe to open in a spreadsheet.

Columns follow the seed action logs (ref as the meeting-date code and item,
the action, who, complete by) plus the agency, status, latest update and case
reference. Any text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with a single quote (the OWASP CSV-injection
advice), so a spreadsheet shows it as text instead of running it as a
formula; in the .xlsx the cell is also stored as a plain string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

from jagtui.config import Config
from jagtui.export.paths import ExportError, action_log_base, check_formats, owner_key, save_exports
from jagtui.rules.actions import is_overdue

FORMATS = ("csv", "xlsx")
COLUMNS = ("Ref", "Case", "Action", "Owner", "Agency", "Complete by", "Status", "Overdue",
           "Latest update", "Update date")
WIDTHS = (16, 14, 60, 22, 28, 13, 11, 9, 60, 13)
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would treat as a formula, made inert with a leading quote."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _meeting_rows(store, cfg: Config, meeting_id: int) -> tuple[list[tuple], date, str]:
    """The log a meeting reviewed and the actions it raised, as its minutes show them:
    status and update as the meeting left them, overdue as at the meeting."""
    from jagtui.store.minutes import meeting_action_log

    with store.read() as session:
        meeting, lines = meeting_action_log(session, cfg, meeting_id)
        held_on, subgroup = meeting.held_on, meeting.subgroup
    rows = [(
        line.ref, line.case_reference, line.text, line.owner,
        cfg.agency_name(line.owner_agency) if line.owner_agency else "",
        line.due_on, line.status, "yes" if is_overdue(line.due_on, line.status, held_on) else "",
        line.update_text, line.update_on,
    ) for line in lines]
    return rows, held_on, subgroup


def _rows(store, cfg: Config, today: date, *, status: str | None) -> list[tuple]:
    from jagtui.store import actions

    with store.read() as session:
        found = actions.action_rows(session, status=status)
    rows = []
    for row in found:
        action, update = row.action, row.latest_update
        rows.append((
            action.ref, row.case_reference, action.text, action.owner,
            cfg.agency_name(action.owner_agency) if action.owner_agency else "",
            action.due_on, action.status,
            "yes" if is_overdue(action.due_on, action.status, today) else "",
            update.text if update else "", update.updated_on if update else None,
        ))
    return rows


def _csv(rows: Sequence[tuple]) -> bytes:
    import csv

    out = StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([
            value.isoformat() if isinstance(value, date) else neutralise(value or "")
            for value in row
        ])
    # UTF-8 with a byte-order mark so Excel reads accented names correctly.
    return out.getvalue().encode("utf-8-sig")


# Characters XML 1.0 (so .xlsx) cannot hold; tab, line feed and carriage return can.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def xlsx_text(value: object) -> object:
    """A value for an openpyxl cell: formulas neutralised, unstorable characters shown as ``\\xNN``."""
    if isinstance(value, str):
        return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", neutralise(value))
    return value


def write_sheet(sheet, columns: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int],
                marking: str) -> None:
    """A header row, the rows (text neutralised, dates as dates), filters, frozen header,
    and the protective marking in the printed header and footer."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xlsx_text(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
                cell.alignment = Alignment(vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    for part in (sheet.oddHeader.center, sheet.oddFooter.center,
                 sheet.evenHeader.center, sheet.evenFooter.center):
        part.text = marking.replace("&", "&&")
        part.font = "Arial,Bold"
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def workbook_bytes(book, cfg: Config, title: str) -> bytes:
    book.properties.title = title
    book.properties.creator = cfg.partnership.name
    book.properties.lastModifiedBy = cfg.partnership.name
    book.properties.keywords = cfg.partnership.protective_marking
    book.properties.category = cfg.partnership.protective_marking
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx(rows: Sequence[tuple], cfg: Config, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Action log"
    write_sheet(sheet, COLUMNS, rows, WIDTHS, cfg.partnership.protective_marking)
    return workbook_bytes(book, cfg, title)


def export_action_log(store, cfg: Config, *, meeting_id: int | None = None,
                      status: str | None = "open", formats: Iterable[str] = FORMATS,
                      today: date | None = None) -> list[Path]:
    """Write the action log; returns the paths.

    With ``meeting_id``: that meeting's action log, as circulated with its minutes (the
    log it reviewed and the actions it raised, whatever their status; named after the
    meeting's date). Otherwise the whole log: ``status`` is ``open`` (default),
    ``complete``, ``cancelled`` or ``None`` for every action.
    """
    from jagtui.store.actions import STATUSES

    if status is not None and status not in STATUSES:
        raise ExportError(f"Unknown action status {status!r}: choose from {', '.join(STATUSES)}")
    chosen = check_formats(formats, FORMATS)
    today = today or date.today()
    if meeting_id is not None:
        rows, on, subgroup = _meeting_rows(store, cfg, meeting_id)
        status = None
    else:
        rows, on, subgroup = _rows(store, cfg, today, status=status), today, "JAG"
    title = f"{cfg.partnership.short_name} action log"
    makers = {"csv": lambda: _csv(rows), "xlsx": lambda: _xlsx(rows, cfg, title)}
    files = {fmt: makers[fmt]() for fmt in chosen}
    scope = f"meeting {meeting_id}" if meeting_id is not None else f"all meetings {on}"
    return save_exports(
        store, cfg,
        base=action_log_base(on, subgroup=subgroup, meeting_only=meeting_id is not None,
                             status=status),
        owner=owner_key(store, f"action-log:{scope}:{status or 'all'}"),
        files=files, what="action log", table_name="meetings" if meeting_id else "",
        record_id=meeting_id, status="meeting" if meeting_id is not None else status or "all",
        rows=len(rows),
    )
