"""Every edit path, raced: A reads, B saves, A saves -> A is refused with both values.

On PostgreSQL B's save is slipped in *inside* A's transaction, right after A
first reads the row (or right before A locks it): the moment the old code
compared a stale copy with itself and silently overwrote B. On SQLite a writer
holds the whole database from its first statement, so B cannot commit inside
A's transaction; there B saves between A's read and A's save.

Each test checks what a user would: A gets a Conflict naming the field, both
values, who saved theirs and when, and the version to save against; the
database holds B's value; the audit trail has exactly B's change, with the
right before and after.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select, text

from jagtui.store import (
    actions, agenda, casework, interventions, meeting_entries, meeting_run, meetings, people,
    plan, retention,
)
from jagtui.store.db import open_store
from jagtui.store.errors import Conflict
from jagtui.store.models import AuditEntry

TODAY = date(2026, 11, 22)


@pytest.fixture
def pair(store):
    """Stores for two users, Alice (A) and Bob (B), on separate connections."""
    url = store.engine.url.render_as_string(hide_password=False)
    alice, bob = open_store(url, "alice"), open_store(url, "bob")
    yield alice, bob
    alice.dispose()
    bob.dispose()


def _run_b(b_save, watcher) -> threading.Thread:
    """B's save in its own thread; back once it has committed, or is waiting for a lock
    A holds (then it finishes after A's commit: the test joins it)."""
    failed = []

    def run():
        try:
            b_save()
        except BaseException as exc:  # noqa: BLE001 (reported by the join)
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.failed = failed
    thread.start()
    deadline = time.monotonic() + 30
    while thread.is_alive() and time.monotonic() < deadline:
        with watcher.connect() as conn:
            if conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                                "'Lock' AND datname = current_database()")):
                break
        time.sleep(0.02)
    return thread


@contextmanager
def b_saves_inside(a_store, table: str, b_save, watcher):
    """Run ``b_save`` at A's first read of ``table``: after a plain read, before a
    locking one. PostgreSQL only (SQLite's writer holds the whole database)."""
    state = {"done": False, "after": False, "thread": None}

    def start():
        state["done"] = True
        state["thread"] = _run_b(b_save, watcher)

    def before(_conn, _cursor, statement, *_):
        if state["done"] or not statement.lstrip().upper().startswith("SELECT"):
            return
        if f"FROM {table}" not in statement:
            return
        if "FOR UPDATE" in statement or "FOR NO KEY UPDATE" in statement:
            start()
        else:
            state["after"] = True

    def after(*_):
        if state["after"] and not state["done"]:
            start()

    event.listen(a_store.engine, "before_cursor_execute", before)
    event.listen(a_store.engine, "after_cursor_execute", after)
    try:
        yield state
    finally:
        event.remove(a_store.engine, "before_cursor_execute", before)
        event.remove(a_store.engine, "after_cursor_execute", after)
        thread = state["thread"]
        if thread is not None:
            thread.join(30)
            assert not thread.is_alive(), "B's save never finished"
            assert not thread.failed, thread.failed
    assert state["done"], f"A never read {table}"


def race(a_store, b_store, table, a_write, b_write, watcher=None) -> Conflict:
    """B's save lands while A edits; A's save must be refused. Returns A's Conflict."""
    def b_save():
        with b_store.write() as session:
            b_write(session)

    with pytest.raises(Conflict) as refused:
        if a_store.is_sqlite:
            b_save()
            with a_store.write() as session:
                a_write(session)
        else:
            with b_saves_inside(a_store, table, b_save, b_store.engine), \
                    a_store.write() as session:
                a_write(session)
    return refused.value


