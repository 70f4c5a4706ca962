"""The chair's follower inbox in the runner, by keys at 80x24, on SQLite and PostgreSQL:
y and N are in the footer only while something waits; a long message is cut in its
line and m opens it whole (scrollable), answered there with the same keys."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from jagtui.screens.agenda_runner import AgendaRunnerScreen
from jagtui.screens.runner_follow import FollowerMessageScreen
from jagtui.store import follow, meetings
from pilot_help import settle
from test_follow import HOSTILE, _app, _messages, _notes, running, shown, until  # noqa: F401


def footer_actions(app) -> set[str]:
    return {key.action for key in app.screen.query(FooterKey)}




async def test_y_and_n_leave_the_footer_once_nothing_waits(running, cfg):
    store, meeting_id, high, index = running
    with store.write() as session:
        follow.offer_presence(session, cfg, meeting_id, "member1")
    chair = _app(store, cfg, "chair1", "chair")
    async with chair.run_test(size=(80, 24)) as cp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        await until(cp, lambda: "joined remotely" in shown(chair))
        await settle(chair, cp)
        assert "follower(True)" in footer_actions(chair)
        await cp.press("y")
        await settle(chair, cp)
        with store.read() as session:
            present = {(a.name, a.kind) for a in meetings.attendance(session, meeting_id)}
        assert ("Sam Officer", "present") in present
        await until(cp, lambda: "follower(True)" not in footer_actions(chair))
        assert "follower(False)" not in footer_actions(chair)
        assert "joined remotely" not in shown(chair)
        # y with nothing waiting writes nothing.
        await cp.press("y")
        await settle(chair, cp)
        assert [m.status for m in _messages(store)] == ["accepted"]


async def test_a_long_correction_is_read_whole_before_it_is_answered(running, cfg):
    store, meeting_id, high, index = running
    long_text = "Start of it. " + HOSTILE + " " + " ".join(
        f"word{n}" for n in range(420)) + " THE VERY END"
    assert len(long_text) > 3000
    with store.write() as session:
        follow.send(session, cfg, meeting_id, high.id, "correction", long_text, "member1")
    chair = _app(store, cfg, "chair1", "chair")
    async with chair.run_test(size=(80, 24)) as cp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        await until(cp, lambda: "Correction from Sam Officer" in shown(chair))
        line = str(chair.screen.query_one("#follow-inbox").content)
        assert "m reads all" in line and "Start of it." in line and "THE VERY END" not in line
        await cp.press("m")
        await settle(chair, cp)
        reader = chair.screen
        assert isinstance(reader, FollowerMessageScreen)
        text = shown(chair)
        assert "Start of it." in text and "THE VERY END" in text
        assert "[bold]x[/]" in text and "\x1b" not in text and "\u202e" not in text
        # It scrolls by keys to its end.
        scroll = reader.query_one("#follower-message")
        assert scroll.max_scroll_y > 0
        await cp.press("end")
        await settle(chair, cp)
        assert scroll.scroll_y == scroll.max_scroll_y
        # Esc back: not answered.
        await cp.press("escape")
        await settle(chair, cp)
        assert isinstance(chair.screen, AgendaRunnerScreen)
        assert [m.status for m in _messages(store)] == ["waiting"]
        # m again, then y: minuted whole under its item.
        await cp.press("m")
        await settle(chair, cp)
        await cp.press("y")
        await settle(chair, cp)
        assert isinstance(chair.screen, AgendaRunnerScreen)
        await until(cp, lambda: [m.status for m in _messages(store)] == ["accepted"])
        assert any("THE VERY END" in n for n in _notes(store, high.id))
        await until(cp, lambda: "follower(True)" not in footer_actions(chair))


async def test_a_read_that_ends_after_an_answer_does_not_bring_the_answered_one_back(
        running, cfg, monkeypatch):
    """The chair answers one message and at once the next: an inbox read that began
    before the first answer (the watcher saw the follower's own send) and ends after it
    must not put the answered message back at the head, or the second y answers it
    again and the update is never minuted (seen over SSH in CI)."""
    import threading

    store, meeting_id, high, index = running
    with store.write() as session:
        follow.offer_presence(session, cfg, meeting_id, "member1")
        follow.send(session, cfg, meeting_id, high.id, "update", "Patrol done \u202e", "member1")
    gate, held = threading.Event(), threading.Event()
    hold = {"on": False}
    real = follow.waiting

    def slow_waiting(session, meeting):
        found = real(session, meeting)
        if hold["on"]:
            hold["on"] = False
            held.set()
            gate.wait(10)
        return found

    monkeypatch.setattr(follow, "waiting", slow_waiting)
    chair = _app(store, cfg, "chair1", "chair")
    async with chair.run_test(size=(80, 24)) as cp:
        await settle(chair, cp)
        chair.push_screen(AgendaRunnerScreen(meeting_id, start_at=index))
        await settle(chair, cp)
        await until(cp, lambda: "joined remotely" in shown(chair))
        hold["on"] = True
        chair.screen.load_inbox()  # a read that sees both messages, then stalls
        await until(cp, held.is_set)
        await cp.press("y")  # present: accepted
        await until(cp, lambda: "Update from Sam Officer" in shown(chair))
        gate.set()  # the stale read ends now
        await settle(chair, cp)
        await cp.pause(0.2)
        await settle(chair, cp)
        assert "joined remotely" not in shown(chair)
        await cp.press("y")  # the update: minuted
        await settle(chair, cp)
        await until(cp, lambda: all(m.status == "accepted" for m in _messages(store)))
        assert [m.status for m in _messages(store)] == ["accepted", "accepted"]
        assert any("Patrol done" in text for text in _notes(store, high.id))


async def test_a_follower_read_overtaken_by_a_newer_one_does_not_show_over_it(
        running, cfg, monkeypatch):
    """Two changes in quick succession (the chair accepts the follower's presence, then
    their update): the read the first began can end after the read the second began.
    Its older view must not be shown over the newer one, or the follower is left with
    "Update: waiting for the chair" after it was accepted (seen over SSH in CI)."""
    import threading

    from jagtui.screens.follow import FollowScreen

    store, meeting_id, high, index = running
    with store.write() as session:
        sent = follow.send(session, cfg, meeting_id, high.id, "update", "Patrol done", "member1")
    gate, held = threading.Event(), threading.Event()
    hold = {"on": False}
    real = follow.follow_view

    def slow_view(session, meeting, login):
        found = real(session, meeting, login)
        if hold["on"]:
            hold["on"] = False
            held.set()
            gate.wait(10)
        return found

    monkeypatch.setattr(follow, "follow_view", slow_view)
    follower = _app(store, cfg, "member1", "member")
    async with follower.run_test(size=(120, 40)) as fp:
        await settle(follower, fp)
        follower.push_screen(FollowScreen(meeting_id))
        await settle(follower, fp)
        await until(fp, lambda: "Update: waiting for the chair" in shown(follower))
        screen = follower.screen
        screen.watcher.stop()  # only these two reads: no later change comes to put it right
        hold["on"] = True
        screen.load()  # an older read: sees the update waiting, then stalls
        await until(fp, held.is_set)
        with store.write() as session:
            follow.decide(session, sent.id, None, True)
        screen.load()  # the newer read: the update accepted
        await until(fp, lambda: "Update: accepted by the chair" in shown(follower))
        gate.set()  # the older read ends now
        await fp.pause(0.3)
        await settle(follower, fp)
        assert "Update: accepted by the chair" in shown(follower)
        assert "Update: waiting for the chair" not in shown(follower)
