"""Extract files for the import tests: the fixtures, an .xlsx made from them, big files.

All names, places and references are fictional.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
STORM = FIXTURES / "storm.csv"
SENTINEL = FIXTURES / "sentinel.csv"
TODAY = date(2026, 11, 22)
# Columns an .xlsx holds as real dates (as Excel would), and as numbers.
DATE_COLUMNS = {"Date/Time Reported", "Victim DOB", "Suspect DOB", "Date Reported",
                "Complainant DOB", "Perpetrator DOB"}
NUMBER_COLUMNS = {"Beat"}


def _cell_value(header: str, text: str):
    if not text:
        return None
    if header in DATE_COLUMNS:
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                pass
    if header in NUMBER_COLUMNS and text.isdigit():
        return int(text)
    return text


def csv_to_xlsx(source: Path, target: Path, sheet: str = "Extract") -> Path:
    """The CSV as a workbook: dates as date cells, beats as numbers, text as text
    (a text cell starting with '=' stays text, as when typed after an apostrophe)."""
    from openpyxl import Workbook

    book = Workbook()
    page = book.active
    page.title = sheet
    with source.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    headers = rows[0]
    page.append(headers)
    for values in rows[1:]:
        page.append([_cell_value(h, v) for h, v in zip(headers, values)])
    for row in page.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            if isinstance(cell.value, datetime) and cell.value.time() == datetime.min.time():
                cell.number_format = "DD/MM/YYYY"
    book.save(target)
    return target


STORM_HEADERS = ["Incident No", "Date/Time Reported", "Call Type", "Location", "Beat",
                 "Caller Name", "Victim Name", "Victim DOB", "Suspect Name", "Suspect DOB",
                 "Hate Crime Flag", "Remarks"]


def big_storm(path: Path, rows: int, seed: int = 7) -> Path:
    """A STORM-style extract of ``rows`` rows: 20,000 victims, 3,000 suspects, 6,000 places."""
    rnd = random.Random(seed)
    calls = ["ASB - Personal", "ASB - Nuisance", "Noise Nuisance", "Criminal Damage", "Drugs",
             "Harassment"]
    places = [f"{n} Example Street, {town}" for n in range(1, 2001)
              for town in ("Shepshed", "Syston", "Anstey")]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(STORM_HEADERS)
        for n in range(rows):
            day = TODAY - timedelta(days=rnd.randrange(365))
            victim = rnd.randrange(20000)
            born = date(1940, 1, 1) + timedelta(days=victim)
            out.writerow([f"LP-{n:07d}", day.strftime("%d/%m/%Y %H:%M"), rnd.choice(calls),
                          rnd.choice(places), "", f"Caller {victim % 5000}",
                          f"Victim Person{victim}", born.strftime("%d/%m/%Y"),
                          f"Suspect Person{victim % 3000}", "", "Y" if n % 50 == 0 else "N",
                          "Generated row for the scale test"])
    return path
