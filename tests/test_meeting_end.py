"""The end of a meeting with keys only: E, ctrl+s, then m r l p. The files written are
read back: the action log holds the log the meeting reviewed and the actions it
raised, and each toast names the full path of every file. SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.meeting_end import MeetingEndScreen
from jagtui.store import actions, agenda, meeting_run, meetings
from jagtui.store.meeting_run import Attendee

from export_fixture import exports_cfg
from meeting_data import TODAY, seed
from pilot_help import settle

STARTED = datetime(2026, 11, 22, 10, 2, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def no_ticking(monkeypatch):
    monkeypatch.setattr(AgendaRunnerScreen, "tick_seconds", None)


@pytest.fixture
def ended_here(store, cfg, tmp_path):
    """A JAG under way: one action from the last meeting completed here, one raised here."""
    ids = seed(store, cfg)
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"),
            present=[Attendee("Dee Housing", "Charnwood Borough Council")])
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        log_item = next(i for i in agenda.items(session, meeting.id) if i.kind == "actions")
        actions.add_update(session, ids.undated_action, TODAY, "Shared with the beat team.",
                           status="complete", meeting_id=meeting.id)
        high = next(i for i in agenda.items(session, meeting.id) if i.case_id == ids.high_risk)
        actions.add_action(session, ref=f"221126 Item {high.number}", text="Fit a video doorbell",
                           owner="Dee Housing", owner_agency="CBC-HOUSING",
                           due_on=TODAY + timedelta(weeks=6), case_id=ids.high_risk,
                           meeting_id=meeting.id, item_id=high.id)
        assert log_item.number == 3
    return ids, meeting.id, exports_cfg(cfg, tmp_path / "exports")


def _csv(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


async def test_the_end_screen_exports_the_reviewed_log_and_names_each_file(store, ended_here):
    ids, meeting_id, ecfg = ended_here
    app = JagApp(store, ecfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaRunnerScreen)
        await pilot.press("E")
        await settle(app, pilot)
        end = app.screen
        assert isinstance(end, MeetingEndScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert end.final
        written = {}
        for key, what in (("m", "minutes"), ("r", "redacted"), ("l", "actions"), ("p", "plan")):
            app.clear_notifications()
            await pilot.press(key)
            await settle(app, pilot)
            paths = dict(end.exported)[what]
            toast = "\n".join(n.message for n in app._notifications)
            assert paths, what
            for path in paths:
                assert path.is_absolute() and path.exists()
                assert str(path) in toast, (what, toast)
            written[what] = paths
    with store.read() as session:
        assert meetings.get_meeting(session, meeting_id).status == "final"
    by_suffix = {path.suffix: path for path in written["actions"]}
    assert by_suffix[".csv"].name == "JAG-action-log-2026-11-22-meeting.csv"
    rows = {row["Action"]: row for row in _csv(by_suffix[".csv"])}
    # The log the meeting reviewed (open, and the one completed here) and what it raised;
    # not the action closed before the meeting.
    assert {"Visit the shop owners on Market Street", "Share the patrol plan",
            "Fit a video doorbell"} <= set(rows)
    assert "Already done" not in rows
    assert rows["Share the patrol plan"]["Status"] == "complete"
    assert rows["Share the patrol plan"]["Latest update"] == "Shared with the beat team."
    assert rows["Visit the shop owners on Market Street"]["Overdue"] == "yes"
    assert rows["Fit a video doorbell"]["Ref"].startswith("221126 Item ")
    sheet = load_workbook(by_suffix[".xlsx"]).active
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == set(rows)
    # The minutes name the same log.
    minutes = next(p for p in written["minutes"] if p.suffix == ".md").read_text(encoding="utf-8")
    for text in ("Visit the shop owners on Market Street", "Share the patrol plan",
                 "Fit a video doorbell"):
        assert text in minutes


async def test_the_end_screen_exports_the_redacted_action_log_without_the_victim(store, ended_here):
    """R beside r: the action log for wider circulation, as the redacted minutes are."""
    ids, meeting_id, ecfg = ended_here
    with store.write() as session:
        item = next(i for i in agenda.items(session, meeting_id) if i.case_id == ids.high_risk)
        actions.add_action(session, ref=f"221126 Item {item.number}",
                           text="Ring Bob Highrisk (Mr Highrisk) at 12 Larkspur Cl. weekly",
                           owner="Dee Housing", owner_agency="CBC-HOUSING",
                           due_on=TODAY + timedelta(weeks=2), case_id=ids.high_risk,
                           meeting_id=meeting_id, item_id=item.id)
    app = JagApp(store, ecfg, role="chair", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MeetingEndScreen(meeting_id))
        await settle(app, pilot)
        end = app.screen
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert end.final
        assert "R redacted action log" in str(end.query_one("#exports").render())
        await pilot.press("R")
        await settle(app, pilot)
        paths = dict(end.exported)["redacted actions"]
        toast = "\n".join(n.message for n in app._notifications)
    assert {path.suffix for path in paths} == {".csv", ".xlsx"}
    csv_path = next(path for path in paths if path.suffix == ".csv")
    assert csv_path.name == "JAG-action-log-2026-11-22-meeting-redacted.csv"
    assert str(csv_path) in toast
    rows = _csv(csv_path)
    written = csv_path.read_text(encoding="utf-8-sig")
    for leak in ("Highrisk", "Bob", "Larkspur"):
        assert leak not in written, leak
    assert any(row["Action"].startswith("Ring ") and row["Action"].endswith(" weekly")
               for row in rows)
    assert "Fit a video doorbell" in {row["Action"] for row in rows}
    assert {row["Owner"] for row in rows} >= {"Dee Housing"}  # staff stay named
    with store.read() as session:
        from sqlmodel import select

        from jagtui.store.models import AuditEntry

        audited = session.exec(select(AuditEntry).where(AuditEntry.operation == "export")).all()
        details = [row.detail for row in audited]
    assert any(d.get("what") == "action log" and d.get("redacted") for d in details), details