def check(clash: Conflict, store, table: str, record_id: int, field: str, before, b_value,
          a_value) -> None:
    assert clash.by == "bob"
    assert clash.theirs[field] == b_value and clash.yours[field] == a_value
    assert field in clash.fields and field in str(clash) and "bob" in str(clash)
    assert clash.at is not None and clash.at > datetime.now(timezone.utc) - timedelta(minutes=5)
    assert clash.record_id == record_id and clash.table == table
    with store.read() as session:
        rows = list(session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == table, AuditEntry.record_id == record_id,
            AuditEntry.operation == "update")))
    changed = [row for row in rows if field in row.detail]
    assert [(row.login, row.detail[field]) for row in changed] == [
        ("bob", {"before": before, "after": b_value})]


def _version(store, model, record_id):
    with store.read() as session:
        return session.get(model, record_id).version


# --- set-up ---------------------------------------------------------------------------------

def _case(store, title="Riverside Park", **fields):
    with store.write() as session:
        subject = casework.new_location(session, title, beat="62")
        return casework.start_case(session, subject=subject, case_type="location", title=title,
                                   subgroup="JAG", lead_agency="POLICE", opened_on=TODAY,
                                   **fields).id


def _meeting_item(store, case_id):
    with store.write() as session:
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        meeting.status = "in progress"
        meeting.confidentiality_ack_at = datetime.now(timezone.utc)
        item = meetings.add_item(session, meeting.id, "case", "Riverside Park", case_id=case_id)
        return meeting.id, item.id


# --- the paths ------------------------------------------------------------------------------

def test_case_form(store, pair):
    from jagtui.store.models import Case

    alice, bob = pair
    case_id = _case(store)
    seen = _version(store, Case, case_id)
    clash = race(alice, bob, "cases",
                 lambda s: casework.edit_case(s, case_id, seen, TODAY, title="Park (Alice)"),
                 lambda s: casework.edit_case(s, case_id, seen, TODAY, title="Park (Bob)"))
    assert clash.version == seen + 1
    check(clash, store, "cases", case_id, "title", "Riverside Park", "Park (Bob)", "Park (Alice)")
    with store.read() as session:
        assert session.get(Case, case_id).title == "Park (Bob)"


def test_case_close(store, pair):
    from jagtui.store.models import Case

    alice, bob = pair
    case_id = _case(store)
    seen = _version(store, Case, case_id)
    clash = race(alice, bob, "cases",
                 lambda s: casework.edit_case(s, case_id, seen, TODAY, status="closed",
                                              closure_reason="Resolved (Alice)"),
                 lambda s: casework.edit_case(s, case_id, seen, TODAY, status="closed",
                                              closure_reason="Moved away (Bob)"))
    check(clash, store, "cases", case_id, "closure_reason", "", "Moved away (Bob)",
          "Resolved (Alice)")


def test_rag_in_the_meeting(store, pair):
    from jagtui.store.models import Case, ItemNote

    alice, bob = pair
    case_id = _case(store)
    _meeting, item_id = _meeting_item(store, case_id)
    seen = _version(store, Case, case_id)
    clash = race(alice, bob, "cases",
                 lambda s: meeting_entries.change_rag(s, item_id, seen, "green"),
                 lambda s: meeting_entries.change_rag(s, item_id, seen, "red"))
    check(clash, store, "cases", case_id, "rag", "amber", "red", "green")
    with store.read() as session:
        minuted = [n.text for n in session.scalars(select(ItemNote).where(ItemNote.item_id == item_id))]
    assert minuted == ["That the RAG rating be changed from amber to red."]


def test_close_in_the_meeting(store, pair):
    from jagtui.store.models import Case

    alice, bob = pair
    case_id = _case(store)
    _meeting, item_id = _meeting_item(store, case_id)
    seen = _version(store, Case, case_id)
    clash = race(alice, bob, "cases",
                 lambda s: meeting_entries.close_case(s, item_id, seen, "Resolved (Alice)"),
                 lambda s: meeting_entries.close_case(s, item_id, seen, "Moved away (Bob)"))
    check(clash, store, "cases", case_id, "closure_reason", "", "Moved away (Bob)",
          "Resolved (Alice)")


