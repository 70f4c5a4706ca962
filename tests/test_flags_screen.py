"""The flags screen, driven by keys only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import DataTable, Static

from jagtui.app import JagApp
from jagtui.store import cases, incidents, people, risk
from pilot_help import settle

TODAY = date(2026, 11, 22)
CATS = ["ASB-PERSONAL", "ASB-NUISANCE", "THEFT"]


def _incident(session, days_ago, ref, person_id=None, location_id=None, hate=False,
              category="ASB-PERSONAL"):
    return incidents.add_incident(
        session, occurred_on=TODAY - timedelta(days=days_ago), category=category, source="police",
        source_ref=ref, categories=CATS, hate=hate, location_id=location_id,
        people=[(person_id, "victim")] if person_id else [])


def seed(store, cfg):
    """A fixed small board: a victim on a case one incident short of the trigger, a
    hate victim with no case, a repeat location and an overdue review."""
    with store.write() as session:
        ann = people.add_person(session, "Ann Example", address="1 Larkspur Close", beat="62")
        case = cases.open_case(session, case_type="victim", title="Ann Example household",
                               subgroup="JAG", lead_agency="POLICE", opened_on=TODAY - timedelta(60),
                               beat="62", reference="JAG-26-0001")
        cases.link_party(session, case.id, "victim", person_id=ann.id, primary=True)
        _incident(session, 120, "STORM-0412", ann.id)
        _incident(session, 30, "SEN-2201", ann.id)
        bob = people.add_person(session, "Bob [bold]Sample[/]", beat="65")
        _incident(session, 12, "HSG-0042", bob.id, hate=True, category="THEFT")
        park = people.add_location(session, "Rosebery Park", locality="Bell Foundry Estate",
                                   beat="65")
        for n in range(5):
            _incident(session, 5 + 7 * n, f"PARK-{n}", location_id=park.id, category="THEFT")
        cat = people.add_person(session, "Cat Overdue", beat="61")
        late = cases.open_case(session, case_type="victim", title="Cat Overdue", subgroup="AARG",
                               lead_agency="ASC", opened_on=TODAY - timedelta(90), beat="61",
                               reference="JAG-26-0002")
        cases.link_party(session, late.id, "victim", person_id=cat.id, primary=True)
        risk.record_assessment(session, cfg.risk, case_id=late.id, assessed_on=TODAY - timedelta(40),
                               assessor="PC Example", answers={"ongoing": 1, "targeted": 1,
                                                               "fear": 1, "health": 1},
                               review_due=TODAY - timedelta(12))
    return ann.id, case.id


def cells(app, column):
    table = app.screen.query_one("#flags", DataTable)
    return [str(table.get_cell(key, column)) for key in table.rows]


def detail(app):
    return str(app.screen.query_one("#flags-detail", Static).content)


async def test_an_added_incident_puts_the_victim_on_the_board_and_enter_opens_the_case(
        sqlite_store, cfg):
    ann_id, case_id = seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FlagsScreen"
        assert "Ann Example" not in cells(app, "subject")
        # The third ASB incident in six months arrives (e.g. from the case view or an import).
        with sqlite_store.write() as session:
            _incident(session, 2, "STORM-0999", ann_id)
        await pilot.press("1")
        await pilot.press("2")  # coming back reloads the board
        await settle(app, pilot)
        subjects = cells(app, "subject")
        assert "Ann Example" in subjects
        row = subjects.index("Ann Example")
        assert cells(app, "flag")[row] == "CT"
        assert cells(app, "case")[row] == "JAG-26-0001"
        assert cells(app, "reason")[row] == (
            "3 ASB incidents since 25 Jul 2026: refs STORM-0412, SEN-2201, STORM-0999")
        table = app.screen.query_one("#flags", DataTable)
        for _ in range(row):
            await pilot.press("down")
        await pilot.pause()
        assert "3 ASB incidents since 25 Jul 2026" in detail(app)
        assert "Rule: 3 ASB incidents in 6 months" in detail(app)
        assert table.cursor_row == row
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CaseScreen"
        assert app.screen.case_id == case_id


async def test_f_filters_by_kind_and_user_text_is_literal(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        assert cells(app, "flag") == ["CT", "RL", "OD"]
        assert cells(app, "subject") == ["Bob [bold]Sample[/]", "Rosebery Park", "Cat Overdue"]
        assert cells(app, "case") == ["no case yet", "no case yet", "JAG-26-0002"]
        assert cells(app, "reason")[2] == "Risk review was due on 10 Nov 2026: 12 days overdue"
        await pilot.press("f")
        assert cells(app, "flag") == ["CT"]
        await pilot.press("f")
        assert cells(app, "flag") == []
        assert "No repeat victim flags." in detail(app)
        await pilot.press("f", "f")
        assert cells(app, "flag") == ["OD"]
        await pilot.press("f")  # referrals awaiting an answer: none here
        assert cells(app, "flag") == []
        await pilot.press("f")  # ASB case reviews with a step overdue: none here
        assert cells(app, "flag") == []
        await pilot.press("f")
        assert cells(app, "flag") == ["CT", "RL", "OD"]


async def test_privacy_mode_masks_names_and_places(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert cells(app, "subject") == ["B.", "Bell Foundry Estate", "C.O."]
        assert "Bob" not in detail(app) and "B." in detail(app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert cells(app, "subject")[0] == "Bob [bold]Sample[/]"
        # Privacy switched on elsewhere is picked up when the screen comes back.
        await pilot.press("1", "ctrl+t", "2")
        await settle(app, pilot)
        assert cells(app, "subject")[0] == "B."


async def test_no_case_yet_offers_to_open_one_with_the_subject_filled_in(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(app, pilot)
        form = app.screen
        assert type(form).__name__ == "CaseForm"
        assert form.query_one("#subject").value.startswith("person:")
        assert form.query_one("#case_type").value == "victim"


async def test_a_viewer_cannot_open_a_case_from_the_board(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, role="viewer", today=lambda: TODAY)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "FlagsScreen"
        assert any("Your role (viewer) cannot" in n.message for n in app._notifications)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
@pytest.mark.parametrize("private", [False, True], ids=["names", "privacy"])
def test_flags_screen_snapshot(snap_compare, tmp_path, cfg, size, private):
    from jagtui.store.db import create_store

    store = create_store(f"sqlite:///{tmp_path / 'snap.db'}", "tester")
    seed(store, cfg)
    app = JagApp(store, cfg, today=lambda: TODAY)

    async def run_before(pilot):
        await pilot.press("2")
        await settle(pilot.app, pilot)
        if private:
            await pilot.press("ctrl+t")
            await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    try:
        assert snap_compare(app, run_before=run_before, terminal_size=size)
    finally:
        store.dispose()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_the_board_draws_exactly_as_datatable_would_its_long_reasons_cut(
        sqlite_store, cfg, size):
    """The board's lazy table draws its cells itself, cutting the reasons (wider than
    their column at 80 columns) with an ellipsis: exactly what DataTable draws."""
    from textual.geometry import Region

    from jagtui.screens.lazy_table import LazyTable

    seed(sqlite_store, cfg)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0

    def rendered(table):
        table._clear_caches()
        table._styles_cache.clear()
        return [[s for s in strip if s.text] for strip in table.render_lines(Region(0, 0, *table.size))]

    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one("#flags", LazyTable)
        assert table.row_count >= 3
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await pilot.pause()
            fast = rendered(table)
            table.__class__ = DataTable
            try:
                slow = rendered(table)
            finally:
                table.__class__ = LazyTable
            assert fast == slow
        if size[0] == 80:  # the reasons were cut: the quick path drew them
            assert any("…" in segment.text for strip in fast for segment in strip)
