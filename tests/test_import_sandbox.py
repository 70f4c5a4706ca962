"""A sandboxed import: only the regular file the user named, within the size cap and the
allowed folders, nothing of it echoed before a mapping fits, and every file opened
audited (path, size, outcome), refused or checked or failed. Cells holding control
characters, NUL or bidi overrides are problems by row and column, never stored.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date

from sqlalchemy import func, select

from import_data import STORM, TODAY
from jagtui import cli
from jagtui.config import ImportSettings, load_config
from jagtui.importer.apply import run_import
from jagtui.importer.prepare import prepare
from jagtui.importer.read import read_extract
from jagtui.importer.report import render_text
from jagtui.importer.sandbox import Limits
from jagtui.store.models import AuditEntry, Incident, IncidentParty, Location, Person
from jagtui.store.users import add_user


def _problems(extract) -> list[str]:
    return [p.message for p in extract.problems if p.row is None]


def _within(seconds: float, work):
    """``work()``'s result, or a failure if it has not returned in time (a pipe that
    blocks the reader would otherwise hang the test run)."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still reading after {seconds} s"
    return result["value"]


def test_a_device_is_refused_without_reading_it():
    started = time.monotonic()
    extract = _within(10, lambda: read_extract("/dev/zero"))
    assert time.monotonic() - started < 2
    assert extract.refused and not extract.readable
    assert _problems(extract) == ["/dev/zero is a device: only a regular CSV or .xlsx file can "
                                  "be imported"]


def test_a_pipe_a_folder_and_links_to_them_are_refused(tmp_path):
    fifo = tmp_path / "extract.csv"
    os.mkfifo(fifo)
    extract = _within(10, lambda: read_extract(fifo))
    assert extract.refused and "is a pipe" in _problems(extract)[0]
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    extract = _within(10, lambda: read_extract(link))
    assert _problems(extract) == [f"{link} is a device (through a link): only a regular CSV or "
                                  ".xlsx file can be imported"]
    assert "is a folder" in _problems(read_extract(tmp_path))[0]
    good = tmp_path / "storm-link.csv"
    good.symlink_to(STORM)  # a link to a regular file is that file
    assert read_extract(good).readable


