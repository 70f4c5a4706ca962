"""Referrals out in the store, on SQLite and PostgreSQL: made, moved on, refused, raced,
audited, and counted (the flag board, the plan's measures)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from test_edit_races import b_saves_inside, check, race

from jagtui.store import casework, referrals
from jagtui.store.errors import Conflict, Invalid
from jagtui.store.models import AuditEntry
from jagtui.store.referral_tables import Referral, ReferralStep

TODAY = date(2026, 11, 22)
HOSTILE = "Zoë O'Brien-Łukasz \x1b[31m[bold]red[/] \u202eevil\x1b]0;title\x07"


@pytest.fixture
def pair(store):
    from jagtui.store.db import open_store

    url = store.engine.url.render_as_string(hide_password=False)
    alice, bob = open_store(url, "alice"), open_store(url, "bob")
    yield alice, bob
    alice.dispose()
    bob.dispose()


def _victim_case(store, name="Dana Whitlock"):
    with store.write() as session:
        person = casework.new_person(session, name)
        case = casework.start_case(session, subject=person, case_type="victim", title=name,
                                   subgroup="JAG", lead_agency="POLICE",
                                   opened_on=TODAY - timedelta(days=60))
        return case.id, person.id


def _make(session, cfg, case_id, person, **over):
    values = dict(case_id=case_id, person_id=person, service="MARAC",
                  referred_on=TODAY - timedelta(days=20), reason="DASH 15: high risk",
                  made_by="tester", made_by_agency="POLICE")
    values.update(over)
    return referrals.make_referral(session, cfg, TODAY, **values)


def test_made_with_its_history_and_audited(store, cfg):
    case_id, person_id = _victim_case(store)
    with store.write() as session:
        made = _make(session, cfg, case_id, person_id, reason=HOSTILE, follow_up_on=None)
        rid = made.id
    with store.read() as session:
        row, = referrals.for_case(session, cfg, case_id)
        assert (row.status, row.reason, row.person, row.service_name) == (
            "made", HOSTILE, "Dana Whitlock", "MARAC (high-risk domestic abuse)")
        # The default follow-up: the configured days after it was made.
        assert row.follow_up_on == TODAY - timedelta(days=20) + timedelta(days=14)
        assert [(s.status, s.on, s.by) for s in row.steps] == [
            ("made", TODAY - timedelta(days=20), "tester")]
        created = session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "referrals", AuditEntry.record_id == rid)).all()
        assert [(a.operation, a.case_id, a.detail["after"]["reason"]) for a in created] == [
            ("create", case_id, HOSTILE)]


def test_status_moves_on_with_steps_and_refuses_what_a_coordinator_would(store, cfg):
    case_id, person_id = _victim_case(store)
    with store.write() as session:
        rid = _make(session, cfg, case_id, person_id).id
    with store.read() as session:
        seen = referrals.one(session, cfg, rid).version
    with store.write() as session:
        referrals.change_referral(session, TODAY, rid, seen, status="accepted",
                                  on=TODAY - timedelta(days=3), note="Heard at MARAC 1 Dec")
    with store.read() as session:
        row = referrals.one(session, cfg, rid)
    assert (row.status, row.answered_on) == ("accepted", TODAY - timedelta(days=3))
    # Accepted cannot go back to declined; closing needs an outcome; no future dates.
    for bad, words in ((dict(status="declined", on=TODAY), "can become closed"),
                       (dict(status="closed", on=TODAY), "needs its outcome"),
                       (dict(status="closed", on=TODAY + timedelta(days=1), outcome="x"), "future"),
                       (dict(status="accepted", on=TODAY), "Nothing changed")):
        with pytest.raises(Invalid, match=words), store.write() as session:
            referrals.change_referral(session, TODAY, rid, row.version, **bad)
    with store.write() as session:
        referrals.change_referral(session, TODAY, rid, row.version, status="closed", on=TODAY,
                                  outcome="Safety plan in place; IDVA allocated")
    with store.read() as session:
        row = referrals.one(session, cfg, rid)
        steps = session.scalars(select(ReferralStep.status).where(
            ReferralStep.referral_id == rid).order_by(ReferralStep.id)).all()
    assert row.status == "closed" and row.outcome.startswith("Safety plan")
    assert row.answered_on == TODAY - timedelta(days=3)  # when the service answered
    assert steps == ["made", "accepted", "closed"]


def test_refusals(store, cfg):
    case_id, person_id = _victim_case(store)
    with store.write() as session:
        stranger = casework.new_person(session, "Not Linked").id
    cases = (
        (dict(person_id=None), "Choose who is referred"),
        (dict(person_id=stranger), "must be linked to the case"),
        (dict(service="NOPE"), "Service must be one of"),
        (dict(reason="   "), "reason for the referral is required"),
        (dict(referred_on=TODAY + timedelta(days=1)), "in the future"),
        (dict(follow_up_on=TODAY - timedelta(days=30)), "before the referral was made"),
    )
    for over, words in cases:
        with pytest.raises(Invalid, match=words), store.write() as session:
            _make(session, cfg, case_id, over.pop("person_id", person_id), **over)
    with store.write() as session:
        _make(session, cfg, case_id, person_id)
    with pytest.raises(Invalid, match="already has a referral to MARAC"), store.write() as session:
        _make(session, cfg, case_id, person_id)
    with store.read() as session:
        assert len(session.scalars(select(Referral)).all()) == 1


def test_two_people_making_the_same_referral_at_once_make_it_once(store, pair, cfg):
    """B makes it while A is making it; A is told it exists, and one row is kept."""
    alice, bob = pair
    case_id, person_id = _victim_case(store)

    def b_save():
        with bob.write() as session:
            _make(session, cfg, case_id, person_id, made_by="bob")

    with pytest.raises(Invalid, match="already has a referral"):
        if alice.is_sqlite:
            b_save()
            with alice.write() as session:
                _make(session, cfg, case_id, person_id, made_by="alice")
        else:
            with b_saves_inside(alice, "cases", b_save, bob.engine), alice.write() as session:
                _make(session, cfg, case_id, person_id, made_by="alice")
    with store.read() as session:
        assert session.scalars(select(Referral.made_by)).all() == ["bob"]


def test_status_race_is_a_conflict_with_both_values(store, pair, cfg):
    alice, bob = pair
    case_id, person_id = _victim_case(store)
    with store.write() as session:
        made = _make(session, cfg, case_id, person_id)
        rid, seen = made.id, made.version
    clash = race(alice, bob, "referrals",
                 lambda s: referrals.change_referral(s, TODAY, rid, seen, status="accepted",
                                                     on=TODAY),
                 lambda s: referrals.change_referral(s, TODAY, rid, seen, status="declined",
                                                     on=TODAY))
    check(clash, store, "referrals", rid, "status", "made", "declined", "accepted")
    with store.read() as session:
        steps = session.scalars(select(ReferralStep.created_by).where(
            ReferralStep.referral_id == rid).order_by(ReferralStep.id)).all()
    assert steps == ["tester", "bob"]  # A's refused save left no step


def test_outcome_race_is_a_conflict(store, pair, cfg):
    alice, bob = pair
    case_id, person_id = _victim_case(store)
    with store.write() as session:
        made = _make(session, cfg, case_id, person_id)
        rid, seen = made.id, made.version
    clash = race(alice, bob, "referrals",
                 lambda s: referrals.change_referral(s, TODAY, rid, seen, status="made", on=TODAY,
                                                     outcome="Alice's words"),
                 lambda s: referrals.change_referral(s, TODAY, rid, seen, status="made", on=TODAY,
                                                     outcome="Bob's words"))
    assert isinstance(clash, Conflict)
    check(clash, store, "referrals", rid, "outcome", "", "Bob's words", "Alice's words")


def test_overdue_and_counted_by_service_and_quarter(store, cfg):
    case_id, person_id = _victim_case(store)
    with store.write() as session:
        late = _make(session, cfg, case_id, person_id, service="CCE",
                     follow_up_on=TODAY - timedelta(days=1)).id
        _make(session, cfg, case_id, person_id, service="DRUGS", referred_on=date(2026, 5, 2),
              follow_up_on=TODAY)  # due today: not yet overdue
        _make(session, cfg, case_id, person_id, service="ADULTS", referred_on=date(2026, 7, 1),
              follow_up_on=TODAY + timedelta(days=7))
    with store.read() as session:
        assert [row.id for row in referrals.overdue(session, cfg, TODAY)] == [late]
        counts = referrals.counts_by_day(session, cfg, TODAY)
    assert sum(counts["referrals_cce"].values()) == 1
    assert counts["referrals_drugs"] == {date(2026, 5, 2): 1}
    assert counts["referrals_safeguarding"] == {date(2026, 7, 1): 1}


def test_on_the_flag_board_once_per_person_and_case_never_with_the_reason(store, cfg):
    from jagtui.store.flagboard import flag_board

    case_id, person_id = _victim_case(store)
    with store.write() as session:
        _make(session, cfg, case_id, person_id, reason="SECRET-REASON",
              follow_up_on=TODAY - timedelta(days=2))
        _make(session, cfg, case_id, person_id, service="HOUSING", reason="SECRET-REASON",
              follow_up_on=TODAY - timedelta(days=1))
        _make(session, cfg, case_id, person_id, service="MH", follow_up_on=TODAY)  # not yet
    with store.read() as session:
        lines = [line for line in flag_board(session, cfg, TODAY) if line.code == "referral_overdue"]
    (line,) = lines
    assert (line.subject, line.case_id, line.person_id, line.has_case) == (
        "Dana Whitlock", case_id, person_id, True)
    assert "MARAC" in line.reason and "Housing options" in line.reason
    assert "Community mental health" not in line.reason
    assert "SECRET" not in line.reason and line.since == TODAY - timedelta(days=2)


def test_on_the_agenda_a_case_with_an_unanswered_referral_comes_up_for_review(store, cfg):
    from jagtui.store.agenda import build_agenda

    case_id, person_id = _victim_case(store)
    quiet_id, quiet_person = _victim_case(store, "Quiet Case")
    with store.write() as session:
        _make(session, cfg, case_id, person_id, follow_up_on=TODAY - timedelta(days=1))
        _make(session, cfg, quiet_id, quiet_person, follow_up_on=TODAY)  # due today: not yet
    with store.read() as session:
        entries = {e.case_id: e for e in build_agenda(session, cfg, TODAY, "JAG") if e.case_id}
    assert entries[case_id].kind == "review"
    assert entries[case_id].title.startswith("Case review, referral unanswered (MARAC): ")
    # Listed for its own reason (a victim not yet risk-assessed), not for its referral.
    assert entries[quiet_id].kind == "review" and "referral" not in entries[quiet_id].title


def test_plan_measures_count_referrals_by_service_and_quarter(store, cfg):
    from jagtui.store.measures import measures_of, quarterly_measures

    case_id, person_id = _victim_case(store)
    with store.write() as session:
        _make(session, cfg, case_id, person_id, service="CCE", referred_on=date(2026, 5, 2))
        _make(session, cfg, case_id, person_id, service="ADULTS", referred_on=date(2026, 10, 1))
        _make(session, cfg, case_id, person_id, service="CHILDREN", referred_on=date(2026, 11, 1))
        _make(session, cfg, case_id, person_id, service="HOUSING", referred_on=date(2026, 11, 2))
    with store.read() as session:
        found = quarterly_measures(session, cfg, TODAY)
    assert found.get("referrals_cce", (2026, 1)) == 1            # Apr-Jun 2026
    assert found.get("referrals_safeguarding", (2026, 3)) == 2   # Oct-Dec 2026: adults + children
    assert found.get("referrals_drugs", (2026, 3)) == 0
    assert ("referrals_cce", "Referrals to the County CE Team") in measures_of(cfg)


def test_a_case_erased_by_retention_takes_its_referrals_and_their_audit_detail(store, cfg):
    from jagtui.store import audit, retention
    from jagtui.store.models import Case

    case_id, person_id = _victim_case(store)
    with store.write() as session:
        rid = _make(session, cfg, case_id, person_id, reason="SECRET-REASON",
                    referred_on=date(2015, 1, 5), follow_up_on=date(2015, 1, 19)).id
        case = session.get(Case, case_id)
        case.status, case.closed_on, case.closure_reason = "closed", date(2016, 1, 1), "Resolved"
        reference = case.reference
    with store.write() as session:
        retention.mark_for_deletion(session, reference, TODAY, cfg.retention.closed_case_years)
    with store.write() as session:
        retention.purge_case(session, case_id, TODAY, cfg.retention.closed_case_years)
    with store.read() as session:
        assert session.scalars(select(Referral)).all() == []
        assert session.scalars(select(ReferralStep)).all() == []
        shown = [row for row in audit.page(session, audit.Filter())[0]
                 if row.table_name == "referrals"]
    assert shown and all("SECRET" not in str(row.detail) for row in shown), rid