def test_incident(store, pair, cfg):
    from jagtui.store.models import Incident

    alice, bob = pair
    categories = [c.key for c in cfg.categories]
    with store.write() as session:
        incident = casework.save_incident(session, categories, TODAY, occurred_on=TODAY,
                                          category=categories[0], source="police",
                                          source_ref="P1", description="Shouting")
        incident_id, seen = incident.id, incident.version

    def save(description):
        return lambda s: casework.save_incident(
            s, categories, TODAY, incident_id=incident_id, expected_version=seen,
            occurred_on=TODAY, category=categories[0], source="police", source_ref="P1",
            description=description)

    clash = race(alice, bob, "incidents", save("Shouting (Alice)"), save("Shouting (Bob)"))
    check(clash, store, "incidents", incident_id, "description", "Shouting", "Shouting (Bob)",
          "Shouting (Alice)")
    with store.read() as session:
        assert session.get(Incident, incident_id).description == "Shouting (Bob)"


def test_person(store, pair):
    alice, bob = pair
    with store.write() as session:
        person = people.add_person(session, "Ann Example", phone="0116 000")
        person_id, seen = person.id, person.version
    clash = race(alice, bob, "people",
                 lambda s: people.update_person(s, person_id, seen, phone="0116 111"),
                 lambda s: people.update_person(s, person_id, seen, phone="0116 222"))
    check(clash, store, "people", person_id, "phone", "0116 000", "0116 222", "0116 111")


def test_location(store, pair):
    alice, bob = pair
    with store.write() as session:
        place = people.add_location(session, "Bus station", locality="Loughborough")
        place_id, seen = place.id, place.version
    clash = race(alice, bob, "locations",
                 lambda s: people.update_location(s, place_id, seen, locality="Shepshed"),
                 lambda s: people.update_location(s, place_id, seen, locality="Quorn"))
    check(clash, store, "locations", place_id, "locality", "Loughborough", "Quorn", "Shepshed")


def test_intervention_outcome(store, pair, cfg):
    alice, bob = pair
    case_id = _case(store)
    with store.write() as session:
        done = interventions.record_intervention(
            session, case_id=case_id, step=cfg.ladder[0].key, steps=[s.key for s in cfg.ladder],
            issuing_agency="POLICE", issued_on=TODAY - timedelta(days=30))
        intervention_id, seen = done.id, done.version
    clash = race(alice, bob, "interventions",
                 lambda s: interventions.set_outcome(s, intervention_id, seen, "complied"),
                 lambda s: interventions.set_outcome(s, intervention_id, seen, "expired"))
    check(clash, store, "interventions", intervention_id, "outcome", "active", "expired",
          "complied")


def test_action(store, pair):
    alice, bob = pair
    with store.write() as session:
        action = actions.add_action(session, ref="221126 Item 5", text="Visit", owner="Dee Housing")
        action_id, seen = action.id, action.version
    clash = race(alice, bob, "actions",
                 lambda s: actions.update_action(s, action_id, seen, owner="Sam Officer"),
                 lambda s: actions.update_action(s, action_id, seen, owner="Pat Patrol"))
    check(clash, store, "actions", action_id, "owner", "Dee Housing", "Pat Patrol", "Sam Officer")


def test_plan_update_changed(store, pair):
    alice, bob = pair
    with store.write() as session:
        priority = plan.add_priority(session, "P1", "Reduce ASB")
        objective = plan.add_objective(session, priority.id, 1, "Fewer repeat callers")
        action_id = plan.add_plan_action(session, objective.id, 1, "Patrols").id
        update = plan.set_update(session, action_id, "2026/27 Q3", "on track", "Started")
        update_id, seen = update.id, update.version
    clash = race(alice, bob, "plan_actions",
                 lambda s: plan.set_update(s, action_id, "2026/27 Q3", "at risk", "Slow", seen),
                 lambda s: plan.set_update(s, action_id, "2026/27 Q3", "complete", "Done", seen))
    check(clash, store, "plan_updates", update_id, "text", "Started", "Done", "Slow")


