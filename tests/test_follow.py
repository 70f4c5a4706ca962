"""Following a meeting live: two app instances (the chair's runner and a follower), on
both databases, driven by keys; the store's follower messages raced by two chairs;
the watchers' idle cost.

The follower is refreshed by ``store.notify.ChangeWatcher`` (PostgreSQL LISTEN/NOTIFY,
SQLite ``data_version``), not by the app's 3 s change poll (off here).
"""

from __future__ import annotations

import os
import resource
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from textual.widgets import Static

from jagtui.app import JagApp
from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.follow import FollowScreen
from jagtui.store import agenda, follow, meeting_run, meetings, users
from jagtui.store.db import Store, create_store
from jagtui.store.errors import Conflict, Invalid
from jagtui.store.follow_tables import FollowMessage
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import AuditEntry, ItemNote
from jagtui.store.notify import ChangeWatcher

from meeting_data import TODAY, seed
from pilot_help import settle

STARTED = datetime(2026, 11, 22, 10, 2, tzinfo=timezone.utc)
HOSTILE = "Zoë O'Brien-Łukasz \x1b[31m[bold]x[/] \u202eevil"


@pytest.fixture
def running(store, cfg):
    """A JAG meeting under way (statement acknowledged), with a restricted user too."""
    ids = seed(store, cfg)
    with store.write() as session:
        users.add_user(session, "remote1", "Robin Restricted", agency="CBC-ASB", role="restricted")
        meeting = meeting_run.start_meeting(
            session, cfg, subgroup="JAG", held_on=TODAY,
            chair=Attendee("Insp. Rhea Chairwoman", "Leicestershire Police"))
        meeting_run.acknowledge(session, meeting.id, at=STARTED)
        high = next(i for i in agenda.items(session, meeting.id) if i.case_id == ids.high_risk)
        index = [i.id for i in agenda.items(session, meeting.id)].index(high.id)
    return store, meeting.id, high, index


def _app(store: Store, cfg, login: str, role: str) -> JagApp:
    app = JagApp(Store(store.engine, login), cfg, role=role, today=lambda: TODAY)
    app.change_poll_seconds = 0  # only the watchers refresh
    return app


def shown(app) -> str:
    """Every line of text on the app's current screen."""
    return "\n".join(str(widget.content) for widget in app.screen.query(Static))


def _overloaded() -> bool:
    return os.getloadavg()[0] > (os.cpu_count() or 1)


async def until(pilot, check, seconds: float = 5.0) -> float:
    """Wait (letting the app run) until ``check()``; returns the seconds it took."""
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > seconds:
            raise AssertionError("not shown in time")
        await pilot.pause(0.01)
    return time.monotonic() - began


def _notes(store, item_id) -> list[str]:
    with store.read() as session:
        return [n.text for n in session.scalars(select(ItemNote).where(ItemNote.item_id == item_id))]


def _messages(store) -> list[FollowMessage]:
    with store.read() as session:
        return list(session.scalars(select(FollowMessage).order_by(FollowMessage.id)))


async def test_the_chairs_note_reaches_the_follower_within_a_second(running, cfg):
    store, meeting_id, high, index = running
    chair, follower = _app(store, cfg, "chair1", "chair"), _app(store, cfg, "member1", "member")
    async with chair.run_test(size=(160, 48)) as cp, follower.run_test(size=(120, 40)) as fp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        follower.push_screen(FollowScreen())
        await settle(follower, fp)
        # The follower is on the chair's item, and was offered as present.
        await until(fp, lambda: f"Item {high.number} of" in shown(follower))
        assert [(m.kind, m.sender, m.status) for m in _messages(store)] == [
            ("present", "member1", "waiting")]
        await cp.press("i", *"Patrols doubled on Larkspur", "ctrl+s")
        saved = time.monotonic()
        await until(cp, lambda: "Patrols doubled on Larkspur" in "".join(_notes(store, high.id)))
        took = await until(fp, lambda: "Patrols doubled on Larkspur" in shown(follower), 5.0)
        # Within a second (issue 17), where the machine has a core to give: both apps share
        # this one interpreter, and under a load above the cores a wall time measures the
        # queue. The delay between processes is benchmarked (bench/follow.py).
        if not _overloaded():
            assert time.monotonic() - saved < 1.0 and took < 1.0
        # The chair moves on: the follower follows.
        await cp.press("escape", "n")
        await until(fp, lambda: f"Item {high.number + 1} of" in shown(follower), 5.0)
        # The chair sees who joined and records them present with one key.
        await until(cp, lambda: "joined remotely" in shown(chair))
        await cp.press("y")
        await settle(chair, cp)
        with store.read() as session:
            present = {(a.name, a.kind) for a in meetings.attendance(session, meeting_id)}
        assert ("Sam Officer", "present") in present
        await until(fp, lambda: "Your attendance: accepted by the chair" in shown(follower), 5.0)


