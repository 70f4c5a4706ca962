"""Reading a partner's extract (CSV or .xlsx) into a table of text, robustly.

Whatever arrives — a byte-order mark, Windows-1252 text, NUL bytes, a file cut
short, duplicate headers, an empty file — becomes a readable table plus notes,
or a :class:`Problem` that says what is wrong, never a traceback. Every cell is
text ("" when empty) so nothing is guessed here: mapping and validation decide
what a value means (a NUL or other control character in a cell is kept, for
validation to report by row and column). The file itself is opened by
``jagtui.importer.sandbox``: a regular file, within the size cap and allowed
folders, or a refusal. pandas is imported here, only when a file is read.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from jagtui.importer.report import Problem
from jagtui.importer.sandbox import Limits, Refused, read_file

if TYPE_CHECKING:
    from pandas import DataFrame

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_DELIMITERS = (",", ";", "\t", "|")
# More NULs than this share of the text (and more than a few) means binary data,
# not a damaged CSV.
_NUL_SHARE = 0.01
_NUL_FEW = 10
# A workbook is a zip: refuse one whose sheets unpack to more than this many times
# the size cap (a "zip bomb" would otherwise fill the memory).
_XLSX_UNPACKED_RATIO = 10


@dataclass
class Extract:
    """A file read into text: ``frame`` has one column per header position and
    is indexed by spreadsheet row number (the header is row 1)."""

    path: Path
    sha256: str = ""
    size: int | None = None  # bytes read (or the size of a file refused for it)
    refused: bool = False  # not opened at all: not a regular file, too big, elsewhere
    kind: str = ""
    encoding: str = ""
    headers: list[str] = field(default_factory=list)
    frame: DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def row_count(self) -> int:
        return 0 if self.frame is None else len(self.frame)

    @property
    def readable(self) -> bool:
        return bool(self.headers) and not any(p.row is None for p in self.problems)

    def fail(self, message: str) -> Extract:
        self.problems.append(Problem(None, "", message))
        self.frame = None
        return self


def read_extract(path: str | Path, sheet: str = "", limits: Limits | None = None) -> Extract:
    """Read ``path`` within ``limits``; problems are reported on the result, never raised."""
    limits = limits or Limits()
    extract = Extract(Path(path).expanduser())
    try:
        opened = read_file(extract.path, limits)
    except Refused as exc:
        extract.refused, extract.size = True, exc.size
        return extract.fail(str(exc))
    data = opened.data
    extract.size = opened.size
    extract.sha256 = hashlib.sha256(data).hexdigest()
    if not data.strip():
        return extract.fail("The file is empty")
    suffix = extract.path.suffix.lower()
    if data.startswith(_OLE) or suffix == ".xls":
        return extract.fail("This is the old Excel .xls format: save it as .xlsx or CSV and "
                            "import that")
    if data.startswith(_ZIP) or suffix in XLSX_SUFFIXES:
        extract.kind = "xlsx"
        _read_xlsx(extract, data, sheet, limits)
    else:
        extract.kind = "csv"
        _read_csv(extract, data)
    if extract.frame is not None:
        _take_headers(extract)
    return extract


# --- CSV -------------------------------------------------------------------------------------


def to_utf8(data: bytes) -> tuple[bytes, str, str]:
    """(the text as UTF-8 bytes without a byte-order mark, what it was, a note): UTF-8 with
    or without a mark, UTF-16 with a mark, else Windows-1252, else Latin-1 (reads any bytes).
    pandas then reads bytes, which takes far less memory than a Python string of the file."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            data[3:].decode("utf-8")
            return data[3:], "UTF-8 with byte-order mark", ""
        except UnicodeDecodeError:
            data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), "UTF-16", ""
        except UnicodeDecodeError:
            pass
    else:
        try:
            data.decode("utf-8")
            return data, "UTF-8", ""
        except UnicodeDecodeError:
            pass
    for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.encode("utf-8"), label, (f"The file is not UTF-8; read it as {label}. Check "
                                             "accented names came through (save as 'CSV UTF-8' "
                                             "to be sure)")
    raise AssertionError("Latin-1 decodes any bytes")


def _binary(extract: Extract, data: bytes) -> bool:
    """Many NUL bytes: binary data, refused. A few stay in their cells, where validation
    reports each by row and column (removing them would change the row silently)."""
    count = data.count(b"\x00")
    if count > _NUL_FEW and count > len(data) * _NUL_SHARE:
        extract.fail(f"The file holds binary data ({count} NUL bytes), not CSV text: open it in "
                     "the spreadsheet and save it as CSV UTF-8 or .xlsx")
        return True
    return False


def sniff_delimiter(first_line: str) -> str:
    """The delimiter used most in the header line (comma when there is a tie or none)."""
    return max(_DELIMITERS, key=lambda d: (first_line.count(d), d == ","))


