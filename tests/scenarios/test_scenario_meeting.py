"""The chair's whole meeting, keys only, at 80x24 and 160x48 on SQLite and PostgreSQL.

After each step the database is read back (store API or plain selects) and the
minutes are rendered as they would export at that moment: the action IS complete,
the intervention IS on the perpetrator, and the minute SAYS so. At the end the four
exports are written from the end screen and the files themselves are opened.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select
from textual.widgets import DataTable

from jagtui.app import JagApp
from jagtui.rules.dates import fmt_date
from jagtui.screens.meeting import MeetingsScreen
from jagtui.store import actions, agenda, cases, interventions, meetings, risk
from jagtui.store.models import Attendance, Intervention, ItemNote, Meeting

from scenario_chair import Checks, minutes_markdown, plain
from scenario_data import EVE, HOUSEHOLD, MISTAKE, TODAY, seed
from scenario_meeting import Attendance as Roll, MeetingChair

CHAIR = "Insp. Rhea Chairwoman"
MINUTE_TAKER = "Sam Officer"
LATE = ("Nia Latecomer", "Leicestershire Fire and Rescue Service")


def _app(store, cfg) -> JagApp:
    app = JagApp(store, cfg, role="chair", user_name=CHAIR, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


def _notes(store, meeting_id, case_id=None, kind=None) -> list[ItemNote]:
    with store.read() as session:
        items = [i for i in agenda.items(session, meeting_id)
                 if case_id is None or i.case_id == case_id]
        found = meetings.notes(session, [i.id for i in items])
        return [n for i in items for n in found.get(i.id, []) if kind is None or n.kind == kind]


def _item_notes(store, meeting_id, kind_of_item) -> list[str]:
    with store.read() as session:
        items = [i for i in agenda.items(session, meeting_id) if i.kind == kind_of_item]
        found = meetings.notes(session, [i.id for i in items])
        return [n.text for i in items for n in found.get(i.id, [])]


def _section(markdown: str, heading: str) -> str:
    """The minutes from a heading (or item title) to the next heading."""
    start = markdown.upper().find(heading.upper())
    assert start >= 0, f"the minutes have no {heading!r}"
    rest = markdown[start + len(heading):]
    end = rest.find("\n#")
    return rest if end < 0 else rest[:end]


async def test_the_chairs_whole_meeting(scenario_store, scfg, size, out_dir):
    store, cfg = scenario_store, scfg
    jag = seed(store, cfg)
    ids = jag.ids
    app = _app(store, cfg)
    async with app.run_test(size=size) as pilot:
        chair = MeetingChair(app, pilot)

        # --- Start: attendance from the directory, a wrong one removed, the minute-taker,
        # the chair, an apology; then the confidentiality statement.
        await chair.start_meeting(Roll(
            present=["Dee Housing", CHAIR, MINUTE_TAKER], apologies=["Pat Apology"],
            chair=CHAIR, minutes=MINUTE_TAKER, removed=[MISTAKE]))
        with store.read() as session:
            meeting = session.scalars(select(Meeting).where(Meeting.held_on == TODAY)).one()
            roll = {(a.name, a.kind) for a in session.scalars(
                select(Attendance).where(Attendance.meeting_id == meeting.id))}
        meeting_id = meeting.id
        assert meeting.chair == CHAIR and meeting.status == "in progress"
        assert meeting.confidentiality_ack_at is None  # not before the statement is accepted
        assert ("Dee Housing", "present") in roll and ("Pat Apology", "apology") in roll
        assert (MINUTE_TAKER, "minutes") in roll
        assert not any(name == MISTAKE for name, _ in roll)
        runner = await chair.acknowledge()
        with store.read() as session:
            assert meetings.get_meeting(session, meeting_id).confidentiality_ack_at is not None
        text = minutes_markdown(store, cfg, meeting_id)
        present = _section(text, "PRESENT")
        assert f"{CHAIR}" in present and "Chair" in present
        assert MINUTE_TAKER in present and "minutes" in present
        assert MISTAKE not in text
        assert cfg.partnership.confidentiality_statement.split(".")[0] in text

        checks = Checks()

        # --- Item 1, apologies: the runner shows them; someone arrives late (w).
        assert runner.item.kind == "apologies"
        with checks("80x24 layout: the Apologies item shows the apologies"):
            info = chair.text_of("#item-info")
            assert "Pat Apology" in info, info
        await chair.late_arrival(*LATE)
        with store.read() as session:
            assert (LATE[0], "present") in {(a.name, a.kind) for a in meetings.attendance(session, meeting_id)}
        assert LATE[0] in _section(minutes_markdown(store, cfg, meeting_id), "PRESENT")

        # --- Item 2, minutes of the previous meeting: AGREED (a).
        await chair.go_to_kind("minutes")
        await chair.agreed("That the minutes be approved as a true record")
        assert _item_notes(store, meeting_id, "minutes") == [
            "That the minutes be approved as a true record"]
        assert "That the minutes be approved as a true record" in minutes_markdown(store, cfg, meeting_id)

        # --- Item 3, the action log: c, u, f, each on its own action.
        await chair.go_to_kind("actions")
        assert chair.focused_id == "review"
        with checks("defect 2: c on the action log completes the action"):
            await chair.review(ids.open_action, "c")
            with store.read() as session:
                done = actions.action_rows(session, status=None, action_ids=[ids.open_action])[0]
            assert done.action.status == "complete", done.action.status
            assert done.action.completed_on == TODAY
            assert done.latest_update.meeting_id == meeting_id
        await chair.recover(runner)
        await chair.focus("review")
        await chair.review(jag.third_action, "u", "Letter drafted, goes out Monday")
        with store.read() as session:
            updated = actions.action_rows(session, status=None, action_ids=[jag.third_action])[0]
        assert updated.action.status == "open"
        assert updated.latest_update.text == "Letter drafted, goes out Monday"
        assert updated.latest_update.meeting_id == meeting_id
        await chair.review(ids.undated_action, "f", "awaiting the rota")
        with store.read() as session:
            carried = actions.action_rows(session, status=None, action_ids=[ids.undated_action])[0]
            proposed_next = runner.view.next_on
        assert carried.action.status == "open"
        assert carried.latest_update.text.startswith(f"Carried forward to {fmt_date(proposed_next)}")
        assert carried.action.due_on == proposed_next
        log = _section(minutes_markdown(store, cfg, meeting_id), "ACTION LOG")
        with checks("the minuted action log says the completed action is complete"):
            line = next(row for row in log.splitlines() if "Visit the shop owners" in row)
            assert "Complete." in line, line
        assert "Letter drafted, goes out Monday" in log and "Carried forward to" in log
        with checks("80x24 layout: the action-log table shows owner, due date and status"):
            table = runner.query_one("#review", DataTable)
            columns = [plain(c.label).strip() for c in table.ordered_columns]
            assert "Owner" in columns and "Due" in columns and any(
                c.startswith("St") for c in columns), columns
            width = sum(c.get_render_width(table) for c in table.ordered_columns)
            assert width <= table.size.width, (
                f"the table is {width} wide in a {table.size.width}-column pane: "
                "owner, due and status are off screen")

        # --- A new referral: a discussion point (i) and an action with owner and date (o).
        await chair.go_to_case(ids.referral)
        await chair.note("Ann Referral reports threats through the wall")
        await chair.new_action("Fit a door camera for Ann Referral", "PC Hale", "+2w")
        with store.read() as session:
            raised = actions.action_rows(session, status=None, meeting_id=meeting_id)
        assert [(r.action.text, r.action.owner, r.action.case_id, r.action.due_on) for r in raised] == [
            ("Fit a door camera for Ann Referral", "PC Hale", ids.referral, TODAY + timedelta(days=14))]
        assert raised[0].action.ref == f"221126 Item {runner.item.number}"
        text = minutes_markdown(store, cfg, meeting_id)
        assert "(i) Ann Referral reports threats through the wall" in text
        assert "Fit a door camera for Ann Referral" in _section(text, "ACTIONS FROM THIS MEETING")

        # --- The high-risk victim case: an intervention for the perpetrator (e), a risk review (s).
        await chair.go_to_case(ids.high_risk)
        with checks("defect 3: e on a victim case asks who receives it; given to the perpetrator"):
            await chair.intervention(recipient=EVE, notes="Warned in person at the station")
        await chair.recover(runner)
        with store.read() as session:
            given = session.scalars(select(Intervention).where(
                Intervention.case_id == ids.high_risk)).all()
        with checks("defect 3: the intervention is recorded against the perpetrator"):
            assert len(given) == 1, f"{len(given)} interventions recorded"
            assert given[0].person_id == jag.eve_id, (
                f"recorded against person {given[0].person_id} (the victim is {jag.bob_id}), "
                f"not the perpetrator {jag.eve_id}")
            assert given[0].notes == "Warned in person at the station"
        with checks("defect 3: the minute names the intervention's recipient and its notes"):
            case_minute = _section(minutes_markdown(store, cfg, meeting_id), "Repeated harassment")
            minuted = [line for line in case_minute.splitlines() if "Intervention recorded" in line]
            assert minuted and EVE in minuted[0] and "Warned in person at the station" in minuted[0], minuted
        if size == (80, 24):
            with checks("80x24 layout: the case summary keeps ladder, interventions and actions "
                        "on screen"):
                info = chair.text_of("#item-info")
                scroll = runner.query_one("#item-info").parent
                # What the chair needs first is in the rows shown without scrolling (the
                # rest, flags and subject, is a Tab and PgDn away, as the pane says).
                shown = "\n".join(info.splitlines()[:scroll.size.height])
                assert scroll.scroll_y == 0 and scroll.size.height >= 8, scroll.size
                assert "Ladder" in shown or "ladder" in shown, shown
                assert "Warned in person at the station" in shown, shown  # just recorded
                assert "ction" in shown, shown  # its open actions
                if scroll.virtual_size.height > scroll.size.height:
                    assert runner.query_one("#info-more").display, "the pane says there is more"
            with checks("80x24 layout: the runner's Footer fits 80 columns"):
                from textual.widgets import Footer
                from textual.widgets._footer import FooterKey

                footer = runner.query_one(Footer)
                keys = list(footer.query(FooterKey))
                beyond = [f"{k.key} {k.description}" for k in keys
                          if k.region.right > footer.region.right or not k.region]
                assert keys and not beyond, f"off screen: {beyond}"
        await chair.risk_review(["n" if q.kind == "yn" else "0" for q in cfg.risk.questions])
        with store.read() as session:
            latest = risk.latest(session, ids.high_risk)
        assert latest.assessed_on == TODAY and latest.level == "standard"
        assert latest.person_id == jag.bob_id  # the victim's own assessment
        assert "Risk reviewed" in _section(minutes_markdown(store, cfg, meeting_id), "Repeated harassment")

        # --- The red location case: RAG (r), minuted as AGREED.
        await chair.go_to_case(ids.red)
        await chair.rag("amber")
        with store.read() as session:
            assert cases.get_case(session, ids.red).rag == "amber"
        assert "That the RAG rating be changed from red to amber" in minutes_markdown(store, cfg, meeting_id)

        # --- Reorder: the other group's case moves down one (]) and back up ([).
        await chair.go_to_case(ids.other_group)
        number = runner.item.number
        await chair.move_item("right_square_bracket")
        with store.read() as session:
            moved = {i.case_id: i.number for i in agenda.items(session, meeting_id)}
        assert moved[ids.other_group] == number + 1 and moved[ids.due] == number
        assert _section(minutes_markdown(store, cfg, meeting_id), f"{number}. CASE REVIEW")
        await chair.move_item("left_square_bracket")
        with store.read() as session:
            assert {i.case_id: i.number for i in agenda.items(session, meeting_id)}[ids.other_group] == number

        # --- The perpetrator case: e with no choice made gives it to the perpetrator.
        await chair.go_to_case(ids.due)
        with checks("defect 3: on a perpetrator case the perpetrator is the default recipient"):
            await chair.intervention(notes="Served at home")
            with store.read() as session:
                rows = [i for i, _ in interventions.for_case(session, ids.due)]
            newest = max(rows, key=lambda i: i.id)
            assert (newest.step, newest.person_id, newest.notes) == ("CPW", jag.cal_id, "Served at home")
        await chair.recover(runner)

        # --- The proposed closure: x, minuted as AGREED.
        await chair.go_to_case(ids.green)
        await chair.close_case("No incidents for three months")
        with store.read() as session:
            closed = cases.get_case(session, ids.green)
        assert (closed.status, closed.closed_on, closed.closure_reason) == (
            "closed", TODAY, "No incidents for three months")
        assert "That the case be closed: No incidents for three months" in minutes_markdown(
            store, cfg, meeting_id)

        # --- AOB: a discussion point typed, added as AGREED with ctrl+g.
        await chair.go_to_kind("aob")
        await chair.note("That the JAG visits the hotspot together", agreed=True)
        assert _item_notes(store, meeting_id, "aob") == ["That the JAG visits the hotspot together"]
        assert "1. That the JAG visits the hotspot together" in _section(
            minutes_markdown(store, cfg, meeting_id), "ANY OTHER BUSINESS")

        # --- Date of next meeting: d agrees another date.
        await chair.go_to_kind("next meeting")
        agreed_next = date(2027, 1, 7)
        await chair.next_meeting_date(agreed_next.isoformat())
        with store.read() as session:
            assert session.get(Meeting, meeting_id).next_meeting_on == agreed_next
        assert fmt_date(agreed_next).upper() in minutes_markdown(store, cfg, meeting_id).upper()

        # --- End (E): the summary, final minutes, then the four exports.
        end = await chair.end_meeting()
        summary = chair.text_of("#summary")
        assert "Fit a door camera for Ann Referral" in summary
        with checks("defect 2: the end summary says the completed action is complete"):
            line = next(row for row in summary.splitlines() if "Visit the shop owners" in row)
            assert "complete" in line.casefold() and "overdue" not in line.casefold(), line
        await chair.finalise(end)
        with store.read() as session:
            final = session.get(Meeting, meeting_id)
        assert final.status == "final" and final.next_meeting_on == agreed_next
        written = {}
        for key, what in (("m", "minutes"), ("r", "redacted"), ("l", "actions"), ("p", "plan")):
            with checks(f"{key} on the end screen exports {what}"):
                written[what] = await chair.export(end, key, what)
        with checks("defect 10: each export notice names the full path of each file written"):
            notices = " ".join(chair.notices())
            missing = [str(p) for paths in written.values() for p in paths if str(p) not in notices]
            assert not missing, missing
        await chair.press("escape")
        await chair.wait_screen(MeetingsScreen)

    _check_exports(checks, written, jag, agreed_next)
    checks.verify()


def _check_exports(checks, written, jag, agreed_next) -> None:
    """Open each file written; what was not exported is already a failed check."""
    for what, paths in written.items():
        assert all(p.exists() and p.stat().st_size for p in paths), what
    if written.get("minutes"):
        _check_minutes(checks, written["minutes"], agreed_next)
    if written.get("redacted"):
        redacted = next(p for p in written["redacted"] if p.suffix == ".md").read_text(encoding="utf-8")
        for name in ("Bob Highrisk", "Ann Referral", EVE, HOUSEHOLD, "Cal Dueforreview", "Highrisk"):
            assert name not in redacted, f"{name} in the redacted minutes"
        assert CHAIR in redacted  # professionals stay named
    if written.get("actions"):
        _check_action_log(checks, written["actions"])
    if written.get("plan"):
        md = next(p for p in written["plan"] if p.suffix == ".md").read_text(encoding="utf-8")
        assert "Divert young people from ASB" in md
        from openpyxl import load_workbook

        book = load_workbook(next(p for p in written["plan"] if p.suffix == ".xlsx"))
        assert any("Divert young people from ASB" in str(c) for sheet in book.worksheets
                   for row in sheet.iter_rows(values_only=True) for c in row if c)


def _check_minutes(checks, paths, agreed_next) -> None:
    minutes = next(p for p in paths if p.suffix == ".md").read_text(encoding="utf-8")
    assert "DRAFT" not in minutes
    assert "Visit the shop owners on Market Street" in minutes
    with checks("defect 3: the exported minutes carry the intervention's notes"):
        assert "Warned in person at the station" in minutes
    assert "7 January 2027" in minutes and fmt_date(agreed_next).upper() in minutes.upper()
    from docx import Document

    word = Document(str(next(p for p in paths if p.suffix == ".docx")))
    docx_text = "\n".join([p.text for p in word.paragraphs] + [
        c.text for t in word.tables for r in t.rows for c in r.cells])
    assert "Fit a door camera" in docx_text and "Visit the shop owners" in docx_text


def _check_action_log(checks, paths) -> None:
    log_csv = next(p for p in paths if p.suffix == ".csv")
    rows = list(csv.DictReader(io.StringIO(log_csv.read_text(encoding="utf-8-sig"))))
    by_text = {row["Action"]: row for row in rows}
    assert by_text["Fit a door camera for Ann Referral"]["Status"] == "open"
    with checks("defect 10: l exports the action log the meeting reviewed, the completed one "
                "as complete"):
        assert by_text.get("Visit the shop owners on Market Street", {}).get("Status") == "complete", (
            sorted(by_text))
        assert "Share the patrol plan" in by_text and "Write to the landlord about the gate" in by_text
    from openpyxl import load_workbook

    sheet = load_workbook(next(p for p in paths if p.suffix == ".xlsx")).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(n for n, row in enumerate(cells) if "Status" in row)
    status_col, action_col = cells[header].index("Status"), cells[header].index("Action")
    xlsx = {row[action_col]: row[status_col] for row in cells[header + 1:] if row[action_col]}
    with checks("defect 10: the action log workbook lists the completed action as complete"):
        assert xlsx.get("Visit the shop owners on Market Street") == "complete", sorted(xlsx)
