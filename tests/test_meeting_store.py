"""Running a meeting through the store, on SQLite and the real PostgreSQL alike."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from jagtui.store import actions, agenda, interventions, meeting_entries as entries, meeting_run, meetings
from jagtui.store.errors import Invalid
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import AuditEntry, Meeting

from meeting_data import PREVIOUS, TODAY, seed

CHAIR = Attendee("Insp. Rhea Chairwoman", "Leicestershire Police")


def _start(store, cfg, **extra):
    with store.write() as session:
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY, chair=CHAIR,
            present=[Attendee("Dee Housing", "Charnwood Borough Council")],
            apologies=[Attendee("Pat Apology", "Probation Service")], **extra)
        return meeting.id


def _items(store, meeting_id):
    with store.read() as session:
        return agenda.items(session, meeting_id)


def _by_case(store, meeting_id, case_id):
    return next(item for item in _items(store, meeting_id) if item.case_id == case_id)


def test_the_agenda_follows_the_running_order_and_lists_each_case_once(store, cfg):
    ids = seed(store, cfg)
    with store.read() as session:
        built = agenda.build_agenda(session, cfg, TODAY, "JAG")
    kinds = [entry.kind for entry in built]
    assert kinds == ["apologies", "minutes", "actions", "referral", "high risk", "high risk",
                     "high risk", "review", "closure", "aob", "next meeting"]
    assert built[1].title == "Minutes of the meeting held on 11 Oct 2026"
    # The open actions of the group, oldest due first and undated last; not the done one,
    # not another group's.
    assert built[2].action_ids == (ids.open_action, ids.undated_action)
    cases = [entry.case_id for entry in built if entry.case_id]
    # The Youth JAG's red case is escalated to the main JAG as high risk; it says so.
    assert cases == [ids.referral, ids.high_risk, ids.red, ids.other_group, ids.due, ids.green]
    assert len(cases) == len(set(cases))
    assert ids.quiet not in cases and ids.closed not in cases
    assert built[3].title.startswith("New referral: JAG-26-")
    assert built[6].title.startswith("High risk review (YJAG): JAG-26-")
    # Six weeks on from this meeting, the configured cadence.
    assert built[-1].title == "Date of next meeting: 3 Jan 2027"


def test_a_case_qualifying_for_two_sections_is_listed_in_the_first(store, cfg):
    ids = seed(store, cfg)
    from jagtui.store import cases

    with store.write() as session:
        cases.update_case(session, ids.referral, None, rag="red")
    with store.read() as session:
        built = agenda.build_agenda(session, cfg, TODAY, "JAG")
    listed = [(entry.kind, entry.case_id) for entry in built if entry.case_id]
    assert ("referral", ids.referral) in listed
    assert [case_id for _, case_id in listed].count(ids.referral) == 1


def test_without_an_earlier_meeting_referrals_are_one_cadence_back(store, cfg):
    seed(store, cfg)
    with store.read() as session:
        built = agenda.build_agenda(session, cfg, TODAY, "YJAG")
    assert [entry.kind for entry in built][:4] == ["apologies", "minutes", "actions", "referral"]
    assert built[1].title == "Minutes of the previous meeting"
    assert len(built[2].action_ids) == 1


def test_a_planned_meeting_sets_the_next_date(store, cfg):
    seed(store, cfg)
    with store.write() as session:
        planned = meetings.create_meeting(session, held_on=date(2026, 12, 17), subgroup="JAG")
        planned.status = "planned"
    with store.read() as session:
        built = agenda.build_agenda(session, cfg, TODAY, "JAG")
    assert built[-1].title == "Date of next meeting: 17 Dec 2026"


def test_start_records_attendance_and_keeps_the_agenda(store, cfg):
    seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.read() as session:
        meeting = meetings.get_meeting(session, meeting_id)
        assert (meeting.status, meeting.chair, meeting.starts_at) == (
            "in progress", CHAIR.name, cfg.meetings.default_start)
        rows = [(a.name, a.organisation, a.kind) for a in meetings.attendance(session, meeting_id)]
    assert rows == [(CHAIR.name, CHAIR.organisation, "present"),
                    ("Dee Housing", "Charnwood Borough Council", "present"),
                    ("Pat Apology", "Probation Service", "apology")]
    numbered = _items(store, meeting_id)
    assert [item.number for item in numbered] == list(range(1, 12))
    with pytest.raises(Invalid, match="already in progress"):
        _start(store, cfg)


def test_start_refuses_a_name_twice_and_an_unknown_group(store, cfg):
    seed(store, cfg)
    with store.write() as session, pytest.raises(Invalid, match="listed twice"):
        meeting_run.start_meeting(session, cfg, subgroup="JAG", held_on=TODAY, chair=CHAIR,
                                  apologies=[Attendee(CHAIR.name.upper(), "x")])
    with store.write() as session, pytest.raises(Invalid, match="Subgroup"):
        meeting_run.start_meeting(session, cfg, subgroup="NOPE", held_on=TODAY, chair=CHAIR)


def test_the_directory_offers_past_attendees_and_users_as_you_type(store, cfg):
    seed(store, cfg)
    with store.read() as session:
        everyone = meeting_run.directory(session, cfg)
        assert Attendee("Dee Housing", "Charnwood Borough Council") in everyone
        assert Attendee("Sam Officer", "Charnwood Borough Council ASB Team") in everyone
        assert [a.name for a in everyone].count(CHAIR.name) == 1
        assert meeting_run.directory(session, cfg, "probation") == [
            Attendee("Pat Apology", "Probation Service")]
        assert meeting_run.directory(session, cfg, "100%_") == []


def test_no_case_item_opens_before_the_statement_is_acknowledged(store, cfg):
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)
    item = _by_case(store, meeting_id, ids.high_risk)
    with store.write() as session, pytest.raises(Invalid, match="confidentiality"):
        meeting_run.open_item(session, item.id)
    with store.write() as session, pytest.raises(Invalid, match="confidentiality"):
        meeting_run.record_note(session, item.id, "Too early")
    apologies = _items(store, meeting_id)[0]
    with store.write() as session:
        meeting_run.record_note(session, apologies.id, "Apologies were received.")
        meeting_run.acknowledge(session, meeting_id)
    with store.write() as session:
        meeting_run.open_item(session, item.id)
        meeting_run.record_note(session, item.id, "The victim was visited.")
    with store.read() as session:
        viewed = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.operation == "view", AuditEntry.case_id == ids.high_risk))
    assert viewed == 1


def test_reordering_is_saved_and_renumbers_items_and_their_action_refs(store, cfg):
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.write() as session:
        meeting_run.acknowledge(session, meeting_id)
    green = _by_case(store, meeting_id, ids.green)
    assert green.number == 9
    with store.write() as session:
        action = entries.raise_action(session, green.id, text="Clear the alleyway",
                                      owner="Dee Housing", due_on=TODAY + timedelta(days=14))
        assert action.ref == "221126 Item 9"
    with store.write() as session:
        agenda.move_item(session, meeting_id, green.id, -4)
    numbered = _items(store, meeting_id)
    assert [item.number for item in numbered] == list(range(1, 12))
    assert numbered[4].id == green.id
    with store.read() as session:
        refs = {row.action.id: row.action.ref
                for row in actions.action_rows(session, status=None, meeting_id=meeting_id)}
    assert refs == {action.id: "221126 Item 5"}
    with store.write() as session:
        agenda.move_item(session, meeting_id, green.id, -100)
        agenda.move_item(session, meeting_id, numbered[-1].id, +5)
    numbered = _items(store, meeting_id)
    assert numbered[0].id == green.id and numbered[-1].kind == "next meeting"


def test_the_action_log_is_reviewed_in_turn(store, cfg):
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.write() as session:
        meeting_run.acknowledge(session, meeting_id)
        entries.review_update(session, meeting_id, ids.open_action, "Visited two of three shops.")
        entries.carry_forward(session, meeting_id, ids.open_action, date(2027, 1, 3))
        entries.review_complete(session, meeting_id, ids.undated_action)
    with store.read() as session:
        rows = {row.action.id: row for row in agenda.review_actions(session, cfg, "JAG", meeting_id)}
        log = actions.updates(session, ids.open_action)
    # Both stay on this meeting's action log, whatever their status now.
    assert set(rows) == {ids.open_action, ids.undated_action}
    assert rows[ids.open_action].action.due_on == date(2027, 1, 3)
    assert rows[ids.open_action].action.status == "open"
    assert rows[ids.open_action].latest_update.text == "Carried forward to 3 Jan 2027."
    assert [u.meeting_id for u in log] == [meeting_id, meeting_id]
    assert rows[ids.undated_action].action.status == "complete"
    assert rows[ids.undated_action].latest_update.text == "Complete."
    with store.write() as session, pytest.raises(Invalid, match="before this meeting"):
        entries.carry_forward(session, meeting_id, ids.open_action, PREVIOUS)


def test_case_entries_are_linked_to_the_meeting_and_item(store, cfg):
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.write() as session:
        meeting_run.acknowledge(session, meeting_id)
    high = _by_case(store, meeting_id, ids.high_risk)
    green = _by_case(store, meeting_id, ids.green)
    due = _by_case(store, meeting_id, ids.due)
    with store.write() as session:
        meeting_run.record_note(session, high.id, "Two further incidents since the referral.")
        meeting_run.record_note(session, high.id, "That the police increase patrols.", "agreed")
        action = entries.raise_action(session, high.id, text="Increase patrols", owner="PC Test",
                                      owner_agency="POLICE", due_on=TODAY + timedelta(days=14))
        entries.change_rag(session, high.id, None, "red")
        entries.review_risk(session, cfg, high.id, assessed_on=TODAY, assessor="PC Test",
                            answers={"ongoing": 1}, review_due=TODAY + timedelta(days=28),
                            override_level="high", override_reason="Escalating threats")
        [cal] = interventions.recipients(session, ids.due)
        entries.record_intervention(session, cfg, due.id, step="CPW", issuing_agency="POLICE",
                                    issued_on=TODAY, review_on=TODAY + timedelta(days=180),
                                    person_id=cal.person_id, notes="Served at home")
        entries.close_case(session, green.id, None, "No incidents for six months")
    assert (action.meeting_id, action.item_id, action.case_id) == (meeting_id, high.id, ids.high_risk)
    with store.read() as session:
        notes = meetings.notes(session, [high.id, due.id, green.id])
    assert [(n.number, n.kind) for n in notes[high.id]] == [
        (1, "point"), (2, "agreed"), (3, "agreed"), (4, "point")]
    assert notes[high.id][2].text == "That the RAG rating be changed from amber to red."
    assert notes[high.id][3].text.startswith("Risk reviewed by PC Test: high (raised from standard")
    assert notes[due.id][0].text == (
        "Intervention recorded: Community Protection Warning to Cal Dueforreview, issued by "
        "Leicestershire Police on 22 Nov 2026, review by 21 May 2027. Notes: Served at home")
    assert notes[green.id][0].text == "That the case be closed: No incidents for six months"
    with store.write() as session, pytest.raises(Invalid, match="already closed"):
        entries.close_case(session, green.id, None, "Again")
    with store.write() as session, pytest.raises(Invalid, match="not about a case"):
        entries.change_rag(session, _items(store, meeting_id)[0].id, None, "red")


def test_end_summarises_what_changed_and_the_minutes_become_final(store, cfg):
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.write() as session:
        meeting_run.acknowledge(session, meeting_id)
    high = _by_case(store, meeting_id, ids.high_risk)
    green = _by_case(store, meeting_id, ids.green)
    with store.write() as session:
        meeting_run.record_note(session, high.id, "That the police increase patrols.", "agreed")
        entries.raise_action(session, high.id, text="Increase patrols", owner="PC Test")
        entries.change_rag(session, high.id, None, "red")
        entries.close_case(session, green.id, None, "Resolved")
        entries.review_complete(session, meeting_id, ids.open_action, "Done on 20 Nov.")
        due = _by_case(store, meeting_id, ids.due)
        [cal] = interventions.recipients(session, ids.due)
        entries.record_intervention(session, cfg, due.id, step="CPW", issuing_agency="POLICE",
                                    issued_on=TODAY, person_id=cal.person_id)
    with store.write() as session:
        with pytest.raises(Invalid, match="after this one"):
            meeting_run.end_meeting(session, cfg, meeting_id, next_meeting_on=TODAY)
    with store.write() as session:
        meeting_run.end_meeting(session, cfg, meeting_id, next_meeting_on=date(2027, 1, 7))
    with store.read() as session:
        done = meeting_run.summary(session, cfg, meeting_id)
        planned = session.scalars(select(Meeting).where(Meeting.held_on == date(2027, 1, 7))).one()
    assert done.meeting.status == "final" and done.meeting.ended_at is not None
    assert done.meeting.next_meeting_on == date(2027, 1, 7)
    assert (planned.status, planned.subgroup, planned.chair) == ("planned", "JAG", CHAIR.name)
    assert [d.text for d in done.decisions] == [
        "That the police increase patrols.", "That the RAG rating be changed from amber to red.",
        "That the case be closed: Resolved"]
    assert [row.action.text for row in done.new_actions] == ["Increase patrols"]
    assert [(r.ref, r.status, r.update) for r in done.reviewed] == [
        ("111026 Item 1", "complete", "Done on 20 Nov.")]
    assert [(c.what, c.detail) for c in done.case_changes] == [
        ("rag", "RAG amber to red"), ("closure", "Closed: Resolved"),
        ("intervention", "Community Protection Warning to Cal Dueforreview (Leicestershire Police)")]
    next_item = _items(store, meeting_id)[-1]
    assert next_item.title == "Date of next meeting: 7 Jan 2027"


def test_final_minutes_are_read_only_and_corrected_by_amendment(store, cfg):
    ids = seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.write() as session:
        meeting_run.acknowledge(session, meeting_id)
    high = _by_case(store, meeting_id, ids.high_risk)
    with store.write() as session:
        note = meeting_run.record_note(session, high.id, "Patrols agreed.")
        with pytest.raises(Invalid, match="not final"):
            meeting_run.add_amendment(session, meeting_id, "Too early")
    with store.write() as session:
        meeting_run.edit_note(session, note.id, note.version, "Patrols agreed for December.")
        meeting_run.end_meeting(session, cfg, meeting_id)
    for attempt in (
        lambda s: meeting_run.record_note(s, high.id, "Late"),
        lambda s: meeting_run.edit_note(s, note.id, None, "Rewritten"),
        lambda s: agenda.move_item(s, meeting_id, high.id, 1),
        lambda s: meeting_run.add_attendance(s, meeting_id, Attendee("Late Comer")),
        lambda s: entries.raise_action(s, high.id, text="Late", owner="x"),
        lambda s: entries.review_update(s, meeting_id, ids.open_action, "Late"),
        # The store's own building blocks refuse too, whoever calls them.
        lambda s: meetings.add_note(s, high.id, "Late"),
        lambda s: meetings.add_item(s, meeting_id, "aob", "Late item"),
        lambda s: meetings.add_attendee(s, meeting_id, "Late Comer"),
    ):
        with store.write() as session, pytest.raises(Invalid, match="final"):
            attempt(session)
    with store.write() as session:
        meeting_run.add_amendment(session, meeting_id, "Item 5: patrols agreed for December and January.")
    with store.read() as session:
        (amendment,) = meeting_run.amendments(session, meeting_id)
        notes = meetings.notes(session, [high.id])[high.id]
        meeting = meetings.get_meeting(session, meeting_id)
    assert amendment.created_by == "tester" and amendment.created_at is not None
    assert [n.text for n in notes] == ["Patrols agreed for December."]
    # Ended by default one cadence on.
    assert meeting.next_meeting_on == date(2027, 1, 3)


def test_a_meeting_cannot_end_before_the_statement(store, cfg):
    seed(store, cfg)
    meeting_id = _start(store, cfg)
    with store.write() as session, pytest.raises(Invalid, match="confidentiality"):
        meeting_run.end_meeting(session, cfg, meeting_id)


def test_acknowledgement_is_kept_once(store, cfg):
    seed(store, cfg)
    meeting_id = _start(store, cfg)
    first = datetime(2026, 11, 22, 10, 3, tzinfo=timezone.utc)
    with store.write() as session:
        meeting_run.acknowledge(session, meeting_id, at=first)
    with store.write() as session:
        meeting_run.acknowledge(session, meeting_id)
    with store.read() as session:
        at = meetings.get_meeting(session, meeting_id).confidentiality_ack_at
    assert at.replace(tzinfo=None) == first.replace(tzinfo=None)
