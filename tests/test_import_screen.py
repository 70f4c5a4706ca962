"""The Import screen, driven by keys as an ASB officer would at the meeting."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from textual.widgets import DataTable, Input, Static

from import_data import SENTINEL, STORM, TODAY
from jagtui.app import JagApp
from jagtui.screens.import_screen import ImportScreen, complete_path
from jagtui.store import cases, incidents, people
from jagtui.store.models import Incident
from pilot_help import settle


def incident_count(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Incident))


def summary(app) -> str:
    return str(app.screen.query_one("#import-summary", Static).content)


def column(app, table_id, key) -> list[str]:
    table = app.screen.query_one(table_id, DataTable)
    return [str(table.get_cell(row, key)) for row in table.rows]


async def open_and_check(app, pilot, path, *, mapping_keys=()):
    await pilot.press("7")
    await settle(app, pilot)
    assert isinstance(app.screen, ImportScreen)
    await pilot.press("p")  # into the path box
    app.screen.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_check_then_import_and_the_case_list_shows_the_trigger(sqlite_store, cfg):
    with sqlite_store.write() as session:
        ann = people.add_person(session, "Ann Example", date_of_birth=date(1950, 3, 1))
        case = cases.open_case(session, case_type="victim", title="Ann Example household",
                               subgroup="JAG", lead_agency="CBC-ASB",
                               opened_on=TODAY - timedelta(days=90), beat="63")
        cases.link_party(session, case.id, "victim", person_id=ann.id, primary=True)
        incidents.add_incident(session, occurred_on=date(2026, 8, 30), category="NOISE",
                               source="council", source_ref="CBC-1", categories=["NOISE"],
                               people=[(ann.id, "victim")])
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "CT" not in column(app, "#cases", "flags")[0]
        await open_and_check(app, pilot, SENTINEL)
        assert "5 rows: 5 would be created" in summary(app)
        assert "sentinel (Sentinel ASB case extract)" in summary(app)
        assert incident_count(sqlite_store) == 1  # checking writes nothing
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Import 5 new and 0 updated incidents from sentinel.csv?" in str(
            app.screen.query_one(Static).content)
        await pilot.press("y")
        await settle(app, pilot)
        assert incident_count(sqlite_store) == 6
        assert "Imported. Cases and flags include these incidents now." in summary(app)
        await pilot.press("1")
        await settle(app, pilot)
        assert "CT" in column(app, "#cases", "flags")[0]


async def test_problems_are_listed_by_row_and_column(sqlite_store, cfg, tmp_path):
    path = tmp_path / "storm.csv"
    path.write_text(STORM.read_text().replace("Criminal Damage", "[bold]Alien[/] landing"))
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_check(app, pilot, path)
        assert column(app, "#import-problems", "row") == ["4"]
        assert column(app, "#import-problems", "column") == ["Call Type"]
        assert column(app, "#import-problems", "problem")[0].startswith(
            "unknown category '[bold]Alien[/] landing'")  # shown literally
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "1 row has problems and will be skipped" in str(app.screen.query_one(Static).content)
        await pilot.press("n")
        await settle(app, pilot)
        assert incident_count(sqlite_store) == 0


async def test_a_possible_match_is_confirmed_with_y(sqlite_store, cfg, tmp_path):
    with sqlite_store.write() as session:
        ann = people.add_person(session, "Ann Example", date_of_birth=date(1950, 3, 1))
    path = tmp_path / "sentinel.csv"
    path.write_text(SENTINEL.read_text().replace("Ann Example,01/03/1950", "Anne Example,01/03/1950"))
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_check(app, pilot, path)
        assert column(app, "#import-matches", "key") == ["2"]
        assert column(app, "#import-matches", "decision") == ["undecided"]
        assert column(app, "#import-matches", "candidate")[0].startswith(
            f"{ann.id}: Ann Example, born 1 Mar 1950")
        await pilot.press("ctrl+t")  # privacy: initials only
        await pilot.pause()
        assert column(app, "#import-matches", "candidate")[0] == f"{ann.id}: A.E."
        await pilot.press("ctrl+t", "y")
        await pilot.pause()
        assert column(app, "#import-matches", "decision") == ["same person: link"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
    with sqlite_store.read() as session:
        linked = session.scalar(select(Incident).where(Incident.source_ref == "SEN-2026-0481"))
        assert [(p.id, role) for p, role in incidents.people_of_incident(session, linked.id)
                if role == "victim"] == [(ann.id, "victim")]


async def test_an_unreadable_file_is_explained_on_screen(sqlite_store, cfg, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_and_check(app, pilot, path)
        assert column(app, "#import-problems", "problem") == ["The file is empty"]
        assert "This file cannot be imported as it stands" in summary(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)  # no confirmation offered


async def test_a_viewer_cannot_open_the_import_screen(sqlite_store, cfg):
    app = JagApp(sqlite_store, cfg, role="viewer", today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("7")
        await settle(app, pilot)
        assert not isinstance(app.screen, ImportScreen)


def test_paths_complete_to_folders_and_extracts(tmp_path):
    (tmp_path / "extracts").mkdir()
    (tmp_path / "extracts" / "storm-q3.csv").write_text("x")
    (tmp_path / "extracts" / "notes.docx").write_text("x")
    base = str(tmp_path)
    assert complete_path(f"{base}/ext") == f"{base}/extracts/"
    assert complete_path(f"{base}/extracts/") == f"{base}/extracts/storm-q3.csv"
    assert complete_path(f"{base}/extracts/no") is None
    assert complete_path(f"{base}/missing/x") is None
    assert complete_path("") is None


async def test_digits_go_to_other_screens_until_the_path_box_is_opened(store, cfg):
    """Arriving does not put the cursor in the path box: 1-9 still go to the screens;
    p opens the box, where digits are typed; Esc leaves it, and the digits navigate."""
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("7")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        path = screen.query_one("#import-path", Input)
        assert not path.has_focus
        await pilot.press("1")
        await settle(app, pilot)
        assert app.current_mode == "cases"
        await pilot.press("7")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("p", *str(SENTINEL)[:-4], "1")
        assert path.has_focus and path.value == str(SENTINEL)[:-4] + "1"  # typing: digits go in
        await pilot.press("backspace", *".csv")
        assert path.value == str(SENTINEL)
        await pilot.press("escape")
        assert not path.has_focus and app.screen is screen
        await pilot.press("2")
        await settle(app, pilot)
        assert app.current_mode == "flags"
        await pilot.press("7", "p", "enter")  # the typed path is still there: check it
        await settle(app, pilot)
        assert "5 rows: 5 would be created" in summary(app)
        assert not path.has_focus  # checked: out of the box, keys work
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
    assert incident_count(store) == 5


def _audited_imports(store) -> list[dict]:
    from jagtui.store.models import AuditEntry

    with store.read() as session:
        return [e.detail for e in session.scalars(
            select(AuditEntry).where(AuditEntry.operation == "import").order_by(AuditEntry.id))]


async def test_a_device_typed_on_the_screen_is_refused_and_every_check_is_audited(store, cfg, tmp_path):
    """Typed with keys: /dev/zero is refused at once (not read into memory), a file with a
    mapping that does not fit shows none of its content, and each check is audited."""
    secret = tmp_path / "app.toml"
    secret.write_text('password = "hunter2"\n')
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("7")
        await settle(app, pilot)
        await pilot.press("p", *"/dev/zero", "enter")
        await settle(app, pilot)
        assert column(app, "#import-problems", "problem") == [
            "/dev/zero is a device: only a regular CSV or .xlsx file can be imported"]
        assert "This file cannot be imported as it stands" in summary(app)
        path = app.screen.query_one("#import-path", Input)
        await pilot.press("p", "end", *["backspace"] * len(path.value), *str(secret), "enter")
        await settle(app, pilot)
        shown = summary(app) + " ".join(column(app, "#import-problems", "problem"))
        assert "hunter2" not in shown and "password" not in shown
        await pilot.press("p", "end", *["backspace"] * len(path.value), *str(STORM), "enter")
        await settle(app, pilot)
        assert "6 rows: 6 would be created" in summary(app)
    audited = _audited_imports(store)
    assert [(a["path"], a["outcome"].split(":")[0]) for a in audited] == [
        ("/dev/zero", "refused"), (str(secret), "not imported"), (str(STORM), "dry run")]
    assert audited[2]["size"] == STORM.stat().st_size
    assert incident_count(store) == 0


def test_paths_complete_only_inside_the_allowed_folders(tmp_path):
    (tmp_path / "extracts").mkdir()
    (tmp_path / "extracts" / "storm-q3.csv").write_text("x")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "passwords.csv").write_text("x")
    allowed = (f"{tmp_path}/extracts",)
    base = str(tmp_path)
    assert complete_path(f"{base}/extracts/", allowed) == f"{base}/extracts/storm-q3.csv"
    assert complete_path(f"{base}/private/", allowed) is None  # nothing listed outside
    assert complete_path(f"{base}/pri", allowed) is None
    assert complete_path(f"{base}/ex", allowed) == f"{base}/extracts/"  # the way in
