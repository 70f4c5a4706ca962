"""No key, worker or database error ends the session (issue 11).

Each test injects a fault holding personal data (in its message and in a local
variable, as a real one would) and checks, by keys alone, that the app goes on,
the user gets one line, what was typed is kept, the database ends as the chair
meant, and the personal data reaches neither the terminal nor the 0600 log.
"""

from __future__ import annotations

import stat

import pytest
from sqlalchemy.exc import InterfaceError
from textual.widgets import Input, Tree

from jagtui.app import JagApp
from jagtui.errorlog import default_error_log, describe, write_log
from jagtui.screens.forms.base import FormScreen
from jagtui.screens.forms.plan_update import PlanUpdateForm
from jagtui.screens.plan import PlanScreen
from jagtui.store import plan

from meeting_data import TODAY, seed
from pilot_help import settle

VICTIM = "Jane Testvictim"
ADDRESS = "12 Acacia Road"
BORN = "1981-04-02"
PERSONAL = (VICTIM, ADDRESS, BORN, "Testvictim", "Acacia")


def _fault(kind=RuntimeError):
    victim_name, victim_address, victim_born = VICTIM, ADDRESS, BORN  # locals Textual would print
    if kind is InterfaceError:
        raise InterfaceError(f"UPDATE people SET name='{victim_name}'",
                               {"address": victim_address, "born": victim_born},
                               Exception("server closed the connection unexpectedly"))
    raise kind(f"{victim_name}, {victim_address}, born {victim_born}")


def _app(store, cfg, tmp_path):
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    app.error_log = tmp_path / "logs" / "errors.log"
    app.reraise_errors = False
    return app


async def _plan(app, pilot) -> PlanScreen:
    await settle(app, pilot)
    await pilot.press("6")
    await settle(app, pilot)
    tree = app.screen.query_one("#plan", Tree)
    while tree.cursor_node is None or tree.cursor_node.data is None:
        await pilot.press("down")
    return app.screen


def _said(app) -> list[str]:
    return [n.message for n in app._notifications]


def _check_logged_without_personal_data(app, capsys) -> str:
    log = app.error_log
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    out = capsys.readouterr()
    for word in PERSONAL:
        assert word not in text
        assert word not in out.out and word not in out.err
        assert all(word not in message for message in _said(app))
    assert not app._exit_renderables  # Textual's crash report (with locals) never made
    assert "test_failsafe:_fault" in text  # where it happened: module, function, line
    return text


def _updates(store):
    with store.read() as session:
        (line, *_rest) = plan.plan_lines(session)
    return [(u.status, u.text) for u in line.updates]


async def test_a_failing_key_leaves_the_session_running(store, cfg, tmp_path, monkeypatch, capsys):
    seed(store, cfg)
    monkeypatch.setattr(PlanScreen, "action_reload", lambda self: _fault())
    app = _app(store, cfg, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _plan(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.is_running and app.return_code is None and app.screen is screen
        assert any("Something went wrong (RuntimeError)" in m and "kept" in m for m in _said(app))
        text = _check_logged_without_personal_data(app, capsys)
        assert "RuntimeError" in text and "jagtui.screens" not in text.split("RuntimeError")[0]
        # The same screen still takes keys: the update is made and saved.
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press(*"Diversion funded", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
    assert _updates(store) == [("not started", "Diversion funded")]


async def test_a_failing_save_keeps_the_form_and_what_was_typed(store, cfg, tmp_path, monkeypatch,
                                                                capsys):
    seed(store, cfg)
    real = plan.set_update
    monkeypatch.setattr(plan, "set_update", lambda *args, **kwargs: _fault(InterfaceError))
    app = _app(store, cfg, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _plan(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press(*"Two projects running", "ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, PlanUpdateForm) and app.is_running
        assert form.query_one("#progress", Input).value == "Two projects running"
        assert any("database did not answer" in m and "kept" in m for m in _said(app))
        assert "Not saved" in str(form.query_one("#form-status").content)
        _check_logged_without_personal_data(app, capsys)
        # The database is back: the same ctrl+s saves what was typed.
        monkeypatch.setattr(plan, "set_update", real)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
    assert _updates(store) == [("not started", "Two projects running")]


async def test_a_failing_handler_does_not_stop_its_screen(store, cfg, tmp_path, monkeypatch, capsys):
    seed(store, cfg)
    calls = []

    def value_changed(self, widget):
        calls.append(widget.id)
        if len(calls) == 3:
            _fault(KeyError)

    monkeypatch.setattr(FormScreen, "value_changed", value_changed)
    app = _app(store, cfg, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _plan(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press(*"Funded", "ctrl+s")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, PlanScreen)
        assert any("Something went wrong (KeyError)" in m for m in _said(app))
        _check_logged_without_personal_data(app, capsys)
    assert _updates(store) == [("not started", "Funded")]


async def test_a_failing_worker_is_reported_and_the_next_load_works(store, cfg, tmp_path,
                                                                    monkeypatch, capsys):
    import jagtui.screens.plan as plan_screen

    seed(store, cfg)
    app = _app(store, cfg, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _plan(app, pilot)
        real = plan_screen.plan_tree
        monkeypatch.setattr(plan_screen, "plan_tree", lambda session, **_: _fault(InterfaceError))
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.is_running and app.screen is screen
        assert any("database did not answer" in m for m in _said(app))
        _check_logged_without_personal_data(app, capsys)
        monkeypatch.setattr(plan_screen, "plan_tree", real)
        await pilot.press("f5", "u")
        await settle(app, pilot)
        await pilot.press(*"Reloaded", "ctrl+s")
        await settle(app, pilot)
    assert _updates(store) == [("not started", "Reloaded")]


async def test_an_unexpected_error_still_fails_a_test(sqlite_store, cfg, tmp_path, monkeypatch):
    """The suite keeps its teeth: by default the first error is raised when run_test ends."""
    seed(sqlite_store, cfg)
    monkeypatch.setattr(PlanScreen, "action_reload", lambda self: _fault())
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    app.error_log = tmp_path / "errors.log"
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await _plan(app, pilot)
            await pilot.press("f5")
            await settle(app, pilot)
            assert app.is_running


def test_the_log_is_owner_only_and_holds_no_message(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_error_log().is_relative_to(tmp_path / "data")
    path = tmp_path / "errors.log"
    path.write_text("older\n")
    path.chmod(0o644)
    try:
        try:
            _fault(KeyError)
        except KeyError as inner:
            raise ValueError("while saving " + VICTIM) from inner
    except ValueError as error:
        lines = describe(error)
    assert write_log(path, lines)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "ValueError" in text and "caused by KeyError" in text
    assert all(word not in text for word in PERSONAL)


def test_the_command_says_one_line_and_logs_where(tmp_path, monkeypatch, capsys):
    from jagtui import cli
    from jagtui.commands import run

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(run, "run", lambda args, cfg: _fault(AttributeError))
    monkeypatch.setattr("jagtui.files.private_umask", lambda: 0o022)  # the test process's umask stays
    assert cli.main(["--db", str(tmp_path / "x.db")]) == cli.EXIT_ERROR
    out = capsys.readouterr()
    assert "unexpected error (AttributeError)" in out.err and "errors.log" in out.err
    log = tmp_path / "data" / "jagtui" / "errors.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text() + out.out + out.err
    assert "test_failsafe:_fault" in text and all(word not in text for word in PERSONAL)
