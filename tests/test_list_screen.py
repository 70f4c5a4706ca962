"""What the flags, escalation and actions screens share (``jagtui.screens.list_screen``),
driven by keys: a store error while loading is a notification and the list stays; a
resize redraws the table for the new width; coming back to the screen reloads it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import DataTable

from jagtui.app import JagApp
from jagtui.store import actions, cases, incidents, interventions, people
from jagtui.store.errors import StoreError
from pilot_help import settle

TODAY = date(2026, 11, 22)
# (nav key, screen, notification title, table, a column cut to fit at under 120 columns)
SCREENS = [
    ("2", "FlagsScreen", "Flags", "#flags", "subject"),
    ("3", "EscalationScreen", "Escalation", "#esc-cases", "subject"),
    ("4", "ActionsScreen", "Actions", "#actions", "text"),
]
LONG_PLACE = "Rosebery Park Recreation Ground"


def seed(store, cfg):
    """One row on each screen, with text longer than the narrow layout shows."""
    with store.write() as session:
        park = people.add_location(session, LONG_PLACE, beat="65")
        for n in range(5):
            incidents.add_incident(
                session, occurred_on=TODAY - timedelta(days=5 + 7 * n), category="THEFT",
                source="police", source_ref=f"PARK-{n}", categories=["THEFT"], location_id=park.id)
        person = people.add_person(session, "Maximilian Longname-Example", beat="62")
        case = cases.open_case(session, case_type="perpetrator", title="Maximilian ASB",
                               subgroup="YJAG", lead_agency="YOS", opened_on=TODAY - timedelta(90))
        cases.link_party(session, case.id, "perpetrator", person_id=person.id, primary=True)
        interventions.record_intervention(
            session, case_id=case.id, step="LETTER", steps=[s.key for s in cfg.ladder],
            issuing_agency="POLICE", issued_on=TODAY - timedelta(60),
            review_on=TODAY + timedelta(30), person_id=person.id)
        actions.add_action(session, ref="151026 Item 2",
                           text="Write to the landlord about the broken gate and the lighting",
                           owner="PC Dana Whitlow", owner_agency="POLICE",
                           due_on=TODAY + timedelta(14), case_id=case.id)
    return case.id


async def open_screen(app, pilot, key, name):
    await pilot.press(key)
    await settle(app, pilot)
    assert type(app.screen).__name__ == name


def errors(app) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications if n.severity == "error"]


@pytest.mark.parametrize(("key", "name", "title", "table", "column"), SCREENS,
                         ids=[screen[1] for screen in SCREENS])
async def test_a_store_error_while_loading_is_a_notification_and_the_list_stays(
        sqlite_store, cfg, monkeypatch, key, name, title, table, column):
    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot, key, name)
        screen = app.screen
        assert screen.query_one(table, DataTable).has_focus
        assert screen.query_one(table, DataTable).row_count >= 1

        def unavailable():
            raise StoreError("the database is unavailable (simulated)")

        monkeypatch.setattr(sqlite_store, "read", unavailable)
        await pilot.press("f5")
        await settle(app, pilot)
        assert errors(app) == [(title, "the database is unavailable (simulated)")]
        assert app.screen is screen
        assert screen.query_one(table, DataTable).row_count >= 1


@pytest.mark.parametrize(("key", "name", "title", "table", "column"), SCREENS,
                         ids=[screen[1] for screen in SCREENS])
async def test_a_resize_redraws_for_the_new_width(sqlite_store, cfg, key, name, title, table,
                                                 column):
    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot, key, name)
        narrow = app.screen.query_one(table, DataTable).columns[column].width
        await pilot.resize_terminal(140, 30)
        await settle(app, pilot)
        wide = app.screen.query_one(table, DataTable).columns[column].width
        assert narrow == 18 and wide > narrow


async def test_coming_back_reloads_what_changed_meanwhile(sqlite_store, cfg):
    case_id = seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_screen(app, pilot, "4", "ActionsScreen")
        assert app.screen.query_one("#actions", DataTable).row_count == 1
        await open_screen(app, pilot, "1", "CaseListScreen")
        with sqlite_store.write() as session:
            actions.add_action(session, ref="151026 Item 3", text="Check the gate again",
                               owner="Ann ASB", owner_agency="CBC-ASB",
                               due_on=TODAY + timedelta(21), case_id=case_id)
        await open_screen(app, pilot, "4", "ActionsScreen")
        assert app.screen.query_one("#actions", DataTable).row_count == 2


def seed_many(store, cfg, count):
    """``count`` rows on each screen: perpetrator cases, each with an intervention, an
    action and an overdue risk review."""
    from jagtui.store import risk

    with store.write() as session:
        for n in range(count):
            person = people.add_person(session, f"Person {n:03}", beat="62")
            case = cases.open_case(session, case_type="perpetrator", title=f"Case {n:03}",
                                   subgroup="JAG", lead_agency="POLICE",
                                   opened_on=TODAY - timedelta(90))
            cases.link_party(session, case.id, "perpetrator", person_id=person.id, primary=True)
            victim = people.add_person(session, f"Victim {n:03}", beat="62")  # whose risk is assessed
            cases.link_party(session, case.id, "victim", person_id=victim.id)
            interventions.record_intervention(
                session, case_id=case.id, step="LETTER", steps=[s.key for s in cfg.ladder],
                issuing_agency="POLICE", issued_on=TODAY - timedelta(60),
                review_on=TODAY + timedelta(30), person_id=person.id)
            actions.add_action(session, ref=f"A{n:03}", text=f"Action {n:03}", owner="PC Example",
                               owner_agency="POLICE", due_on=TODAY + timedelta(n), case_id=case.id)
            risk.record_assessment(session, cfg.risk, case_id=case.id, person_id=victim.id,
                                   assessed_on=TODAY - timedelta(40), assessor="PC Example",
                                   answers={"ongoing": 1}, review_due=TODAY - timedelta(12))


@pytest.mark.parametrize(("key", "name", "title", "table", "column"), SCREENS,
                         ids=[screen[1] for screen in SCREENS])
async def test_a_long_list_makes_the_rows_in_view_and_end_reaches_the_last(
        store, cfg, key, name, title, table, column):
    """The lists make the cells of the rows in view, not of every row (the stock table
    measured all 15,000 cells of the county's flags before the first frame): what is
    drawn still reaches the last row, and the panel below follows it."""
    from jagtui.screens.lazy_table import LazyTable

    seed_many(store, cfg, 70)
    app = JagApp(store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(100, 24)) as pilot:
        await open_screen(app, pilot, key, name)
        screen = app.screen
        lines = screen.query_one(table, LazyTable)
        assert len(screen.rows) == 70
        assert lines.row_count < 70 and len(lines._cells) <= 2 * 24  # a page or two made
        await pilot.press("end")
        await settle(app, pilot)
        assert lines.cursor_row == 69 and lines.row_count == 70
        assert screen.selected is screen.rows[-1] or screen.selected == screen.rows[-1]
        assert len(lines._cells) < 70  # the rows passed over were never drawn


READS = {"FlagsScreen": ("jagtui.screens.flags", "flag_board"),
         "EscalationScreen": ("jagtui.screens.escalation", "escalation_cases"),
         "ActionsScreen": ("jagtui.screens.actions", "action_rows")}


@pytest.mark.parametrize(("key", "name", "title", "table", "column"), SCREENS,
                         ids=[screen[1] for screen in SCREENS])
async def test_a_screen_opened_reads_its_rows_once(store, cfg, monkeypatch, key, name, title,
                                                   table, column):
    """Textual resumes a new screen as it opens (twice): that read the rows again beside
    the load started on mount, doubling the work of the first open and cancelling it.
    Coming back to the screen still reads them again; the case list only if changed."""
    import importlib

    from jagtui.screens import case_list

    module, function = READS[name]
    screen_module = importlib.import_module(module)
    reads = {"list": 0, "screen": 0}

    def counting(kind, original):
        def read(*args, **kwargs):
            reads[kind] += 1
            return original(*args, **kwargs)
        return read

    monkeypatch.setattr(case_list, "case_rows", counting("list", case_list.case_rows))
    monkeypatch.setattr(screen_module, function, counting("screen", getattr(screen_module, function)))
    seed(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert reads == {"list": 1, "screen": 0}  # the case list, once at start-up
        await open_screen(app, pilot, key, name)
        assert reads["screen"] == 1
        await pilot.press("1")
        await settle(app, pilot)
        await open_screen(app, pilot, key, name)  # back again: read again
        # The case list, unchanged meanwhile, is not read again (test_case_list_resume).
        assert reads["screen"] == 2 and reads["list"] == 1