async def test_a_restricted_follower_never_sees_a_name(running, cfg):
    store, meeting_id, high, index = running
    chair, follower = _app(store, cfg, "chair1", "chair"), _app(store, cfg, "remote1", "restricted")
    async with chair.run_test(size=(160, 48)) as cp, follower.run_test(size=(120, 40)) as fp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        follower.push_screen(FollowScreen(meeting_id))
        await settle(follower, fp)
        await cp.press("i", *"Bob Highrisk was seen at 2 Larkspur Close by Ann Referral", "ctrl+s")
        await until(fp, lambda: "was seen at" in shown(follower), 5.0)
        await cp.press("escape", "o", *"Bob Highrisk to be visited", "tab", *"Sam", "enter")
        await settle(chair, cp)
        text = shown(follower)
        for name in ("Bob", "Highrisk", "Ann Referral", "Larkspur", "Rhea Chairwoman"):
            assert name not in text, name
        assert "B.H." in text or "BH" in text


async def test_an_update_from_a_follower_is_minuted_only_once_the_chair_accepts(running, cfg):
    store, meeting_id, high, index = running
    chair, follower = _app(store, cfg, "chair1", "chair"), _app(store, cfg, "member1", "member")
    async with chair.run_test(size=(160, 48)) as cp, follower.run_test(size=(120, 40)) as fp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        follower.push_screen(FollowScreen())
        await settle(follower, fp)
        await until(fp, lambda: f"Item {high.number} of" in shown(follower))
        await fp.press("u", *"Tenancy warning served. ", *HOSTILE[:20], "ctrl+s")
        await settle(follower, fp)
        waiting = [m for m in _messages(store) if m.kind == "update"]
        assert [(m.status, m.item_id) for m in waiting] == [("waiting", high.id)]
        assert not any("Tenancy warning" in n for n in _notes(store, high.id))  # not yet minuted
        await until(fp, lambda: "Update: waiting for the chair" in shown(follower))
        # Oldest first: the presence offer, declined; then the update, accepted.
        await until(cp, lambda: "joined remotely" in shown(chair))
        await cp.press("N")
        await until(cp, lambda: "Update from Sam Officer" in shown(chair), 5.0)
        await cp.press("y")
        await settle(chair, cp)
        notes = _notes(store, high.id)
        assert any(n.startswith("Update from Sam Officer (") and "Tenancy warning served." in n
                   for n in notes)
        await until(fp, lambda: "Update: accepted by the chair" in shown(follower), 5.0)
        assert "Your attendance: declined by the chair" in shown(follower)
        # A correction, declined: not minuted, and the follower sees it.
        await fp.press("c", *"Wrong date", "ctrl+s")
        await until(cp, lambda: "Correction from Sam Officer" in shown(chair), 5.0)
        await cp.press("N")
        await settle(chair, cp)
        assert not any("Wrong date" in n for n in _notes(store, high.id))
        await until(fp, lambda: "Correction: declined by the chair" in shown(follower), 5.0)
    with store.read() as session:
        audited = {(e.table_name, e.operation) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "follow_messages"))}
    assert {("follow_messages", "create"), ("follow_messages", "update")} <= audited


# -- the store, raced ---------------------------------------------------------------------


def test_two_chairs_answering_one_message(running, cfg):
    """Deterministic interleaving: both read the message, one accepts, the other's
    decline is refused as a clash; minuted once."""
    store, meeting_id, high, _index = running
    with store.write() as session:
        sent = follow.send(session, cfg, meeting_id, high.id, "update", HOSTILE, "member1")
    first, second = Store(store.engine, "chair1"), Store(store.engine, "admin2")
    with first.read() as session:
        mine = follow.waiting(session, meeting_id)[0]
    with second.read() as session:
        theirs = follow.waiting(session, meeting_id)[0]
    with first.write() as session:
        follow.decide(session, mine.id, mine.version, accept=True)
    with pytest.raises(Conflict):
        with second.write() as session:
            follow.decide(session, theirs.id, theirs.version, accept=False)
    [message] = _messages(store)
    assert message.id == sent.id and message.status == "accepted" and message.updated_by == "chair1"
    assert sum(HOSTILE in n for n in _notes(store, high.id)) == 1


