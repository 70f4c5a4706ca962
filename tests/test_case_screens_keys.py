"""Issue 11: the list and case screens outside the meeting, driven by keys alone,
on SQLite and PostgreSQL, each defect checked against what the database records."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.screens.case_view import CaseScreen
from jagtui.store import cases, people
from jagtui.store.models import AuditEntry

TODAY = date(2026, 12, 4)


def make_app(store, cfg) -> JagApp:
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0  # no background polling: the tests decide when things load
    return app


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def viewed_cases(store) -> list[int]:
    """The cases opened, in order, as the audit trail records each view."""
    with store.read() as session:
        return list(session.scalars(select(AuditEntry.case_id).where(AuditEntry.operation == "view")
                                    .order_by(AuditEntry.id)))


# -- 4. a search puts the cursor on the top match -------------------------------------

def seed_surnames(store) -> dict[str, int]:
    """Eight victim cases; three of the victims are called Hollis."""
    names = ["Ann Hollis", "Ben Archer", "Cara Hollis", "Dev Moss", "Eve Stone", "Fay Hollis",
             "Gus Reed", "Hal Brook"]
    found = {}
    with store.write() as session:
        for n, name in enumerate(names):
            person = people.add_person(session, name, beat="63")
            case = cases.open_case(session, case_type="victim", title=f"ASB, {name}",
                                   subgroup="JAG", lead_agency="POLICE", beat="63",
                                   opened_on=TODAY - timedelta(days=10 + n))
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
            found[name] = case.id
    return found


async def test_enter_after_a_search_opens_the_top_match_not_the_old_cursor_row(store, cfg):
    ids = seed_surnames(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "down")
        await pilot.press("slash", *"hollis")
        await settle(app, pilot)
        listing = app.screen
        matches = [row.id for row in listing.rows]
        assert sorted(matches) == sorted(ids[n] for n in ("Ann Hollis", "Cara Hollis", "Fay Hollis"))
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.case_id == matches[0]
    assert viewed_cases(store) == [matches[0]]


async def test_each_change_of_the_search_or_filter_starts_on_the_first_row(store, cfg):
    seed_surnames(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases")
        await pilot.press("slash", *"ho")
        await settle(app, pilot)
        await pilot.press("enter", "down", "down")
        assert table.cursor_row == 2
        await pilot.press("slash", "l")  # narrower: still on the top match
        await settle(app, pilot)
        assert table.cursor_row == 0
        await pilot.press("enter", "down", "escape")  # the search cleared: top again
        await settle(app, pilot)
        assert len(app.screen.rows) == 8 and table.cursor_row == 0
        await pilot.press("down", "down", "down")
        # Filter: not assessed (the risk list's last option), which all eight are: still a new filter.
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("tab", "tab", "tab", "enter", "end", "enter", "ctrl+s")
        await settle(app, pilot)
        assert len(app.screen.rows) == 8 and table.cursor_row == 0
        await pilot.press("down", "down", "f5")  # a reload of the same filter keeps the row
        await settle(app, pilot)
        assert table.cursor_row == 2
        await pilot.press("enter")
        await settle(app, pilot)
        opened = app.screen.case_id
    assert viewed_cases(store) == [opened]
