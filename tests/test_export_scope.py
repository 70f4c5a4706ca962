"""The minutes' action log is the one the meeting reviewed plus what it raised: its own
group's log as the agenda built it, never another group's actions. On the demo
database (built by its own generator), SQLite and PostgreSQL; the full and redacted
minutes and the end screen's action log (``export_action_log(meeting_id=...)``)."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from export_fixture import TODAY, exports_cfg
from jagtui.export.action_log import export_action_log
from jagtui.export.minutes import export_minutes
from jagtui.store.agenda import build_agenda
from jagtui.store.minutes import minutes_data
from jagtui.store.models import Action, Meeting



def _table_rows(markdown: str) -> int:
    """Body rows of every Markdown table (the minutes' only tables are action tables)."""
    lines = markdown.splitlines()
    return sum(1 for n, line in enumerate(lines)
               if line.startswith("| ") and n >= 2 and lines[n - 1].startswith("|")
               and not line.startswith("|---") and lines[n - 1] != "")


@pytest.fixture
def demo(store, cfg):
    from jagtui.demo import build_demo

    build_demo(store, cfg, TODAY)
    return store


def _expected(session, cfg, meeting: Meeting) -> tuple[set[int], set[int]]:
    """(what the agenda put on the action log, what the meeting raised)."""
    entries = build_agenda(session, cfg, meeting.held_on, meeting.subgroup, meeting.id)
    agenda_log = next(entry.action_ids for entry in entries if entry.kind == "actions")
    raised = set(session.scalars(select(Action.id).where(Action.meeting_id == meeting.id)))
    return set(agenda_log), raised


def test_minutes_list_exactly_the_agendas_action_log_and_what_was_raised(demo, cfg, tmp_path):
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    with demo.read() as session:
        held = list(session.scalars(select(Meeting).order_by(Meeting.held_on, Meeting.id)))
        jag = [m for m in held if m.subgroup == "JAG"][-1]
        other = [m for m in held if m.subgroup != "JAG"]
        assert other, "the demo holds another group's meeting"
        agenda_log, raised = _expected(session, cfg, jag)
        data = minutes_data(session, cfg, jag.id)
        # Every other group's actions, whatever their status.
        foreign = set(session.scalars(
            select(Action.id).join(Meeting, Meeting.id == Action.meeting_id)
            .where(Meeting.subgroup != "JAG")))
        youth_data = {m.id: minutes_data(session, cfg, m.id) for m in other}
    assert agenda_log and foreign
    assert {line.id for line in data.action_log} == agenda_log
    assert {line.id for line in data.actions_raised} == raised
    assert not foreign & {line.id for line in data.action_log + data.actions_raised}
    for meeting in other:
        lines = youth_data[meeting.id].action_log + youth_data[meeting.id].actions_raised
        assert all(line.id not in {*agenda_log, *raised} for line in lines), meeting.id

    expected_rows = len(agenda_log) + len(raised)
    for redacted in (False, True):
        md, _docx = export_minutes(demo, ecfg, jag.id, redacted=redacted)
        assert _table_rows(md.read_text()) == expected_rows, redacted
    end_screen = export_action_log(demo, ecfg, meeting_id=jag.id, status=None, formats=["csv"])
    with end_screen[0].open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) - 1 == expected_rows