def test_two_chairs_answering_at_once(running, cfg):
    """Two threads decide the same message at the same moment: exactly one wins."""
    store, meeting_id, high, _index = running
    with store.write() as session:
        follow.send(session, cfg, meeting_id, high.id, "correction", "Not 3 but 4", "member1")
    with store.read() as session:
        message = follow.waiting(session, meeting_id)[0]
    barrier, results = threading.Barrier(2), []

    def answer(login: str, accept: bool) -> None:
        other = Store(store.engine, login)
        barrier.wait()
        try:
            with other.write() as session:
                follow.decide(session, message.id, message.version, accept)
            results.append("ok")
        except Conflict:
            results.append("clash")

    threads = [threading.Thread(target=answer, args=(login, accept))
               for login, accept in (("chair1", True), ("admin2", False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["clash", "ok"]
    minuted = [n for n in _notes(store, high.id) if "Not 3 but 4" in n]
    assert len(minuted) == (1 if _messages(store)[0].status == "accepted" else 0)


def test_sending_refusals_in_words(running, cfg):
    store, meeting_id, high, _index = running
    with store.write() as session:
        with pytest.raises(Invalid, match="required"):
            follow.send(session, cfg, meeting_id, high.id, "update", "  ", "member1")
        with pytest.raises(Invalid, match="not a registered user"):
            follow.send(session, cfg, meeting_id, high.id, "update", "x", "nobody")
        assert follow.offer_presence(session, cfg, meeting_id, "member1") is not None
        assert follow.offer_presence(session, cfg, meeting_id, "member1") is None  # once
        # The chair is already present: never offered.
        assert follow.offer_presence(session, cfg, meeting_id, "chair1") is None


# -- the watchers -------------------------------------------------------------------------


def test_a_meeting_write_wakes_a_watcher_and_idle_costs_under_one_percent(running):
    store, meeting_id, high, _index = running
    woke = threading.Event()
    watcher = ChangeWatcher(store.engine, woke.set).start()
    try:
        assert not watcher.error
        idle = 3.0
        before = resource.getrusage(resource.RUSAGE_SELF)
        time.sleep(idle)
        after = resource.getrusage(resource.RUSAGE_SELF)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        assert used / idle < 0.01, f"{used / idle:.2%} of a core while idle"
        assert not woke.is_set()
        with Store(store.engine, "chair1").write() as session:
            meeting_run.record_note(session, high.id, "A point")
        assert woke.wait(5.0)
        began = time.monotonic()
        watcher.stop()  # a screen leaving never waits for the listener
        assert time.monotonic() - began < 0.2
    finally:
        watcher.stop()


# -- how a follower gets there ------------------------------------------------------------


async def test_f_on_the_meetings_list_follows_the_running_meeting(running, cfg):
    """And what the chair typed is shown literally: markup, escape codes and bidi
    controls stay visible text."""
    from jagtui.screens.meeting import MeetingsScreen

    store, meeting_id, high, index = running
    with store.write() as session:
        meeting_run.record_note(session, high.id, HOSTILE)
        meeting_place_keep(session, meeting_id, high.id)
    follower = _app(store, cfg, "member1", "member")
    async with follower.run_test(size=(120, 40)) as fp:
        await settle(follower, fp)
        follower.push_screen(MeetingsScreen())
        await settle(follower, fp)
        await fp.press("f")
        await settle(follower, fp)
        assert isinstance(follower.screen, FollowScreen)
        await until(fp, lambda: f"Item {high.number} of" in shown(follower))
        text = shown(follower)
        assert "[bold]x[/]" in text and "Zoë O'Brien-Łukasz" in text
        assert "\x1b" not in text and "\u202e" not in text
        await fp.press("escape")
        await settle(follower, fp)
        assert isinstance(follower.screen, MeetingsScreen)


def meeting_place_keep(session, meeting_id, item_id):
    from jagtui.store import meeting_place

    meeting_place.keep_place(session, meeting_id, item_id)


def test_jagtui_follow_refuses_a_meeting_that_is_not_there(tmp_path, cfg, monkeypatch, capsys):
    from jagtui import cli

    url = f"sqlite:///{tmp_path / 'f.db'}"
    made = create_store(url, "tester")
    with made.write() as session:
        users.add_user(session, "tester", "Test Member", role="member")
    made.dispose()
    monkeypatch.setattr("jagtui.identity.current_login", lambda: "tester")
    assert cli.main(["--db", url, "follow", "--meeting", "999"]) == 2
    assert "No meeting with id 999" in capsys.readouterr().err


def test_postgresql_notifies_on_commit_of_a_meeting_write_only(running):
    store, meeting_id, high, _index = running
    if store.is_sqlite:
        pytest.skip("SQLite watchers see every commit (data_version)")
    from jagtui.store import drafts

    woke = threading.Event()
    watcher = ChangeWatcher(store.engine, woke.set).start()
    try:
        with store.write() as session:  # a form's draft while typing: not the meeting's
            drafts.save(session, "case:new", {"title": "typing"})
        with pytest.raises(RuntimeError):
            with store.write() as session:  # rolled back: never delivered
                meeting_run.record_note(session, high.id, "Never said")
                raise RuntimeError("hang-up")
        assert not woke.wait(0.5)
        with store.write() as session:  # the chair's place is
            meeting_place_keep(session, meeting_id, high.id)
        assert woke.wait(5.0)
    finally:
        watcher.stop()


async def test_the_follower_sees_the_action_log_as_it_is_reviewed(running, cfg):
    from jagtui.store import actions

    store, meeting_id, _high, _index = running
    with store.write() as session:
        log = next(i for i in agenda.items(session, meeting_id) if i.kind == "actions")
        meeting_place_keep(session, meeting_id, log.id)
    follower = _app(store, cfg, "member1", "member")
    async with follower.run_test(size=(120, 40)) as fp:
        follower.push_screen(FollowScreen(meeting_id))
        await until(fp, lambda: f"Item {log.number} of" in shown(follower))
        with store.write() as session:
            row = next(a for a in session.scalars(select(actions.Action))
                       if a.text == "Visit the shop owners on Market Street")
            actions.add_update(session, row.id, TODAY, "Visited twice; owners content",
                               meeting_id=meeting_id)
        await until(fp, lambda: "Visited twice; owners content" in shown(follower), 5.0)
        assert "Action log reviewed at this meeting" in shown(follower)


def test_jagtui_follow_opens_the_view(tmp_path):
    """The command, in a terminal: the view, saying no meeting is running yet."""
    from terminal import kill_quietly, private_env, spawn, wait_for_text

    from jagtui.identity import current_login

    url = f"sqlite:///{tmp_path / 'f.db'}"
    made = create_store(url, "tester")
    with made.write() as session:
        users.add_user(session, current_login(), "Test Member", role="member")
    made.dispose()
    child = spawn(["--db", url, "follow"], private_env(tmp_path))
    try:
        wait_for_text(child, "No meeting is running", timeout=60)
    finally:
        kill_quietly(child.pid)


def test_purging_a_case_erases_what_followers_sent_about_it(store, cfg):
    """Retention: a case's minutes go with it, and so does what followers said of it."""
    from datetime import date, timedelta

    from jagtui.store import cases, people, retention

    closed, today = date(2020, 3, 10), date(2026, 3, 11)
    with store.write() as session:
        users.add_user(session, "member1", "Sam Officer", agency="CBC-ASB")
        person = people.add_person(session, "Zebedee Quarrington")
        case = cases.open_case(session, case_type="victim", title="Zebedee Quarrington",
                               subgroup="JAG", lead_agency="POLICE",
                               opened_on=closed - timedelta(days=400), reference="JAG-19-0001")
        cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
        meeting = meetings.create_meeting(session, held_on=closed - timedelta(days=50),
                                          subgroup="JAG")
        item = meetings.add_item(session, meeting.id, "case", "Zebedee Quarrington",
                                 case_id=case.id)
        meeting.status = "in progress"
        session.flush()
        follow.send(session, cfg, meeting.id, item.id, "update", "Zebedee moved away", "member1")
        meeting.status = "final"
        cases.close_case(session, case.id, None, closed, "Moved away")
        retention.mark_for_deletion(session, "JAG-19-0001", today, 6)
    with store.write() as session:
        erasure = retention.purge_case(session, case.id, today, 6)
    assert len(erasure.erased["follow_messages"]) == 1
    assert _messages(store) == []


async def test_a_read_ending_after_the_follow_screen_closed_is_dropped(running, cfg):
    """The watcher's read may end as the follower leaves (or the app closes): its result
    is dropped, not drawn into a screen that has gone (NoMatches, seen once under load)."""
    store, meeting_id, _high, _index = running
    follower = _app(store, cfg, "member1", "member")
    async with follower.run_test(size=(120, 40)) as fp:
        screen = FollowScreen(meeting_id)
        follower.push_screen(screen)
        await until(fp, lambda: screen.view is not None)
        view = screen.view
        follower.pop_screen()
        await settle(follower, fp)
        screen.show(view)  # as call_from_thread would, after the screen went
        screen.show(None)
        assert follower.screen is not screen


async def test_esc_in_jagtui_follow_leaves_the_session(running, cfg):
    """``jagtui follow`` is the follow view alone: Esc ("Leave" in its footer) ends it,
    rather than opening the whole app under it."""
    from jagtui.commands.follow import follow_app

    store, meeting_id, high, _index = running
    with store.write() as session:
        meeting_place_keep(session, meeting_id, high.id)
    follower = follow_app(Store(store.engine, "member1"), cfg, "member", "Sam Officer", None)
    follower.change_poll_seconds = 0
    async with follower.run_test(size=(80, 24)) as fp:
        await until(fp, lambda: isinstance(follower.screen, FollowScreen)
                    and f"Item {high.number} of" in shown(follower))
        await fp.press("escape")
        await settle(follower, fp)
        assert follower.return_code == 0  # the app was told to exit
        assert not follower.is_running  # not the meetings list under the view
