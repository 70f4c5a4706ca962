"""Minutes and the referral list name users as the users table does ("Terry Tester"),
never by their operating-system login ("tester"): the referrals made at the meeting,
the amendments, the referral list and its history. Logins are looked up in one query.
SQLite and PostgreSQL; the referral list by keys."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from jagtui.app import JagApp
from jagtui.export.minutes import export_minutes
from jagtui.screens.case_view import CaseScreen, open_case
from jagtui.screens.referrals import CaseReferralsScreen
from jagtui.store import cases, meetings, people, referrals, users
from jagtui.store.models import Amendment
from jagtui.store.user_names import display_names

from export_fixture import exports_cfg
from pilot_help import settle

TODAY = date(2026, 12, 4)


def seed(store, cfg) -> dict:
    with store.write() as session:
        users.add_user(session, store.login, "Terry Tester", agency="POLICE", role="admin")
        users.add_user(session, "dee1", "Dee Partner", agency="CBC-HOUSING", role="member")
        kyle = people.add_person(session, "Kyle Ashworth", beat="62")
        case = cases.open_case(session, case_type="victim", title="ASB", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, case.id, "victim", person_id=kyle.id, primary=True)
        held = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG", chair="Insp. X")
        item = meetings.add_item(session, held.id, "case", f"{case.reference} ASB",
                                 case_id=case.id)
        for service, by in (("MARAC", store.login), ("YOUTH", "dee1"), ("PREVENT", "gone9")):
            referrals.make_referral(
                session, cfg, TODAY, case_id=case.id, person_id=kyle.id, service=service,
                referred_on=TODAY, reason="Needs support", made_by=by,
                meeting_id=held.id, item_id=item.id)
        session.add(Amendment(meeting_id=held.id, text="Item 1: the date corrected"))
        session.flush()
        return {"meeting": held.id, "case": case.id}


def test_display_names_in_one_query(store):
    with store.write() as session:
        users.add_user(session, "tester", "Terry Tester", role="admin")
        users.add_user(session, "dee1", "Dee Partner")
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        with store.read() as session:
            names = display_names(session, ["tester", "dee1", "tester", "system", ""] * 50)
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    assert names == {"tester": "Terry Tester", "dee1": "Dee Partner", "system": "system", "": ""}
    assert len([s for s in statements if "users" in s]) == 1


def test_minutes_name_who_made_the_referrals(store, cfg, tmp_path):
    seeded = seed(store, cfg)
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    for redacted in (False, True):
        (md,) = export_minutes(store, ecfg, seeded["meeting"], redacted=redacted, formats=["md"])
        text = md.read_text(encoding="utf-8").replace("\\", "")
        made = text.split("REFERRALS MADE AT THIS MEETING")[1].split("##")[0]
        assert "| Terry Tester<br>" in made or "| Terry Tester |" in made, made
        assert "| Dee Partner" in made and "| gone9" in made  # no longer registered: the login
        assert f"| {store.login} " not in made and f"| {store.login}<br>" not in made


async def test_referral_list_names_who_made_it(store, cfg):
    seeded = seed(store, cfg)
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        open_case(app, seeded["case"])
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReferralsScreen)
        shown = []
        for _ in range(3):
            shown.append(app.screen.query_one("#referral-detail").render().plain)
            await pilot.press("down")
            await settle(app, pilot)
    joined = "\n".join(shown)
    assert "made 4 Dec 2026 by Terry Tester" in joined and "made (Terry Tester)" in joined
    assert "made 4 Dec 2026 by Dee Partner" in joined  # the steps were all written by tester
    assert f"by {store.login}" not in joined and f"({store.login})" not in joined


def test_minutes_name_who_amended_them(store, cfg, tmp_path):
    seeded = seed(store, cfg)
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    for redacted in (False, True):
        (md,) = export_minutes(store, ecfg, seeded["meeting"], redacted=redacted, formats=["md"])
        text = md.read_text(encoding="utf-8").replace("\\", "")
        assert "by Terry Tester: Item 1: the date corrected" in text
        assert f"by {store.login}:" not in text
