"""ASB case reviews on paper: one review as Word (hostile text kept as text) and the
yearly figures from ``jagtui export trigger --year``, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import os
from datetime import date

import pytest
from docx import Document as WordDocument
from sqlalchemy import select

from jagtui.cli import main
from jagtui.config import load_config
from jagtui.export.case_review import export_figures, export_review
from jagtui.identity import current_login
from jagtui.store import case_reviews, casework, users
from jagtui.store.db import create_store
from jagtui.store.models import AuditEntry

HOSTILE = "Zoë O'Brien-Łukasz \x1b[31m[bold]x[/] \u202eevil"


@pytest.fixture
def folder_cfg(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[exports]\ndirectory = "{tmp_path / "exports"}"\n')
    return load_config(config), config, tmp_path / "exports"


def _reviewed(store, cfg):
    with store.write() as session:
        person = casework.new_person(session, "Dana Whitlock")
        review = case_reviews.add_application(session, cfg, received_on=date(2026, 12, 1),
                                              person_id=person.id, summary="Noise")
        case_reviews.update_application(session, cfg, review.id, review.version, {
            "threshold": "met", "decided_on": date(2026, 12, 3), "review_on": date(2026, 12, 10),
            "findings": HOSTILE, "told_decision_on": date(2026, 12, 3)})
        case_reviews.add_recommendation(session, review.id, text="Patrols", owner="PC Hill",
                                        due_on=date(2027, 1, 8))
        return review.id


def test_review_record_as_word(store, folder_cfg):
    cfg, _, folder = folder_cfg
    rid = _reviewed(store, cfg)
    path, = export_review(store, cfg, rid, date(2026, 12, 20))
    assert path == folder / "ASB-case-review-ASBR-26-001.docx"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    text = "\n".join(p.text for p in WordDocument(str(path)).paragraphs)
    tables = "\n".join(c.text for t in WordDocument(str(path)).tables for r in t.rows for c in r.cells)
    assert "The threshold is met." in text and "Zoë O'Brien-Łukasz \\x1b[31m[bold]x[/] \\u202eevil" in text
    assert "Patrols (action ASBR-26-001 R1: PC Hill, complete by 8 Jan 2027; open)" in text
    assert "Applicant told the outcome and recommendations: not yet." in text
    assert "escalated to The Police and Crime Commissioner for Leicester, Leicestershire and Rutland" in text
    assert "Dana Whitlock (the victim)" in tables and "OVERDUE" in tables
    with store.read() as session:
        assert session.scalar(select(AuditEntry.detail).where(AuditEntry.operation == "export"))[
            "what"] == "case review"


def test_yearly_figures(store, folder_cfg):
    cfg, _, folder = folder_cfg
    _reviewed(store, cfg)
    csv_path, md_path = export_figures(store, cfg, "2026/27")
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [["Financial year", "Applications received", "Times the threshold was not met",
                     "ASB case reviews carried out", "ASB case reviews that led to recommendations"],
                    ["2026/27", "1", "0", "1", "1"]]
    assert "2026/27" in md_path.read_text(encoding="utf-8")


def test_cli_export_trigger(tmp_path, folder_cfg, capsys):
    cfg, config, folder = folder_cfg
    db = tmp_path / "jag.db"
    store = create_store(f"sqlite:///{db}", "tester")
    with store.write() as session:
        users.add_user(session, current_login(), "Test Chair", role="chair")
    _reviewed(store, cfg)
    store.dispose()
    old = os.umask(0o022)
    try:
        code = main(["export", "trigger", "--year", "2026/27", "--db", str(db), "--config", str(config)])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert out.splitlines() == [str(folder / "ASB-case-reviews-2026-27.csv"),
                                    str(folder / "ASB-case-reviews-2026-27.md")]
        code = main(["export", "trigger", "--year", "2026", "--db", str(db), "--config", str(config)])
        out, err = capsys.readouterr()
        assert code == 2 and "Not a financial year" in err and "Traceback" not in err
    finally:
        os.umask(old)
