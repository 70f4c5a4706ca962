"""The action log as CSV and Excel, safe to open in a spreadsheet and to print.

Columns follow the seed action logs (ref as the meeting-date code and item,
the action, who, complete by) plus the agency, status, latest update and case
reference. Formulas are neutralised as :mod:`jagtui.export.cells` describes
(the OWASP CSV-injection advice, for comma and semicolon readers alike); the
.xlsx (:mod:`jagtui.export.xlsx`) prints on A4 landscape at the page's width
with the header row on every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from io import StringIO
from pathlib import Path

from jagtui.config import Config
from jagtui.export.cells import clean, csv_text
from jagtui.export.paths import ExportError, action_log_base, check_formats, owner_key, save_exports
from jagtui.rules.actions import is_overdue
from jagtui.rules.dates import fmt_date

FORMATS = ("csv", "xlsx")
COLUMNS = ("Ref", "Case", "Action", "Owner", "Agency", "Complete by", "Status", "Overdue",
           "Latest update", "Update date")
# Character widths that print at about 90 % on A4 landscape, the long texts widest.
WIDTHS = (14, 12, 34, 15, 17, 12, 10, 9, 31, 12)
neutralise = csv_text  # the name the CSV rule has always had here


def _meeting_rows(store, cfg: Config, meeting_id: int) -> tuple[list[tuple], list, date, str]:
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
    return rows, [line.case_id for line in lines], held_on, subgroup


def _rows(store, cfg: Config, today: date, *,
          status: str | None) -> tuple[list[tuple], list[int | None]]:
    """The whole log (or one status) as rows, and each row's case id."""
    from jagtui.store.action_export import log_rows

    with store.read() as session:
        found = log_rows(session, status=status)
    agencies = {a.key: a.name for a in cfg.agencies}
    rows = [(
        row.ref, row.case_reference, row.text, row.owner,
        agencies.get(row.owner_agency, row.owner_agency or ""),
        row.due_on, row.status, "yes" if is_overdue(row.due_on, row.status, today) else "",
        row.update_text, row.update_on,
    ) for row in found]
    return rows, [row.case_id for row in found]


def _redacted(store, cfg: Config, rows: list[tuple], case_ids: list, on: date) -> list[tuple]:
    """The rows for wider circulation: the action and update text through the redaction
    engine (people on the cases by role and letters, everyone held removed); owners are
    staff and stay named."""
    from jagtui.export.redact import redactor_for_cases

    redactor = redactor_for_cases(store, cfg, {c for c in case_ids if c is not None},
                                  staff=[row[3] for row in rows], on=on,
                                  texts=[row[i] for row in rows for i in (2, 3, 8)])
    return [(ref, case_ref, redactor.text(text, case_id), redactor.text(owner, case_id), agency,
             due, status, overdue, redactor.text(update, case_id), update_on)
            for (ref, case_ref, text, owner, agency, due, status, overdue, update, update_on),
            case_id in zip(rows, case_ids)]


def _csv(rows: Sequence[tuple]) -> bytes:
    import csv

    out = StringIO(newline="")
    # Every field quoted: a semicolon inside one cannot start a new cell.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = [value.isoformat() if isinstance(value, date) else "" if value is None
                 else str(value) for value in row]
        writer.writerow(cells if clean(cells) else [csv_text(cell) for cell in cells])
    # UTF-8 with a byte-order mark so Excel reads accented names correctly.
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: Sequence[tuple], cfg: Config, title: str, on: date) -> bytes:
    from jagtui.export.xlsx import Sheet, workbook

    sheet = Sheet("Action log", COLUMNS, WIDTHS, rows, title=f"{title} {fmt_date(on)}")
    return workbook([sheet], title=title, author=cfg.partnership.name,
                    marking=cfg.partnership.protective_marking, subject=f"{title} {fmt_date(on)}")


def export_action_log(store, cfg: Config, *, meeting_id: int | None = None,
                      status: str | None = "open", formats: Iterable[str] = FORMATS,
                      today: date | None = None, redacted: bool = False) -> list[Path]:
    """Write the action log; returns the paths.

    With ``meeting_id``: that meeting's action log, as circulated with its minutes (the
    log it reviewed and the actions it raised, whatever their status; named after the
    meeting's date). Otherwise the whole log: ``status`` is ``open`` (default),
    ``complete``, ``cancelled`` or ``None`` for every action. ``redacted``: the version
    for wider circulation (``-redacted`` in the name), as the redacted minutes.
    """
    from jagtui.store.actions import STATUSES

    if status is not None and status not in STATUSES:
        raise ExportError(f"Unknown action status {status!r}: choose from {', '.join(STATUSES)}")
    chosen = check_formats(formats, FORMATS)
    today = today or date.today()
    if meeting_id is not None:
        rows, case_ids, on, subgroup = _meeting_rows(store, cfg, meeting_id)
        status = None
    else:
        (rows, case_ids), on, subgroup = _rows(store, cfg, today, status=status), today, "JAG"
    if redacted:
        rows = _redacted(store, cfg, rows, case_ids, on)
    title = f"{cfg.partnership.short_name} action log" + (" (redacted)" if redacted else "")
    makers = {"csv": lambda: _csv(rows), "xlsx": lambda: _xlsx(rows, cfg, title, on)}
    files = {fmt: makers[fmt]() for fmt in chosen}
    scope = f"meeting {meeting_id}" if meeting_id is not None else f"all meetings {on}"
    return save_exports(
        store, cfg,
        base=action_log_base(on, subgroup=subgroup, meeting_only=meeting_id is not None,
                             status=status) + ("-redacted" if redacted else ""),
        owner=owner_key(store, f"action-log:{scope}:{status or 'all'}"
                               + (":redacted" if redacted else "")),
        files=files, what="action log", redacted=redacted,
        table_name="meetings" if meeting_id else "",
        record_id=meeting_id, status="meeting" if meeting_id is not None else status or "all",
        rows=len(rows),
    )
