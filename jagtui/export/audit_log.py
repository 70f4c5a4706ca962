"""``jagtui audit export``: the audit trail as CSV or JSON Lines, streamed.

The log grows large, so rows are written as they are read (never held whole in
memory) to an owner-only file that appears under its final name only when
complete. CSV cells are made safe for a spreadsheet as the action log's are
(:mod:`jagtui.export.cells`: a ``'`` before anything a spreadsheet would run as
a formula, control codes shown); the detail column stays valid JSON, its hidden
characters written as JSON ``\\uXXXX`` escapes. JSON Lines keeps every value
exactly. The export is itself one audit row.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO

from jagtui.export.cells import csv_text
from jagtui.store.audit import Filter, Row, stream

FORMATS = ("csv", "jsonl")
COLUMNS = ("id", "at", "login", "operation", "table", "record_id", "case_id", "case_reference",
           "detail")
# What JSON leaves raw (ensure_ascii=False) but a spreadsheet should not hold as is.
_JSON_HIDDEN = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a would-be formula gets a ``'`` prefix."""
    return csv_text("" if value is None else value)


def _json_cell(detail: object) -> str:
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    return safe_cell(_JSON_HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _fields(row: Row) -> list[object]:
    return [row.id, row.at.isoformat(), row.login, row.operation, row.table_name, row.record_id,
            row.case_id, row.case_reference, row.detail]


def write_rows(rows: Iterable[Row], out: IO[str], fmt: str) -> int:
    """Write ``rows`` to ``out`` in ``fmt``; returns how many."""
    count = 0
    if fmt == "csv":
        # Every field quoted: a semicolon inside one cannot start a new cell.
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerow(COLUMNS)
        for row in rows:
            *plain, detail = _fields(row)
            writer.writerow([safe_cell(value) for value in plain] + [_json_cell(detail)])
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(dict(zip(COLUMNS, _fields(row), strict=True)),
                                 ensure_ascii=False, default=str) + "\n")
            count += 1
    return count


def default_path(folder: Path, fmt: str, now: datetime) -> Path:
    return folder / f"audit-log-{now:%Y-%m-%d-%H%M%S}.{fmt}"


def export(store, where: Filter, fmt: str, target: Path | None) -> tuple[int, str]:
    """Write the matching rows to ``target`` (None: standard output); returns (rows, where).

    A file is written owner-only to a temporary name and renamed when complete;
    an existing file is never overwritten.
    """
    from jagtui.store import audit
    from jagtui.store.errors import StoreError

    if fmt not in FORMATS:
        raise StoreError(f"Unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    with store.read() as session:
        if target is None:
            count = write_rows(stream(session, where), sys.stdout, fmt)
            sys.stdout.flush()
            destination = "standard output"
        else:
            if target.exists():
                raise StoreError(f"{target} exists already: choose another --output")
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    count = write_rows(stream(session, where), out, fmt)
                    out.flush()
                    os.fsync(out.fileno())
                os.link(tmp, target)  # fails rather than replace a file made meanwhile
            except OSError as exc:
                raise StoreError(f"Cannot write {target}: {exc.strerror or exc}") from None
            finally:
                tmp.unlink(missing_ok=True)
            destination = str(target)
    try:
        with store.write() as session:
            audit.record(session, "export", table_name="audit_log", what="audit log",
                         format=fmt, rows=count, path=destination, filters=where.describe())
    except BaseException:
        # No export without its audit row.
        if target is not None:
            target.unlink(missing_ok=True)
        raise
    return count, destination
