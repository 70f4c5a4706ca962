"""The referral form by keys, on SQLite and PostgreSQL: Tab and Enter go Person →
Service → Reason; letters on the service choose it (as every other list in a
form); the "Not saved" line goes once what it named is put right."""

from __future__ import annotations

from jagtui.screens.case_view import CaseScreen, open_case
from jagtui.screens.forms.referral import ReferralForm
from jagtui.screens.referrals import CaseReferralsScreen
from pilot_help import settle
from test_referrals_screens import make_app, referral_rows, seed


def focused_id(app) -> str | None:
    return app.screen.focused.id if app.screen.focused else None


async def open_form(app, pilot, case_id):
    open_case(app, case_id)
    await settle(app, pilot)
    await pilot.press("o")  # the list's R: nobody chosen yet, focus on Person
    await settle(app, pilot)
    assert isinstance(app.screen, CaseReferralsScreen)
    await pilot.press("R")
    await settle(app, pilot)
    assert isinstance(app.screen, ReferralForm)


async def test_tab_and_enter_go_person_service_reason(store, cfg):
    case_id, victim_id, son_id = seed(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_form(app, pilot, case_id)
        assert focused_id(app) == "person"
        await pilot.press("down", "tab")
        await settle(app, pilot)
        assert focused_id(app) == "service"
        await pilot.press("tab")
        await settle(app, pilot)
        assert focused_id(app) == "reason"
        await pilot.press("shift+tab", "shift+tab")
        await settle(app, pilot)
        assert focused_id(app) == "person"
        # Enter on the person moves on to the service, its list closed: letters choose.
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert focused_id(app) == "service"
        assert not app.screen.query_one("#service").expanded
        await pilot.press(*"Youth")
        await settle(app, pilot)
        assert app.screen.query_one("#service").value == "YOUTH"
        await pilot.press("tab")
        await settle(app, pilot)
        assert focused_id(app) == "reason"
        await pilot.press(*"Missing school", "ctrl+s")
        await settle(app, pilot)
    (row,) = referral_rows(store)
    assert (row.person_id, row.service, row.reason) == (son_id, "YOUTH", "Missing school")


async def test_the_not_saved_line_goes_once_the_service_is_chosen(store, cfg):
    case_id, victim_id, son_id = seed(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_form(app, pilot, case_id)
        await pilot.press("down", "enter", "ctrl+s")
        await settle(app, pilot)
        status = app.screen.query_one("#form-status")
        assert status.render().plain == "Not saved: Choose the service referred to"
        assert focused_id(app) == "service"
        await pilot.press(*"Youth")
        await settle(app, pilot)
        # The service is put right: the line names what is still missing instead.
        assert status.render().plain == "Not saved: Say why: the reason for the referral"
        assert "Choose the service" not in app.screen.query_one("#service-msg").render().plain
        app.screen.query_one("#reason").focus()
        await pilot.press(*"Truanting")
        await settle(app, pilot)
        assert status.render().plain == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReferralsScreen)
    assert [r.service for r in referral_rows(store)] == ["YOUTH"]


async def test_a_second_open_referral_is_refused_in_plain_words(store, cfg):
    from datetime import timedelta

    from jagtui.store import referrals
    from test_referrals_screens import TODAY

    case_id, victim_id, son_id = seed(store)
    with store.write() as session:
        referrals.make_referral(session, cfg, TODAY, case_id=case_id, person_id=son_id,
                                service="YOUTH", referred_on=TODAY - timedelta(days=2),
                                reason="First", made_by="tester")
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_form(app, pilot, case_id)
        await pilot.press("down", "down", "enter", *"Youth", "tab", *"Again", "ctrl+s")
        await settle(app, pilot)
        said = app.screen.query_one("#form-status").render().plain
        assert isinstance(app.screen, ReferralForm)  # kept open with what was typed
        assert said == ("Not saved: Kyle Whitlock already has a referral to Youth offending / "
                        "youth justice prevention (made 2 Dec 2026, no answer yet): update "
                        "that one instead"), said
        assert "made, made" not in said
    assert len(referral_rows(store)) == 1


async def test_the_list_shows_the_follow_up_date_at_80_columns_overdue_marked(store, cfg):
    from datetime import timedelta

    from jagtui.store import referrals
    from test_case_screens_keys import screen_text
    from test_referrals_screens import TODAY

    case_id, victim_id, son_id = seed(store)
    crimex = next(s for s in cfg.referrals.services if s.name.startswith("County criminal"))
    with store.write() as session:
        referrals.make_referral(session, cfg, TODAY, case_id=case_id, person_id=son_id,
                                service=crimex.key, referred_on=TODAY - timedelta(days=30),
                                follow_up_on=TODAY - timedelta(days=16), reason="Late one",
                                made_by="tester")
        referrals.make_referral(session, cfg, TODAY, case_id=case_id, person_id=victim_id,
                                service="YOUTH", referred_on=TODAY - timedelta(days=1),
                                reason="In time", made_by="tester")
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        open_case(app, case_id)
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReferralsScreen)
        text = screen_text(app)
        lines = text.splitlines()
        assert max(len(line.rstrip()) for line in lines) <= 80
        assert any("Follow up" in line for line in lines), text
        late = next(line for line in lines if "Late one" in line or "!18 Nov 2026" in line)
        assert "!18 Nov 2026" in late and "AWAITING" in late, late
        due = next(line for line in lines if "17 Dec 2026" in line)
        assert "!17 Dec 2026" not in due and "made" in due, due
