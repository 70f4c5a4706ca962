"""Each role can do exactly what it should: on the command line and in the app.

The matrices are generic where they can be: every top-level command must be in
``CLI`` (or explain in ``UNGUARDED`` why it needs no role), every NAV screen is
opened by every role through its key, and a viewer presses every key
of every screen (and of the case screen under Enter) without writing anything.
A screen or command added later is covered by the same tests.
"""

from __future__ import annotations

import html
import os
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel
from textual.widgets import DataTable

from jagtui import access, cli
from jagtui.app import JagApp
from jagtui.screens.nav import NAV
from jagtui.store.db import create_store
from jagtui.store.models import ROLES, AuditEntry, Person
from jagtui.store.users import add_user, get_user
from pilot_help import settle as _settle

TODAY = date(2026, 11, 22)
LOGIN = {role: f"{role}-user" for role in ROLES}

# Every command that touches data, with what it needs; {tmp} is a fresh folder.
CLI = [
    (["run"], "view"),
    (["follow"], "view"),
    (["users", "list"], "admin"),
    (["users", "add", "new-{role}", "--name", "New Person"], "admin"),
    (["audit", "export", "--output", "{tmp}/audit-{role}.csv"], "admin"),
    (["retention", "review"], "admin"),
    (["retention", "purge", "--yes"], "admin"),
    (["backup", "{tmp}/backup-{role}.db"], "admin"),
    (["export", "actions", "--all", "--format", "csv"], "export"),
    (["import", "incidents", "{tmp}/storm.csv", "--dry-run"], "import"),
]
UNGUARDED = {
    "demo": "builds a new database, registering whoever runs it as its admin",
    "db": "creates or upgrades the schema; reads no records",
    "config": "reads and writes configuration only",
    "restore": "restores into an empty place only, and checks the backup has an admin",
}
STORM = ("Incident No,Date/Time Reported,Call Type,Location\n"
         "S-1,01/11/2026 10:00,ASB - Nuisance,Market Street\n")


def _register_roles(store) -> None:
    with store.write() as session:
        for role, login in LOGIN.items():
            if get_user(session, login) is None:
                add_user(session, login, f"{role.title()} User", "POLICE", role)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, cfg):
    """The demo database (realistic data on every screen) with one user per role."""
    from jagtui.demo import build_demo

    path = tmp_path_factory.mktemp("roles") / "jag.db"
    store = create_store(f"sqlite:///{path}", LOGIN["admin"])
    build_demo(store, cfg, TODAY)
    _register_roles(store)
    store.dispose()
    return path


@pytest.fixture(scope="module")
def small_db(tmp_path_factory, cfg):
    """A few cases with something on every screen: quick to open many times."""
    from jagtui.store import actions, cases, incidents, interventions, meetings, people, risk

    path = tmp_path_factory.mktemp("roles-small") / "jag.db"
    store = create_store(f"sqlite:///{path}", LOGIN["admin"])
    _register_roles(store)
    categories = [c.key for c in cfg.categories]
    steps = [step.key for step in cfg.ladder]
    answers = {q.key: 1 if q.kind == "yn" else 3 for q in cfg.risk.questions}
    with store.write() as session:
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        for n, name in enumerate(("Ann Example", "Bob Sample", "Cat Specimen")):
            person = people.add_person(session, name, address=f"{n} Larkspur Close")
            case = cases.open_case(session, case_type="perpetrator" if n else "victim",
                                   title=name, subgroup="JAG", lead_agency="POLICE",
                                   opened_on=date(2026, 1, 5), beat="62")
            cases.link_party(session, case.id, "perpetrator" if n else "victim",
                             person_id=person.id, primary=True)
            for k in range(3):
                incidents.add_incident(session, occurred_on=date(2026, 11, 1 + k),
                                       category=categories[0], source="police",
                                       source_ref=f"R{n}-{k}", categories=categories,
                                       people=[(person.id, "perpetrator" if n else "victim")])
            if not n:  # the risk questionnaire is the victim's: never a perpetrator's
                risk.record_assessment(session, cfg.risk, case_id=case.id, person_id=person.id,
                                       assessed_on=date(2026, 10, 1), assessor="PC Example",
                                       answers=answers, review_due=date(2026, 11, 1))
            if n:
                done = interventions.record_intervention(
                    session, case_id=case.id, step=steps[0], steps=steps, issuing_agency="POLICE",
                    issued_on=date(2026, 6, 1), person_id=person.id)
                interventions.record_breach(session, done.id, date(2026, 7, 1))
            item = meetings.add_item(session, meeting.id, "case", case.reference, case_id=case.id)
            meetings.add_note(session, item.id, f"Discussed {name}")
            actions.add_action(session, ref=f"221126 Item {n + 1}", text=f"Visit {name}",
                               owner="PC Example", due_on=date(2026, 12, 1), case_id=case.id,
                               meeting_id=meeting.id, item_id=item.id)
    store.dispose()
    return path


