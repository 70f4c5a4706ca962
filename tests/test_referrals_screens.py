"""Referrals from the case view, by keys alone, on SQLite and PostgreSQL: R refers the
person in focus, o lists the case's referrals, Enter moves one on; a clash is shown;
hostile text in the reason is kept as typed and shown literally."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from jagtui.app import JagApp
from jagtui.screens.case_view import CaseScreen, open_case
from jagtui.screens.forms.clash import ClashScreen
from jagtui.screens.forms.referral import ReferralForm, ReferralUpdateForm
from jagtui.screens.referrals import CaseReferralsScreen
from jagtui.store import cases, people, referrals, users
from jagtui.store.models import AuditEntry
from jagtui.store.referral_tables import Referral, ReferralStep
from pilot_help import settle

TODAY = date(2026, 12, 4)
REASON = "Zoë O'Brien-Łukasz \x1b[31m[bold]coerced[/]\x1b[0m \u202eevil\u202c by cousin"


def make_app(store, cfg, role="member") -> JagApp:
    app = JagApp(store, cfg, role=role, today=lambda: TODAY)
    app.change_poll_seconds = 0
    return app


def seed(store) -> tuple[int, int, int]:
    with store.write() as session:
        users.add_user(session, "tester", "Terry Tester", agency="CBC-HOUSING", role="member")
        victim = people.add_person(session, "Dana Whitlock", beat="63")
        son = people.add_person(session, "Kyle Whitlock", beat="63",
                                date_of_birth=date(2011, 3, 1))
        case = cases.open_case(session, case_type="victim", title="ASB at Ash Row",
                               subgroup="JAG", lead_agency="POLICE", beat="63",
                               opened_on=TODAY - timedelta(days=40))
        cases.link_party(session, case.id, "victim", person_id=victim.id, primary=True)
        cases.link_party(session, case.id, "household member", person_id=son.id)
        return case.id, victim.id, son.id


def referral_rows(store):
    with store.read() as session:
        return session.execute(select(
            Referral.person_id, Referral.service, Referral.status, Referral.reason,
            Referral.made_by, Referral.made_by_agency, Referral.referred_on,
            Referral.follow_up_on, Referral.outcome, Referral.meeting_id)
            .order_by(Referral.id)).all()


async def test_refer_the_person_in_focus_then_move_it_on(store, cfg):
    case_id, victim_id, son_id = seed(store)
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        open_case(app, case_id)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        # The son is in focus on the People tab: R refers him.
        await pilot.press("down", "R")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ReferralForm)
        # Focus starts on the service: type its first letters.
        await pilot.press(*"Youth")
        app.screen.query_one("#reason").focus()
        await pilot.pause()
        await pilot.press(*"Missing school; ")
        app.screen.query_one("#reason").insert_text_at_cursor(REASON)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        (row,) = referral_rows(store)
        assert row.person_id == son_id and row.service == "YOUTH" and row.status == "made"
        # Kept in its order, the escapes as visible symbols (the app never stores them raw).
        assert row.reason.startswith("Missing school; Zoë O'Brien-Łukasz ")
        assert "[bold]coerced[/]" in row.reason and row.reason.endswith(" by cousin")
        assert not any(ch in row.reason for ch in ("\x1b", "\u202e"))
        assert (row.made_by, row.made_by_agency) == ("tester", "CBC-HOUSING")
        assert row.referred_on == TODAY and row.follow_up_on == TODAY + timedelta(days=14)

        # o lists it; the reason shows literally (no markup run, no raw escapes).
        await pilot.press("o")
        await settle(app, pilot)
        listing = app.screen
        assert isinstance(listing, CaseReferralsScreen)
        shown = listing.query_one("#referral-detail").render().plain
        assert "[bold]coerced[/]" in shown and "\x1b" not in shown and "\u202e" not in shown
        # Enter: accepted.
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReferralUpdateForm)
        await pilot.press(*"Accepted")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert referral_rows(store)[0].status == "accepted"
        # Closing without an outcome is refused in words; with one it closes.
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*"Closed", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ReferralUpdateForm)
        assert "needs its outcome" in app.screen.query_one("#form-status").render().plain
        app.screen.query_one("#outcome").value = "Engaged with YOS prevention"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReferralsScreen)
        row = referral_rows(store)[0]
        assert (row.status, row.outcome) == ("closed", "Engaged with YOS prevention")
    with store.read() as session:
        steps = session.scalars(select(ReferralStep.status).order_by(ReferralStep.id)).all()
        audited = session.scalars(select(AuditEntry.operation).where(
            AuditEntry.table_name == "referrals").order_by(AuditEntry.id)).all()
    assert steps == ["made", "accepted", "closed"]
    assert audited == ["create", "update", "update"]


async def test_an_update_someone_else_saved_first_is_shown_as_a_clash(store, cfg):
    case_id, victim_id, _son = seed(store)
    with store.write() as session:
        rid = referrals.make_referral(
            session, cfg, TODAY, case_id=case_id, person_id=victim_id, service="MARAC",
            referred_on=TODAY - timedelta(days=3), reason="DASH 16", made_by="tester").id
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        open_case(app, case_id)
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        # Meanwhile Bob records that MARAC declined it.
        with store.write() as session:
            session.info["login"] = "bob"
            referrals.change_referral(session, TODAY, rid, 1, status="declined", on=TODAY)
        await pilot.press(*"Accepted", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClashScreen)
    with store.read() as session:
        assert session.get(Referral, rid).status == "declined"


async def test_no_one_may_refer_without_the_edit_role(store, cfg):
    case_id, *_ = seed(store)
    app = make_app(store, cfg, role="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        open_case(app, case_id)
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
    assert referral_rows(store) == []


async def test_the_restricted_role_sees_the_reason_masked(store, cfg):
    case_id, victim_id, son_id = seed(store)
    with store.write() as session:
        referrals.make_referral(
            session, cfg, TODAY, case_id=case_id, person_id=son_id, service="YOUTH",
            referred_on=TODAY - timedelta(days=3), made_by="tester",
            reason="Kyle Whitlock seen with Dana Whitlock's ex at 4 Ash Row, phone 07700 900123")
    app = make_app(store, cfg, role="restricted")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        open_case(app, case_id)
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        listing = app.screen
        assert isinstance(listing, CaseReferralsScreen) and listing.rows
        shown = listing.query_one("#referral-detail").render().plain
        table = listing.query_one("#referrals-table")
        cells = " ".join(str(c) for c in table.get_row_at(0))
        for secret in ("Kyle", "Whitlock", "Dana", "07700"):
            assert secret not in shown and secret not in cells, secret
        assert "K.W." in cells  # the person as initials
        # Nor may the restricted role move it on.
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReferralsScreen)
    assert referral_rows(store)[0].status == "made"


async def test_the_palette_names_the_task_and_says_how(store, cfg):
    from jagtui.screens.palette import TASKS

    seed(store)
    app = make_app(store, cfg)
    said = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.notify = lambda message, *a, **k: said.append(str(message))
        task = next(t for t in TASKS if t.title == "Make a referral")
        await app.run_task(task)
        await settle(app, pilot)
    assert any("then R" in words for words in said), said


async def test_keeping_mine_over_a_clash_audits_the_overwrite_under_the_case(store, cfg):
    # The overwrite row names the case, as it does for a case's other records: the
    # referral table is defined outside models.py, and its clashes went unfiled.
    case_id, victim_id, _son = seed(store)
    with store.write() as session:
        rid = referrals.make_referral(
            session, cfg, TODAY, case_id=case_id, person_id=victim_id, service="MARAC",
            referred_on=TODAY - timedelta(days=3), reason="DASH 16", made_by="tester").id
    app = make_app(store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        open_case(app, case_id)
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        with store.write() as session:
            session.info["login"] = "bob"
            referrals.change_referral(session, TODAY, rid, 1, status="made", on=TODAY,
                                      outcome="Bob's outcome")
        app.screen.query_one("#outcome").focus()
        await pilot.press(*"Alice's outcome", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClashScreen)
        await pilot.press("m")  # keep mine, knowingly
        await settle(app, pilot)
        assert not isinstance(app.screen, (ClashScreen, ReferralUpdateForm)), \
            app.screen.query_one("#form-status").render().plain
    with store.read() as session:
        assert session.get(Referral, rid).outcome == "Alice's outcome"
        (over,) = session.scalars(select(AuditEntry).where(
            AuditEntry.operation == "overwrite", AuditEntry.table_name == "referrals")).all()
    assert over.record_id == rid and over.case_id == case_id
    assert over.detail["over"] == "bob" and over.detail["fields"] == ["outcome"]
