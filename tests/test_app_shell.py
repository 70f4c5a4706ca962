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


async def test_a_long_list_shows_the_first_rows_and_m_shows_all(sqlite_store, cfg, monkeypatch):
    from jagtui.screens import case_list

    monkeypatch.setattr(case_list, "SHOWN_AT_ONCE", 2)
    _seed(sqlite_store, ["Ann Example", "Bob Sample", "Cat Specimen"])
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await _loaded(app, pilot)
        assert table.row_count == 2
        assert "m shows all" in str(app.screen.query_one("#status").render())
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 3
        # A search narrows the cases computed once, by ids from the database.
        await pilot.press("slash", *"bob")
        table = await _loaded(app, pilot)
        assert _column(table, "subject") == ["Bob Sample"]
