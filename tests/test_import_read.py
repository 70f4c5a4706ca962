"""Reading extracts: every kind of broken file gives a clear report, never a traceback."""

from __future__ import annotations

import codecs

import pytest

from import_data import STORM, csv_to_xlsx
from jagtui.importer.read import read_extract, sniff_delimiter, to_utf8

HEADER = "Incident No,Date/Time Reported,Call Type"


def _write(tmp_path, data: bytes, name: str = "extract.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _file_problems(extract) -> list[str]:
    return [p.message for p in extract.problems if p.row is None]


def test_a_plain_csv_reads_as_text_indexed_by_spreadsheet_row(tmp_path):
    extract = read_extract(STORM)
    assert extract.readable and extract.kind == "csv" and extract.encoding == "UTF-8"
    assert extract.headers[:3] == ["Incident No", "Date/Time Reported", "Call Type"]
    assert list(extract.frame.index) == [2, 3, 4, 5, 6, 7]  # the header is row 1
    assert extract.frame.loc[2, 0] == "LP-20261001-0112"
    assert extract.frame.loc[4, 6] == ""  # empty cells are "", never NaN
    assert len(extract.sha256) == 64


def test_a_byte_order_mark_is_not_part_of_the_first_header(tmp_path):
    extract = read_extract(_write(tmp_path, codecs.BOM_UTF8 + STORM.read_bytes()))
    assert extract.headers[0] == "Incident No"
    assert extract.encoding == "UTF-8 with byte-order mark" and not extract.problems


def test_windows_1252_and_latin_1_text_is_read_with_a_note(tmp_path):
    data = f"{HEADER}\nR1,01/10/2026,Noise – loud\nR2,02/10/2026,Zoë\n".encode("cp1252")
    extract = read_extract(_write(tmp_path, data))
    assert extract.encoding == "Windows-1252"
    assert list(extract.frame[2]) == ["Noise – loud", "Zoë"]
    assert "not UTF-8" in extract.notes[0]
    # Bytes Windows-1252 leaves undefined fall back to Latin-1, which reads anything.
    data, encoding, _ = to_utf8(b"caf\xe9 \x81")
    assert (data.decode(), encoding) == ("café \x81", "Latin-1")


def test_utf16_with_a_mark_is_read(tmp_path):
    data = f"{HEADER}\nR1,01/10/2026,Noise\n".encode("utf-16")
    extract = read_extract(_write(tmp_path, data))
    assert extract.readable and extract.encoding == "UTF-16"
    assert extract.frame.loc[2, 0] == "R1"


def test_a_few_nul_bytes_stay_in_their_cells_for_the_check_to_report(tmp_path):
    data = f"{HEADER}\nR1,01/10/2026,No\x00ise\n".encode()
    extract = read_extract(_write(tmp_path, data))
    assert extract.frame.loc[2, 2] == "No\x00ise"  # never changed silently
    assert extract.readable and not extract.notes


def test_a_binary_file_is_refused(tmp_path):
    extract = read_extract(_write(tmp_path, b"\x00\x01\x02" * 200 + b"\n1,2\n"))
    assert not extract.readable
    assert "binary data" in _file_problems(extract)[0]


@pytest.mark.parametrize("data", [b"", b"   \n\r\n"])
def test_an_empty_file_says_so(tmp_path, data):
    extract = read_extract(_write(tmp_path, data))
    assert _file_problems(extract) == ["The file is empty"]


def test_headers_and_no_rows_is_a_note_not_an_error(tmp_path):
    extract = read_extract(_write(tmp_path, f"{HEADER}\n".encode()))
    assert extract.readable and extract.row_count == 0
    assert extract.notes == ["The file has a header row but no data rows"]


def test_a_file_cut_short_inside_quotes_is_refused_naming_the_row(tmp_path):
    data = STORM.read_bytes()
    cut = data[: data.index(b"Verbal") + 5]
    extract = read_extract(_write(tmp_path, cut))
    assert _file_problems(extract) == [
        "A quoted value starting on row 3 never ends: the file looks cut short, or a quote "
        "mark is unbalanced"]


def test_a_file_cut_short_mid_row_reports_that_row(tmp_path):
    data = STORM.read_bytes()
    cut = data[: data.index(b"Pat Caller,,,,,N")]
    extract = read_extract(_write(tmp_path, cut))
    assert extract.readable
    [problem] = extract.problems
    assert problem.row == 4 and "ends mid-row" in problem.message


def test_rows_with_more_values_than_headers_are_reported_each(tmp_path):
    data = f"{HEADER}\nR1,01/10/2026,Noise\nR2,02/10/2026,Noise, loud\nR3,03/10/2026,Noise\n"
    extract = read_extract(_write(tmp_path, data.encode()))
    assert extract.readable and extract.row_count == 3
    [problem] = extract.problems
    assert problem.row == 3
    assert problem.message.startswith("has 4 values but there are 3 column headers")
    assert list(extract.frame.columns) == [0, 1, 2]


def test_semicolon_and_tab_delimiters_are_recognised(tmp_path):
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a\tb\tc") == "\t"
    assert sniff_delimiter("just one column") == ","
    extract = read_extract(_write(tmp_path, b"Incident No;Call Type\nR1;Noise\n"))
    assert extract.headers == ["Incident No", "Call Type"]


def test_blank_rows_keep_the_row_numbers_the_spreadsheet_shows(tmp_path):
    data = f"{HEADER}\nR1,01/10/2026,Noise\n,,\nR3,03/10/2026,Noise\n".encode()
    extract = read_extract(_write(tmp_path, data))
    assert extract.frame.loc[4, 0] == "R3"


def test_an_xlsx_reads_dates_numbers_and_text_as_text(tmp_path):
    extract = read_extract(csv_to_xlsx(STORM, tmp_path / "storm.xlsx"))
    assert extract.kind == "xlsx" and extract.readable
    row = extract.frame.loc[2]
    assert (row[1], row[4], row[7]) == ("2026-10-01 21:14:00", "63", "1961-04-12")
    assert extract.frame.loc[6, 11] == '=HYPERLINK("http://example.invalid","click")'


def test_a_truncated_xlsx_is_refused_clearly(tmp_path):
    whole = csv_to_xlsx(STORM, tmp_path / "storm.xlsx").read_bytes()
    extract = read_extract(_write(tmp_path, whole[: len(whole) // 2], "cut.xlsx"))
    assert "damaged or incomplete" in _file_problems(extract)[0]


def test_a_named_sheet_that_is_missing_is_named(tmp_path):
    path = csv_to_xlsx(STORM, tmp_path / "storm.xlsx")
    assert _file_problems(read_extract(path, sheet="Nope")) == ["The workbook has no sheet named 'Nope'"]
    assert read_extract(path, sheet="Extract").readable


def test_old_xls_missing_files_and_folders_are_explained(tmp_path):
    assert "old Excel .xls" in _file_problems(read_extract(_write(tmp_path, b"\xd0\xcf\x11\xe0rest", "a.xls")))[0]
    assert _file_problems(read_extract(tmp_path / "gone.csv"))[0].startswith("No file at")
    assert "is a folder" in _file_problems(read_extract(tmp_path))[0]


def test_headers_must_be_in_row_one(tmp_path):
    extract = read_extract(_write(tmp_path, b",,\nIncident No,Date,Call Type\n"))
    assert "put the headers in row 1" in _file_problems(extract)[0]
