"""``jagtui import plan FILE``: the shipped Charnwood 2023-26 example imports; a spreadsheet
in the 2017/18 action-plan layout (.xlsx, merged priority cells, quarter columns) imports
with its progress; malformed and hostile files are refused row by row and column by
column with nothing written; --dry-run writes nothing; all audited. SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jagtui import cli
from jagtui.store import plan
from jagtui.store.db import create_store
from jagtui.store.errors import Invalid
from jagtui.store.models import AuditEntry, PlanAction, PlanObjective, PlanPriority, PlanUpdate
from jagtui.store.users import add_user

EXAMPLE = Path(__file__).parent.parent / "examples" / "plan-charnwood-2023-26.csv"
LOGIN = "asb-officer"
HEAD = "Priority,Objective,Key Action,Lead,Time Scales,Financial & Resource Implications," \
       "Outcome/Measure,Baseline,Target,Tracked by,Quarter one,Quarter two\n"


@pytest.fixture
def db(db_url, monkeypatch):
    store = create_store(db_url, "setup")
    with store.write() as session:
        add_user(session, LOGIN, "Ash Officer", "CBC-ASB", "member")
        add_user(session, "watcher", "Val Viewer", "POLICE", "viewer")
    store.dispose()
    monkeypatch.setattr("jagtui.identity.current_login", lambda: LOGIN)
    return db_url


def run(*argv: str) -> int:
    umask = os.umask(0o022)
    try:
        return cli.main(list(argv))
    finally:
        os.umask(umask)


def counts(db) -> tuple[int, int, int, int]:
    store = create_store(db, "check")
    try:
        with store.read() as session:
            return tuple(session.scalar(select(func.count()).select_from(m))
                         for m in (PlanPriority, PlanObjective, PlanAction, PlanUpdate))
    finally:
        store.dispose()


def imports_audited(db) -> list[str]:
    store = create_store(db, "check")
    try:
        with store.read() as session:
            return [e.detail["outcome"] for e in session.scalars(
                select(AuditEntry).where(AuditEntry.operation == "import",
                                         AuditEntry.table_name == "plan_actions")
                .order_by(AuditEntry.id))]
    finally:
        store.dispose()


def test_the_charnwood_example_dry_run_then_import_then_reimport(db, capsys):
    assert run("import", "plan", str(EXAMPLE), "--dry-run", "--db", db) == 0
    out = capsys.readouterr().out
    assert "Would add: 4 priorities, 12 objectives, 25 actions, 0 updates" in out
    assert "Dry run: nothing was written." in out
    assert counts(db) == (0, 0, 0, 0)
    assert run("import", "plan", str(EXAMPLE), "--db", db) == 0
    assert "Added: 4 priorities, 12 objectives, 25 actions" in capsys.readouterr().out
    assert counts(db) == (4, 12, 25, 0)
    store = create_store(db, "check")
    try:
        with store.read() as session:
            lines = plan.plan_lines(session)
            keys = [p.key for p in plan.current_priorities(session)]
            audited = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.table_name == "plan_actions", AuditEntry.operation == "create"))
    finally:
        store.dispose()
    assert keys == ["P1", "P2", "P3", "P4"]
    assert audited == 25  # every action added is in the audit trail, by the importer
    youth = next(line.action for line in lines if line.action.measure_key == "high_risk_youth")
    assert youth.lead == "Youth Offending Service" and youth.time_scales == "Quarterly"
    assert str(youth.ends_on) == "2026-03-31" and youth.target == "Every high-risk child referred"
    assert lines[0].priority.period == "2023-26"
    # The same file again changes nothing.
    assert run("import", "plan", str(EXAMPLE), "--db", db) == 0
    out = capsys.readouterr().out
    assert "Added: 0 priorities, 0 objectives, 0 actions, 0 updates" in out
    assert "Updated: 0 priorities, 0 objectives, 0 actions, 0 updates" in out
    assert counts(db) == (4, 12, 25, 0)
    assert imports_audited(db) == ["dry run", "imported", "imported"]


def test_the_2017_layout_in_xlsx_with_merged_cells_and_quarter_progress(db, tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Priority", "Objective", "Key Action", "Lead Agency", "Time Scales",
                  "Financial & Resource Implications", "Outcome Target & Performance Measure",
                  "Quarter one", "Quarter two", "Quarter three", "Quarter four"])
    sheet.append(["Priority 1: Reduce crime and ASB", "Hot spot beats", "Provide 6-weekly crime "
                  "and ASB data", "Strategic JAG", "Rolling", "Officer Time",
                  "Outcome - reduce crime and ASB in the beat area", "On track: data submitted",
                  "Complete - all meetings had data", None, None])
    sheet.append([None, None, "Joint events with partner agencies", "Strategic Group",
                  "By 31/03/2018", "Officer time", "Measure - number of joint events",
                  "Numerous meetings held every week", None, None, None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    path = tmp_path / "plan-2017.xlsx"
    book.save(path)
    assert run("import", "plan", str(path), "--year", "2017/18", "--db", db) == 0
    out = capsys.readouterr().out
    assert "Added: 1 priorities, 1 objectives, 2 actions, 3 updates" in out
    assert "1 quarter cell(s) do not begin with a status" in out
    store = create_store(db, "check")
    try:
        with store.read() as session:
            lines = plan.plan_lines(session)
    finally:
        store.dispose()
    assert lines[0].priority.key == "P1" and lines[0].priority.title == "Reduce crime and ASB"
    assert [(u.quarter, u.status, u.text) for u in lines[0].updates] == [
        ("2017/18 Q1", "on track", "data submitted"),
        ("2017/18 Q2", "complete", "all meetings had data")]
    second = lines[1].action
    assert (second.time_scales, str(second.ends_on), second.lead) == ("", "2018-03-31",
                                                                      "Strategic Group")
    assert lines[1].updates[0].text == "Numerous meetings held every week"


def test_malformed_files_name_the_row_and_column_and_write_nothing(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEAD
        + ",Objective without a priority,Act,,,,,,,,,\n"
        + "P1: Safety,Fewer victims,Patrols,Police,Weekly,,,,,no such measure,,\n"
        + "P1: Safety,Fewer victims,,Police,,,,,,,,\n"
        + "P2: Youth,,Diversion,YOS,,,,,,,,\n", encoding="utf-8")
    assert run("import", "plan", str(bad), "--db", db) == 1
    out = capsys.readouterr().out
    assert "Not imported: 4 problem(s); nothing was written." in out
    assert "row 2, Priority: is empty and there is no priority above it" in out
    assert "row 3, Tracked by: 'no such measure' is not a counted measure" in out
    assert "row 4, Lead: is filled but the row has no Key Action" in out
    assert "row 5, Objective: is empty" in out
    assert counts(db) == (0, 0, 0, 0)
    no_columns = tmp_path / "nocols.csv"
    no_columns.write_text("Key Action,Lead\nPatrols,Police\n", encoding="utf-8")
    assert run("import", "plan", str(no_columns), "--db", db) == 1
    assert "No Priority column" in capsys.readouterr().out
    ends = tmp_path / "ends.csv"
    ends.write_text("Priority,Objective,Key Action,Ends\nSafety,Fewer,Patrols,someday\n",
                    encoding="utf-8")
    assert run("import", "plan", str(ends), "--db", db) == 1
    assert "row 2, Ends: 'someday' is not a date" in capsys.readouterr().out
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert run("import", "plan", str(empty), "--db", db) == 1
    assert "The file is empty" in capsys.readouterr().out
    assert run("import", "plan", str(tmp_path / "missing.csv"), "--db", db) == 1
    capsys.readouterr()
    assert counts(db) == (0, 0, 0, 0)
    assert imports_audited(db) == ["refused"] * 5
    # Bad arguments and a role without import are one line, exit 2.
    assert run("import", "plan", str(EXAMPLE), "--year", "2026", "--db", db) == 2
    assert "Not a financial year" in capsys.readouterr().err


def test_a_viewer_cannot_import_a_plan(db, monkeypatch, capsys):
    monkeypatch.setattr("jagtui.identity.current_login", lambda: "watcher")
    assert run("import", "plan", str(EXAMPLE), "--db", db) == 2
    assert "Your role (viewer) cannot" in capsys.readouterr().err
    assert counts(db) == (0, 0, 0, 0)


def test_hostile_text_is_refused_or_stored_exactly_as_typed(db, tmp_path, capsys):
    hostile = tmp_path / "hostile.csv"
    hostile.write_bytes((
        "Priority,Objective,Key Action,Lead\n"
        "Safety,Fewer victims,\x1b]52;c;cm0gLXJmIH4=\x07Patrols,Police\n"
        "Safety,Fewer victims,Visits,\u202eecilop\n").encode("utf-8"))
    assert run("import", "plan", str(hostile), "--db", db) == 1
    out = capsys.readouterr().out
    assert "row 2, Key Action: holds control characters" in out
    assert "row 3, Lead: holds a text-direction control U+202E" in out
    assert "\x1b" not in out and "\u202e" not in out  # the report cannot move the terminal
    assert counts(db) == (0, 0, 0, 0)
    odd = tmp_path / "odd.csv"
    text = ("Priority,Objective,Key Action,Lead,Outcome/Measure\n"
            "\"[bold]Safety[/]\",\"Zoë O'Brien-Łukasz's objective\",\"=HYPERLINK(\"\"x\"\")\","
            "\"Zoë O'Brien-Łukasz\",\"<script>alert(1)</script>; DROP TABLE plan_actions;--\"\n")
    odd.write_text(text, encoding="utf-8")
    assert run("import", "plan", str(odd), "--db", db) == 0
    capsys.readouterr()
    store = create_store(db, "check")
    try:
        with store.read() as session:
            [line] = plan.plan_lines(session)
    finally:
        store.dispose()
    assert line.priority.title == "[bold]Safety[/]"
    assert line.objective.title == "Zoë O'Brien-Łukasz's objective"
    assert line.action.text == '=HYPERLINK("x")' and line.action.lead == "Zoë O'Brien-Łukasz"
    assert line.action.measures == "<script>alert(1)</script>; DROP TABLE plan_actions;--"


def test_priority_keys_from_the_title_or_the_key_column(db, tmp_path, capsys):
    keys = tmp_path / "keys.csv"
    keys.write_text("Priority key,Priority,Objective\n"
                    "P7,P7: Seventh,An objective\n"
                    ",10-year vision,Another\n"
                    ",Priority 2 – Youth,A third\n", encoding="utf-8")
    assert run("import", "plan", str(keys), "--db", db) == 0
    assert "Added: 3 priorities, 3 objectives, 0 actions" in capsys.readouterr().out
    store = create_store(db, "check")
    try:
        with store.read() as session:
            found = [(p.key, p.title) for p in plan.current_priorities(session)]
    finally:
        store.dispose()
    assert found == [("P7", "Seventh"), ("P1", "10-year vision"), ("P2", "Youth")]


def test_a_plan_action_can_be_tracked_by_a_configured_referral_measure(db, tmp_path, capsys, cfg):
    """The referral measures the partnership configures ([referrals.measures]) are counted
    measures too: the import, the store and the editor take them (by key or by name)."""
    from jagtui.store.measures import measures_of
    from jagtui.store.plan import measure_name

    sheet = tmp_path / "referrals.csv"
    sheet.write_text(HEAD + "P1: Exploitation,Fewer exploited children,Refer to the CE team,"
                     "Police,Quarterly,,More referrals,41,60,Referrals to the County CE Team,,\n"
                     + "P1: Exploitation,Fewer exploited children,Drugs outreach,Turning Point,"
                     "Ongoing,,,,,referrals_drugs,,\n", encoding="utf-8")
    assert run("import", "plan", str(sheet), "--db", db) == 0, capsys.readouterr().out
    store = create_store(db, LOGIN)
    try:
        with store.read() as session:
            tracked = sorted(session.scalars(select(PlanAction.measure_key)))
        assert tracked == ["referrals_cce", "referrals_drugs"]
        known = measures_of(cfg)
        assert measure_name("referrals_cce", known) == "Referrals to the County CE Team"
        with store.write() as session:
            action = session.scalars(select(PlanAction)).first()
            with pytest.raises(Invalid, match="Measure must be one of"):
                plan.edit_plan_action(session, action.id, {"measure_key": "referrals_cce"},
                                      None, known_measures=())  # a partnership without them
        with store.write() as session:
            plan.edit_plan_action(session, action.id, {"measure_key": "referrals_safeguarding"},
                                  None, known)
        with store.read() as session:
            assert session.get(PlanAction, action.id).measure_key == "referrals_safeguarding"
    finally:
        store.dispose()


def test_every_problem_of_a_row_is_named_and_an_impossible_date_is_one(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEAD.replace("Time Scales,", "Time Scales,Ends,")
                   + "P1: Safety,Fewer victims,Patrols,Police,Weekly,tomorrow,,,,,nonsense,,\n"
                   + "P1: Safety,Fewer victims,Visits,Police \x1b[31m,,,,,,,nonsense,,\n"
                   + "P1: Safety,Fewer victims,Letters,Police,By 31/02/2026,,,,,,,,\n",
                   encoding="utf-8")
    assert run("import", "plan", str(bad), "--db", db, "--dry-run") == 1
    out = capsys.readouterr().out
    assert "row 2, Ends: 'tomorrow' is not a date" in out
    assert "row 2, Tracked by: 'nonsense' is not a counted measure" in out
    assert "row 3, Lead:" in out and "row 3, Tracked by: 'nonsense'" in out
    assert "row 4, Time Scales: 'By 31/02/2026' holds a date that does not exist" in out
    assert counts(db) == (0, 0, 0, 0)
