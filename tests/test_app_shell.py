"""The app shell driven by keys, as a chair would."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import DataTable

from jagtui.app import JagApp
from jagtui.screens.help import HelpScreen
from jagtui.store import cases, incidents, people

TODAY = date(2026, 11, 22)


def _seed(store, names):
    with store.write() as session:
        for n, name in enumerate(names):
            person = people.add_person(session, name, address=f"{n} Larkspur Close")
            case = cases.open_case(session, case_type="victim", title=name, subgroup="JAG",
                                   lead_agency="POLICE", opened_on=TODAY, beat="62")
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
            for k in range(n):
                incidents.add_incident(
                    session, occurred_on=TODAY - timedelta(days=k + 1), category="ASB-PERSONAL",
                    source="police", source_ref=f"R{n}-{k}", categories=["ASB-PERSONAL"],
                    people=[(person.id, "victim")])


async def _loaded(app, pilot):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one(DataTable)


def _column(table, key):
    return [str(table.get_cell(row_key, key)) for row_key in table.rows]


async def test_opens_on_the_case_list_and_searches_as_you_type(sqlite_store, cfg):
    _seed(sqlite_store, ["Ann Example", "Bob Sample", "Cat Specimen", "Dan Instance"])
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await _loaded(app, pilot)
        assert table.row_count == 4
        # Equal risk, so most harm first: Dan has 3 ASB incidents and meets the trigger.
        assert _column(table, "subject")[0] == "Dan Instance"
        assert "CT" in _column(table, "flags")[0]
        assert "CT" not in _column(table, "flags")[1]
        await pilot.press("slash", *"sample")
        table = await _loaded(app, pilot)
        assert _column(table, "subject") == ["Bob Sample"]
        await pilot.press("escape")
        table = await _loaded(app, pilot)
        assert table.row_count == 4


async def test_privacy_mode_shows_initials_only(sqlite_store, cfg):
    _seed(sqlite_store, ["Ann Example"])
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await _loaded(app, pilot)
        assert _column(table, "subject") == ["Ann Example"]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert _column(app.screen.query_one(DataTable), "subject") == ["A.E."]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert _column(app.screen.query_one(DataTable), "subject") == ["Ann Example"]


async def test_user_text_is_shown_literally(sqlite_store, cfg):
    _seed(sqlite_store, ["[bold]x[/] \x1b[31mred"])
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await _loaded(app, pilot)
        assert _column(table, "subject") == ["[bold]x[/] \\x1b[31mred"]


async def test_question_mark_lists_the_keys_and_escape_closes(sqlite_store, cfg):
    _seed(sqlite_store, ["Ann Example"])
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await _loaded(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


def _many(store, count):
    """Cases with a victim each and nothing else: quick to make, many of them."""
    with store.write() as session:
        for n in range(count):
            person = people.add_person(session, f"Person {n:03d}")
            case = cases.open_case(session, case_type="victim", title=f"Case {n:03d}", subgroup="JAG",
                                   lead_agency="POLICE", opened_on=TODAY, beat="62")
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)


def _status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_a_long_list_builds_rows_as_the_cursor_reaches_them(sqlite_store, cfg):
    _many(sqlite_store, 150)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _loaded(app, pilot)
        screen = app.screen
        assert len(screen.rows) == 150 and "150 open cases" in _status(app)
        assert table.row_count < 60  # a page or two, not every case
        last_built = table.row_count - 1  # out of view: its cells are made when read
        assert str(table.get_row_at(last_built)[0]) == screen.rows[last_built].reference
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert table.cursor_row > 40
        assert table.row_count > table.cursor_row + 20  # rows ahead of the cursor
        await pilot.press("end")  # the true last case, not the last row built so far
        assert table.row_count == 150 and table.cursor_row == 149
        assert str(table.get_row_at(149)[0]) == screen.rows[-1].reference
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("end", "up")
        chosen = screen.rows[148]
        assert screen.highlighted_id() == chosen.id
        # A search finds it; clearing the search is a change of the list like any other
        # (issue 11, defect 4): the whole list again, from its first row.
        await pilot.press("slash", *chosen.reference.lower())
        assert [row.id for row in screen.rows] == [chosen.id] and table.row_count == 1
        await pilot.press("escape")
        assert len(screen.rows) == 150 and table.cursor_row == 0
        assert screen.highlighted_id() == screen.rows[0].id


async def test_a_search_ignores_case_in_any_alphabet(sqlite_store, cfg):
    _seed(sqlite_store, ["Zoë Öztürk", "Łukasz Nowak", "Ann Example"])
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(120, 30)) as pilot:
        await _loaded(app, pilot)
        await pilot.press("slash", "ö")
        assert _column(app.screen.query_one(DataTable), "subject") == ["Zoë Öztürk"]
        await pilot.press("backspace", "ł", "u")
        assert _column(app.screen.query_one(DataTable), "subject") == ["Łukasz Nowak"]
        assert "search: łu" in _status(app)