def _table_counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in SQLModel.metadata.sorted_tables
            if table.name not in ("audit_log", "drafts")}


# --- The command line ---------------------------------------------------------------------------


def test_every_command_is_in_the_matrix():
    parser = cli.build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)
    assert commands == {argv[0] for argv, _ in CLI} | set(UNGUARDED)


@pytest.mark.parametrize("role", ROLES)
def test_cli_commands_follow_the_role(role, small_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(JagApp, "run", lambda self: None)
    monkeypatch.setattr("jagtui.identity.current_login", lambda: LOGIN[role])
    (tmp_path / "exports").mkdir(mode=0o700)
    config = tmp_path / "config.toml"
    config.write_text(f'[exports]\ndirectory = "{tmp_path / "exports"}"\n')
    (tmp_path / "storm.csv").write_text(STORM)
    umask = os.umask(0o077)
    try:
        for argv, permission in CLI:
            args = [part.format(role=role, tmp=tmp_path) for part in argv]
            status = cli.main([*args, "--db", str(small_db), "--config", str(config)])
            out, err = capsys.readouterr()
            if access.can(role, permission):
                assert status == 0, (role, args, err)
                assert "cannot" not in err
            else:
                assert status == 2, (role, args, out)
                assert err == (f"jagtui: {LOGIN[role]}: Your role ({role}) cannot "
                               f"{access.DOES[permission]}: that needs "
                               f"{', '.join(sorted(access.PERMISSIONS[permission]))}\n")
                assert out == ""
    finally:
        os.umask(umask)


def test_unknown_and_disabled_logins_are_refused_by_every_command(small_db, tmp_path, monkeypatch,
                                                                 capsys):
    from jagtui.store.users import set_active

    store = create_store(f"sqlite:///{small_db}", LOGIN["admin"])
    with store.write() as session:
        add_user(session, "gone-user", "Gone", "POLICE", "admin")
        set_active(session, "gone-user", False)
    store.dispose()
    umask = os.umask(0o077)
    try:
        for login, says in (("stranger", "is not registered"), ("gone-user", "is disabled")):
            monkeypatch.setattr("jagtui.identity.current_login", lambda login=login: login)
            for argv, _permission in CLI:
                args = [part.format(role="x", tmp=tmp_path) for part in argv]
                assert cli.main([*args, "--db", str(small_db)]) == 2, args
                out, err = capsys.readouterr()
                assert out == "" and err.startswith(f"jagtui: {login} {says} for jagtui: ")
                assert err.count("\n") == 1
    finally:
        os.umask(umask)


# --- The app ----------------------------------------------------------------------------------


def _app(path, cfg, role):
    store = create_store(f"sqlite:///{path}", LOGIN[role])
    app = JagApp(store, cfg, role=role, user_name=f"{role} user", today=lambda: TODAY)
    app.change_poll_seconds = 0
    seen: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        seen.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return store, app, seen


async def _home(app, pilot):
    while len(app.screen_stack) > 1:
        app.pop_screen()
    if app.current_mode != "cases":
        app.switch_mode("cases")
    await _settle(app, pilot)
    app.screen.query_one(DataTable).focus()


@pytest.mark.parametrize("role", ROLES)
async def test_nav_keys_and_palette_follow_the_role(role, small_db, cfg):
    store, app, seen = _app(small_db, cfg, role)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await _settle(app, pilot)
            palette = {command.title for command in app.get_system_commands(app.screen)}
            for entry in NAV:
                allowed = access.can(role, entry.permission)
                assert any(f"({entry.key})" in title and entry.title in title
                           for title in palette) == allowed, entry.name
                mode = app.current_mode
                app.screen.set_focus(None)  # the digit must not land in a search box
                seen.clear()
                await pilot.press(entry.key)
                await _settle(app, pilot)
                if allowed:
                    assert app.current_mode == entry.name, (role, entry.name, seen)
                else:
                    assert app.current_mode == mode, (role, entry.name)
                    assert any(f"Your role ({role}) cannot" in message for message in seen)
    finally:
        store.dispose()


@pytest.mark.parametrize("role", ["viewer", "restricted"])
async def test_pressing_n_for_a_new_case_is_refused_and_nothing_is_written(role, small_db, cfg):
    store, app, seen = _app(small_db, cfg, role)
    try:
        with store.read() as session:
            before = _table_counts(session)
        async with app.run_test(size=(120, 30)) as pilot:
            await _settle(app, pilot)
            await pilot.press("n")
            await _settle(app, pilot)
            assert seen == [f"Your role ({role}) cannot make changes: "
                            "that needs admin, chair, member"]
            assert len(app.screen_stack) == 1
        with store.read() as session:
            assert _table_counts(session) == before
    finally:
        store.dispose()


def _screen_keys(screen) -> list[str]:
    """The keys a screen itself binds (not the app's: quit, palette, navigation)."""
    app_keys = set(screen.app._bindings.key_to_bindings)
    keys = [key for key in screen._bindings.key_to_bindings if key not in app_keys]
    return [key for key in keys if key not in ("ctrl+q", "ctrl+c", "ctrl+p")]


async def _press_everything(app, pilot, entry) -> int:
    """Press each key of the screen, and of the screen Enter opens; returns how many."""
    pressed = 0

    async def back_to(depth: int) -> None:
        while len(app.screen_stack) > depth:
            app.pop_screen()
            await pilot.pause()

    app.switch_mode(entry.name)
    await _settle(app, pilot)
    base = len(app.screen_stack)
    for key in _screen_keys(app.screen):
        await pilot.press(key)
        await _settle(app, pilot)
        pressed += 1
        if key == "enter" and len(app.screen_stack) > base and not app.screen.is_modal:
            for inner in _screen_keys(app.screen):
                await pilot.press(inner)
                await _settle(app, pilot)
                pressed += 1
                await back_to(base + 1)
        await back_to(base)
    return pressed


def _visible_text(app) -> str:
    svg = app.export_screenshot()
    text = html.unescape(re.sub(r"<[^>]+>", "\n", svg)).replace("\xa0", " ")
    cells = [str(cell) for table in app.screen.query(DataTable)
             for row in range(table.row_count) for cell in table.get_row_at(row)]
    return text + "\n".join(cells)


async def test_a_viewer_writes_nothing_whatever_they_press(small_db, cfg):
    """Restricted viewers have the same (no) write permissions, and the same checks."""
    role = "viewer"
    store, app, seen = _app(small_db, cfg, role)
    try:
        with store.read() as session:
            before = _table_counts(session)
            last_audit = session.scalar(select(func.max(AuditEntry.id)))
        async with app.run_test(size=(120, 30)) as pilot:
            await _settle(app, pilot)
            pressed = 0
            for entry in NAV:
                if access.can(role, entry.permission):
                    pressed += await _press_everything(app, pilot, entry)
        assert pressed > 20
        assert any("cannot make changes" in message for message in seen)
        with store.read() as session:
            assert _table_counts(session) == before
            written = set(session.scalars(select(AuditEntry.operation)
                                          .where(AuditEntry.id > last_audit)))
        # Reading, and the refusals themselves (issue 13: what was refused is audited).
        assert written <= {"view", "search", "refused"} and "refused" in written, written
    finally:
        store.dispose()


async def test_restricted_sees_initials_only_everywhere_and_cannot_turn_privacy_off(demo_db, cfg):
    store, app, seen = _app(demo_db, cfg, "restricted")
    with store.read() as session:
        names = [name for name in session.scalars(select(Person.name)) if " " in name]
        addresses = [a for a in session.scalars(select(Person.address)) if len(a) > 8]
    assert len(names) > 50
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await _settle(app, pilot)
            assert app.private
            await pilot.press("ctrl+t")
            await _settle(app, pilot)
            assert app.private and "Your role sees initials only" in seen
            for entry in NAV:
                if not access.can("restricted", entry.permission):
                    continue
                app.switch_mode(entry.name)
                await _settle(app, pilot)
                screens = [app.screen]
                if entry.name == "cases":
                    await pilot.press("enter")  # a case file too
                    await _settle(app, pilot)
                    screens.append(app.screen)
                shown = _visible_text(app)
                leaked = [name for name in names + addresses if name in shown]
                assert leaked == [], (entry.name, leaked[:5])
                await _home(app, pilot)
    finally:
        store.dispose()
