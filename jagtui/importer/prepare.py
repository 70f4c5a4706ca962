"""Read, map and check a file: everything about an import that needs no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jagtui.config import Config, ImportMapping
from jagtui.importer.mapping import Columns, MappingError, choose, resolve
from jagtui.importer.read import Extract, read_extract
from jagtui.importer.report import ImportReport, Problem
from jagtui.importer.sandbox import Limits
from jagtui.importer.validate import Checked, check


@dataclass
class Prepared:
    """A checked file: ``report`` holds its notes and problems; ``checked`` its good rows."""

    extract: Extract
    report: ImportReport
    mapping_name: str = ""
    mapping: ImportMapping | None = None
    columns: Columns | None = None
    checked: Checked | None = None


def prepare(path: str | Path, cfg: Config, today: date, mapping_name: str = "") -> Prepared:
    """Read ``path`` with the named mapping (or the one its headers fit) and check every row."""
    sheet = cfg.imports[mapping_name].sheet if mapping_name in cfg.imports else ""
    extract = read_extract(path, sheet, Limits.from_config(cfg.import_settings))
    report = ImportReport(file_name=extract.name, sha256=extract.sha256, rows=extract.row_count,
                          notes=list(extract.notes))
    if extract.encoding and extract.kind == "csv":
        report.notes.insert(0, f"Read as CSV, {extract.encoding}")
    prepared = Prepared(extract, report)
    if not extract.readable:
        report.problems = [p for p in extract.problems if p.row is None] or extract.problems
        return prepared
    try:
        name = choose(cfg, extract.headers, mapping_name)
    except MappingError as exc:
        report.problems.append(Problem(None, "", str(exc)))
        return prepared
    mapping = cfg.imports[name]
    if mapping.sheet and not mapping_name:
        return prepare(path, cfg, today, name)  # read the sheet that mapping names
    prepared.mapping_name, prepared.mapping = name, mapping
    report.mapping, report.mapping_title, report.source = name, mapping.title, mapping.source
    if not mapping_name:
        report.notes.insert(0, f"Mapping {name!r} chosen: it fits the file's headers best")
    columns, problems, notes = resolve(mapping, extract)
    report.notes += notes
    if columns is None:
        report.problems += problems
        return prepared
    prepared.columns = columns
    try:
        checked = check(extract, mapping, columns, cfg, today)
    except MappingError as exc:
        report.problems.append(Problem(None, "", str(exc)))
        return prepared
    prepared.checked = checked
    # The rows now live in checked.incidents: let the table of text go (it is the bulk
    # of the memory for a big file).
    extract.frame = None
    report.notes += checked.notes
    report.problems += checked.problems
    return prepared