def _read_csv(extract: Extract, data: bytes) -> None:
    import csv

    import pandas as pd

    data, extract.encoding, note = to_utf8(data)
    if note:
        extract.notes.append(note)
    if _binary(extract, data):
        return
    if not data.strip():
        extract.fail("The file is empty")
        return
    sep = sniff_delimiter(data.split(b"\n", 1)[0].decode("utf-8"))
    options = dict(header=None, dtype=str, keep_default_na=False, skip_blank_lines=False,
                   sep=sep, quotechar='"', engine="c", encoding="utf-8")
    try:
        frame = pd.read_csv(io.BytesIO(data), **options)
    except pd.errors.ParserError as exc:
        message = str(exc)
        if "EOF inside string" in message:
            row = _csv_row_number(message)
            extract.fail(f"A quoted value starting on row {row} never ends: the file looks cut "
                         "short, or a quote mark is unbalanced" if row else
                         "A quoted value never ends: the file looks cut short")
            return
        # Some rows have more values than the header: read them all, report them per row.
        try:
            frame = _read_ragged(extract, data, sep, options)
        except (csv.Error, pd.errors.ParserError):
            extract.fail("Cannot read the file as CSV: a value runs on for over 128 KB (an "
                         "unbalanced quote mark?) or the rows do not line up")
            return
    if frame.isna().any().any():
        frame = frame.fillna("")
    _check_last_row(extract, data, sep, frame)
    extract.frame = frame


def _csv_row_number(message: str) -> int | None:
    import re

    found = re.search(r"row (\d+)", message)
    return int(found[1]) + 1 if found else None


def _read_ragged(extract: Extract, data: bytes, sep: str, options: dict) -> DataFrame:
    """Rows longer than the header are problems of their own; the rest still read."""
    import csv

    import pandas as pd

    text = io.StringIO(data.decode("utf-8"), newline="")
    widths = [len(fields) for fields in csv.reader(text, delimiter=sep)]
    width = widths[0]
    frame = pd.read_csv(io.BytesIO(data), names=list(range(max(widths))), **options).fillna("")
    extra = [column for column in frame.columns if column >= width]
    for index in frame.index[frame[extra].astype(bool).any(axis=1)]:
        count = width + int(frame.loc[index, extra].astype(bool).sum())
        extract.problems.append(Problem(
            int(index) + 1, "", f"has {count} values but there are {width} column headers: "
            "a comma inside a value that is not in quotes?"))
    return frame.drop(columns=extra)


def _check_last_row(extract: Extract, data: bytes, sep: str, frame: DataFrame) -> None:
    """A file cut short mid-row ends without a line break and with too few values."""
    if data.endswith((b"\n", b"\r")) or len(frame) < 2:
        return
    import csv

    last_line = data.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    try:
        values = next(csv.reader([last_line], delimiter=sep), [])
    except csv.Error:  # a last line too long to be a row: cut short all the same
        values = []
    expected = len(frame.columns)
    if len(values) < expected:
        extract.problems.append(Problem(
            len(frame), "",
            f"has only {len(values)} of {expected} values and the file ends mid-row: "
            "it looks cut short (export it again)"))


# --- xlsx ------------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _unpacked_size(data: bytes) -> int | None:
    """What the workbook's parts unpack to (as the zip declares; reading stops there)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return sum(info.file_size for info in book.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # pandas says it is damaged, below


def _read_xlsx(extract: Extract, data: bytes, sheet: str, limits: Limits) -> None:
    import zipfile

    import pandas as pd

    extract.encoding = "xlsx"
    unpacked = _unpacked_size(data)
    if unpacked is not None and unpacked > limits.max_bytes * _XLSX_UNPACKED_RATIO:
        extract.fail(f"The workbook unpacks to {unpacked / 2**20:.0f} MB, more than jagtui reads "
                     f"({limits.max_mb * _XLSX_UNPACKED_RATIO} MB): save it as CSV, or split it")
        return
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet or 0, header=None, dtype=object,
                              engine="openpyxl")
    except zipfile.BadZipFile:
        extract.fail("The .xlsx file is damaged or incomplete (not a complete workbook): "
                     "was it copied or downloaded completely?")
        return
    except (ValueError, KeyError) as exc:
        if sheet and "not found" in str(exc):
            extract.fail(f"The workbook has no sheet named {sheet!r}")
        else:  # the library's words may quote the workbook: say only what kind of fault
            extract.fail(f"Cannot read the workbook ({type(exc).__name__}): it may be damaged "
                         "or protected; open it and save it again as .xlsx")
        return
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        extract.fail(f"Cannot read the workbook ({type(exc).__name__}): it may be damaged "
                     "or protected; open it and save it again as .xlsx")
        return
    if frame.empty:
        extract.fail("The sheet is empty")
        return
    extract.frame = frame.map(_cell_text)


# --- headers ---------------------------------------------------------------------------------


def header_key(text: str) -> str:
    """Headers match ignoring case and extra spaces (and a stray byte-order mark)."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def _take_headers(extract: Extract) -> None:
    frame = extract.frame
    headers = [" ".join(str(h).split()) for h in frame.iloc[0]]
    data = frame.iloc[1:]
    data.index = range(2, len(data) + 2)
    data.columns = range(len(data.columns))
    # Trailing columns with neither a header nor any value (a stray delimiter) go.
    while headers and not headers[-1] and not data[len(headers) - 1].astype(bool).any():
        data = data.drop(columns=len(headers) - 1)
        headers.pop()
    extract.headers = headers
    extract.frame = data
    if not headers or not any(headers):
        extract.fail("The first row has no column headers: put the headers in row 1, the data under them")
        return
    for position, header in enumerate(headers, start=1):
        if not header:
            extract.notes.append(f"Column {position} has no header: it is ignored")
    if len(data) == 0:
        extract.notes.append("The file has a header row but no data rows")