def test_the_size_cap_comes_from_the_config_and_the_read_is_bounded(tmp_path, cfg):
    big = tmp_path / "big.csv"
    rows = STORM.read_bytes().split(b"\n", 1)[1]
    big.write_bytes(STORM.read_bytes() + rows * (2 * 2**20 // len(rows)))
    capped = cfg.model_copy(update={"import_settings": ImportSettings(max_mb=1)})
    prepared = prepare(big, capped, TODAY)
    assert prepared.extract.refused and prepared.checked is None
    assert prepared.report.problems[0].message == (
        "big.csv is 2.0 MB: imports take files up to 1 MB ([import] max_mb in the config). "
        "Split it into smaller files")
    assert prepare(big, cfg, TODAY).extract.readable  # the default cap is 50 MB


def test_allowed_folders_hold_even_through_a_link(tmp_path):
    inside, outside = tmp_path / "extracts", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.csv").write_bytes(STORM.read_bytes())
    (inside / "storm.csv").write_bytes(STORM.read_bytes())
    (inside / "sneaky.csv").symlink_to(outside / "secret.csv")
    limits = Limits(folders=(str(inside),))
    assert read_extract(inside / "storm.csv", limits=limits).readable
    for path in (outside / "secret.csv", inside / "sneaky.csv", inside / ".." / "elsewhere" / "secret.csv"):
        extract = read_extract(path, limits=limits)
        assert extract.refused, path
        assert "outside the folders imports are read from" in _problems(extract)[0]


def test_the_import_section_of_the_config_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[import]\nmax_mb = 5\nfolders = ["/srv/extracts"]\n')
    settings = load_config(path).import_settings
    assert (settings.max_mb, settings.folders) == (5, ["/srv/extracts"])
    assert Limits.from_config(settings) == Limits(5 * 2**20, ("/srv/extracts",))


def test_nothing_of_a_file_is_echoed_before_a_mapping_fits(tmp_path, cfg):
    secret = tmp_path / "settings.toml"
    secret.write_text('url = "postgresql://app:hunter2@db/jag"\npassword = "hunter2"\n')
    for mapping in ("storm", ""):
        report = prepare(secret, cfg, TODAY, mapping).report
        text = render_text(report, limit=10**6)
        assert report.problems and "hunter2" not in text and "postgresql" not in text, text
    report = prepare(secret, cfg, TODAY, "storm").report
    assert report.problems[0].message == ("The file has no 'Incident No' column, which the "
                                          "mapping needs (it has 1 column header): is this the "
                                          "right file and mapping?")


# --- control characters -------------------------------------------------------------------


def _storm_with(tmp_path, replacements: dict[str, str]):
    text = STORM.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "storm.csv"
    path.write_text(text)
    return path


HOSTILE = {
    "Bea Fictional": "Bea \x1b]0;owned\x07Fictional",  # row 2: a terminal title change
    "LP-20261102-0051": "LP-\u202e1500-20116202",  # row 4: a right-to-left override
    "Youths kicking": "Youths\x00 kicking",  # row 2: a NUL in the remarks
}


def _stored_text(store) -> str:
    with store.read() as session:
        rows = [*session.scalars(select(Person.name)), *session.scalars(select(Incident.source_ref)),
                *session.scalars(select(Incident.description)), *session.scalars(select(Location.name))]
    return "".join(rows)


def test_control_characters_bidi_overrides_and_nul_are_problems_by_row_and_column(store, cfg, tmp_path):
    path = _storm_with(tmp_path, HOSTILE)
    report = run_import(store, cfg, prepare(path, cfg, TODAY))
    assert not report.applied
    found = {(p.row, p.column): p.message for p in report.problems}
    assert set(found) == {(2, "Victim Name"), (2, "Remarks"), (4, "Incident No")}
    assert found[(2, "Victim Name")].startswith("holds control characters U+001B (ESC), U+0007 (BEL)")
    assert found[(4, "Incident No")].startswith(
        "holds a text-direction control U+202E (right-to-left override)")
    assert "NUL" in found[(2, "Remarks")] and "the file may be damaged" in found[(2, "Remarks")]
    # The printed report shows the codes, never the characters themselves.
    text = render_text(report)
    assert not any(c in text for c in "\x1b\x07\x00\u202e")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
    # Skipping the rows with problems imports the rest, and nothing hostile is stored.
    report = run_import(store, cfg, prepare(path, cfg, TODAY), skip_invalid=True)
    assert report.applied and report.created == 4
    assert [s.row for s in report.skipped] == [2, 4]
    assert "\\u202e" in render_text(report)  # the skipped reference, as a visible code
    stored = _stored_text(store)
    assert not any(c in stored for c in "\x1b\x07\x00\u202e")
    with store.read() as session:
        refs = set(session.scalars(select(Incident.source_ref)))
    assert "LP-20261001-0112" not in refs and len(refs) == 4


def test_tabs_and_line_breaks_are_white_space_not_problems(store, cfg, tmp_path):
    path = tmp_path / "storm.csv"
    text = STORM.read_text().replace("Youths kicking a ball", '"Youths\tkicking\r\na ball')
    text = text.replace("against the windows", 'against the windows"', 1)
    path.write_text(text)
    report = run_import(store, cfg, prepare(path, cfg, TODAY))
    assert report.applied and not report.problems
    with store.read() as session:
        description = session.scalar(select(Incident.description)
                                     .where(Incident.source_ref == "LP-20261001-0112"))
    assert description == "Youths\tkicking\na ball against the windows"


# --- every file opened is audited -----------------------------------------------------------


def _imports(store) -> list[dict]:
    with store.read() as session:
        return [e.detail | {"login": e.login} for e in session.scalars(
            select(AuditEntry).where(AuditEntry.operation == "import").order_by(AuditEntry.id))]


def test_refused_unreadable_and_checked_files_are_each_audited(store, cfg, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path in ("/dev/zero", str(empty), str(STORM)):
        run_import(store, cfg, prepare(path, cfg, TODAY), dry_run=True)
    zero, nothing, checked = _imports(store)
    assert (zero["path"], zero["size"], zero["outcome"]) == (
        "/dev/zero", 0, "refused: /dev/zero is a device: only a regular CSV or .xlsx file can be "
        "imported")
    assert (nothing["path"], nothing["size"], nothing["outcome"]) == (
        str(empty), 0, "not imported: The file is empty")
    assert (checked["outcome"], checked["size"], checked["sha256"]) == (
        "dry run", STORM.stat().st_size, prepare(STORM, cfg, TODAY).report.sha256)
    assert {e["login"] for e in _imports(store)} == {"tester"}
    with store.read() as session:  # and nothing else was written
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 3
        assert session.scalar(select(func.count()).select_from(IncidentParty)) == 0


def test_the_cli_refuses_a_device_and_audits_it(db_url, monkeypatch, capsys):
    from jagtui.store.db import create_store

    store = create_store(db_url, "setup")
    with store.write() as session:
        add_user(session, "asb-officer", "Ash Officer", "CBC-ASB", "member")
    monkeypatch.setattr("jagtui.identity.current_login", lambda: "asb-officer")
    try:
        status = _within(30, lambda: cli.main(["import", "incidents", "/dev/zero", "--mapping",
                                               "storm", "--db", db_url]))
        assert status == 1
        assert "/dev/zero is a device" in capsys.readouterr().out
        [audited] = _imports(store)
        assert (audited["login"], audited["path"], audited["outcome"].split(":")[0]) == (
            "asb-officer", "/dev/zero", "refused")
    finally:
        store.dispose()


def test_accents_dashes_and_curly_quotes_are_not_problems(store, cfg, tmp_path):
    """The control-character check leaves ordinary text alone (accents, dashes, quotes)."""
    path = _storm_with(tmp_path, {"Bea Fictional": "Zoë O’Brien–Smith"})
    report = run_import(store, cfg, prepare(path, cfg, date(2026, 11, 22)))
    assert report.applied and not report.problems


def test_a_runaway_value_is_a_problem_not_a_traceback(tmp_path):
    path = tmp_path / "runaway.csv"
    path.write_bytes(STORM.read_bytes() + b"x" * (200 * 1024))
    extract = read_extract(path)
    assert extract.problems and extract.problems[-1].message.startswith("has only")


def test_a_workbook_that_unpacks_far_beyond_the_cap_is_refused(tmp_path):
    import zipfile

    bomb = tmp_path / "extract.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 2**20))
    assert bomb.stat().st_size < 2**20
    extract = read_extract(bomb, limits=Limits(max_bytes=2**20))
    assert _problems(extract) == ["The workbook unpacks to 20 MB, more than jagtui reads (10 MB): "
                                  "save it as CSV, or split it"]