def test_plan_update_first_entered_by_both(store, pair):
    """Neither saw an update for the quarter: the second is told, not an IntegrityError."""
    from jagtui.store.models import PlanUpdate

    alice, bob = pair
    with store.write() as session:
        priority = plan.add_priority(session, "P1", "Reduce ASB")
        objective = plan.add_objective(session, priority.id, 1, "Fewer repeat callers")
        action_id = plan.add_plan_action(session, objective.id, 1, "Patrols").id
    clash = race(alice, bob, "plan_actions",
                 lambda s: plan.set_update(s, action_id, "2026/27 Q3", "at risk", "Slow", 0),
                 lambda s: plan.set_update(s, action_id, "2026/27 Q3", "complete", "Done", 0))
    assert clash.by == "bob" and clash.theirs["text"] == "Done" and clash.yours["text"] == "Slow"
    with store.read() as session:
        assert [u.text for u in session.scalars(select(PlanUpdate))] == ["Done"]


def test_retention_decision(store, pair):
    from jagtui.store.models import RetentionReview

    alice, bob = pair
    case_id = _case(store, "Old case")
    with store.write() as session:
        casework.edit_case(session, case_id, None, TODAY, status="closed",
                           closure_reason="Resolved")
        from jagtui.store.models import Case
        session.get(Case, case_id).closed_on = date(2018, 1, 5)
    with store.read() as session:
        reference = session.get(Case, case_id).reference
        row = next(r for r in retention.review_list(session, TODAY, 6) if r.case_id == case_id)
    seen = row.review_id
    assert seen == 0
    clash = race(alice, bob, "cases",
                 lambda s: retention.mark_for_deletion(s, reference, TODAY, 6, seen=seen),
                 lambda s: retention.retain(s, reference, "Civil claim pending",
                                            date(2027, 6, 1), TODAY, 6, seen=seen))
    assert clash.by == "bob" and clash.theirs["decision"] == "retain"
    assert clash.yours["decision"] == "delete"
    with store.read() as session:
        assert [r.decision for r in session.scalars(select(RetentionReview))] == ["retain"]


def test_meeting_note(store, pair):
    alice, bob = pair
    case_id = _case(store)
    _meeting, item_id = _meeting_item(store, case_id)
    with store.write() as session:
        note = meeting_run.record_note(session, item_id, "Patrols increased")
        note_id, seen = note.id, note.version
    clash = race(alice, bob, "item_notes",
                 lambda s: meeting_run.edit_note(s, note_id, seen, "Patrols doubled"),
                 lambda s: meeting_run.edit_note(s, note_id, seen, "Patrols tripled"))
    check(clash, store, "item_notes", note_id, "text", "Patrols increased", "Patrols tripled",
          "Patrols doubled")


def test_meeting_items_reordered_by_two_keep_distinct_numbers(store, pair):
    """Two people moving items at once: both moves apply, numbers stay 1..n."""
    from jagtui.store.models import MeetingItem

    alice, bob = pair
    with store.write() as session:
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        ids = [meetings.add_item(session, meeting.id, "other", f"Item {n}").id for n in range(4)]
        meeting_id = meeting.id
    def b_save():
        with bob.write() as session:
            agenda.move_item(session, meeting_id, ids[3], -3)

    if alice.is_sqlite:
        b_save()
        with alice.write() as session:
            agenda.move_item(session, meeting_id, ids[0], 1)
    else:
        with b_saves_inside(alice, "meeting_items", b_save, store.engine), \
                alice.write() as session:
            agenda.move_item(session, meeting_id, ids[0], 1)
    with store.read() as session:
        order = [i.id for i in session.scalars(select(MeetingItem).where(
            MeetingItem.meeting_id == meeting_id).order_by(MeetingItem.number))]
        numbers = sorted(i.number for i in session.scalars(select(MeetingItem)))
    assert numbers == [1, 2, 3, 4]
    # Either order of the two moves gives this: both applied, neither lost.
    assert order == [ids[3], ids[1], ids[0], ids[2]]
