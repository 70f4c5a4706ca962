"""ASB case reviews in the store, on SQLite and PostgreSQL: made, decided, reviewed,
recommendations as actions, refused, raced, audited, and counted for the year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from test_edit_races import check, race

from jagtui.store import case_reviews, casework, incidents
from jagtui.store.case_review_tables import CaseReview, CaseReviewAction
from jagtui.store.errors import Invalid
from jagtui.store.models import Action, AuditEntry

RECEIVED = date(2026, 12, 1)
HOSTILE = "Zoë O'Brien-Łukasz \x1b[31m[bold]red[/] \u202eevil\x1b]0;title\x07"


@pytest.fixture
def pair(store):
    from jagtui.store.db import open_store

    url = store.engine.url.render_as_string(hide_password=False)
    alice, bob = open_store(url, "alice"), open_store(url, "bob")
    yield alice, bob
    alice.dispose()
    bob.dispose()


def _victim(store, cfg, name="Dana Whitlock", asb=3):
    with store.write() as session:
        person = casework.new_person(session, name)
        case = casework.start_case(session, subject=person, case_type="victim", title=name,
                                   subgroup="JAG", lead_agency="POLICE",
                                   opened_on=RECEIVED - timedelta(days=90))
        cats = [c.key for c in cfg.categories]
        for n in range(asb):
            incidents.add_incident(session, occurred_on=RECEIVED - timedelta(days=20 + 30 * n),
                                   category="ASB-PERSONAL", source="police", source_ref=f"P{n}",
                                   categories=cats, people=[(person.id, "victim")])
        return person.id, case.reference


def _apply(store, cfg, person_id, **over):
    with store.write() as session:
        values = dict(received_on=RECEIVED, person_id=person_id, summary="Noise every night")
        values.update(over)
        made = case_reviews.add_application(session, cfg, **values)
        return made.id, made.version


def test_from_application_to_outcome_audited(store, cfg):
    person_id, case_ref = _victim(store, cfg)
    rid, v = _apply(store, cfg, person_id, applicant_name="Cllr Ann Patel",
                    applicant_relation="ward councillor", case_reference=case_ref.lower())
    with store.read() as session:
        d = case_reviews.detail(session, cfg, rid, RECEIVED)
        assert d.review.reference == "ASBR-26-001"
        assert d.row.applicant == "Cllr Ann Patel, ward councillor, on behalf of Dana Whitlock"
        assert d.row.case_reference == case_ref and d.row.status == "awaiting decision"
        assert d.test.met and "3 separate ASB incidents" in d.test.summary
        assert [line.why for line in d.test.lines] == ["counts (ASB)"] * 3
        assert d.row.next_step.due == date(2026, 12, 15)
    with store.write() as session:
        v = case_reviews.update_application(session, cfg, rid, v, {
            "threshold": "met", "decided_on": date(2026, 12, 8), "lead_agency": "CBC-ASB",
            "decision_reason": "3 incidents", "told_decision_on": date(2026, 12, 9)}).version
    with store.write() as session:
        v = case_reviews.update_application(session, cfg, rid, v, {
            "review_on": date(2026, 12, 22), "findings": HOSTILE}).version
    with store.write() as session:
        action = case_reviews.add_recommendation(session, rid, text="Noise monitoring", owner="J Smith",
                                                 owner_agency="CBC-ASB", due_on=date(2027, 1, 31))
        second = case_reviews.add_recommendation(session, rid, text="Mediation", owner="K Lee")
        assert (action.ref, second.ref) == ("ASBR-26-001 R1", "ASBR-26-001 R2")
    with store.write() as session:
        case_reviews.update_application(session, cfg, rid, v, {"told_outcome_on": date(2026, 12, 23)})
    with store.read() as session:
        d = case_reviews.detail(session, cfg, rid, date(2027, 2, 1))
        assert d.review.findings == HOSTILE
        assert d.row.status == "review complete" and not d.row.overdue
        assert [r.text for r in d.recommendations] == ["Noise monitoring", "Mediation"]
        actions = session.scalars(select(Action).order_by(Action.id)).all()
        assert [(a.ref, a.owner, a.due_on) for a in actions] == [
            ("ASBR-26-001 R1", "J Smith", date(2027, 1, 31)), ("ASBR-26-001 R2", "K Lee", None)]
        audited = session.scalars(select(AuditEntry.operation).where(
            AuditEntry.table_name == "case_reviews", AuditEntry.record_id == rid)).all()
        assert audited == ["create", "update", "update", "update"]
        assert session.scalar(select(AuditEntry.login).where(
            AuditEntry.table_name == "case_review_actions")) == "tester"


@pytest.mark.parametrize("changes,words", [
    ({"threshold": "met"}, "date of the threshold decision"),
    ({"decided_on": date(2026, 11, 1), "threshold": "met"}, "cannot be before the application"),
    ({"threshold": "maybe", "decided_on": RECEIVED}, "met or not met"),
    ({"threshold": "not met", "decided_on": RECEIVED, "review_on": RECEIVED}, "only when the threshold is met"),
    ({"escalation_decided_on": RECEIVED}, "asked for the escalation"),
    ({"lead_agency": "NOPE"}, "No agency"),
    ({"case_reference": "JAG-99-9999"}, "No case"),
    ({"colour": "red"}, "Cannot set colour"),
])
def test_refusals_are_sentences_and_write_nothing(store, cfg, changes, words):
    person_id, _ = _victim(store, cfg)
    rid, v = _apply(store, cfg, person_id)
    with pytest.raises(Invalid, match=words), store.write() as session:
        case_reviews.update_application(session, cfg, rid, v, changes)
    with store.read() as session:
        assert session.get(CaseReview, rid).version == v


def test_an_applicant_must_be_named_and_recommendations_wait_for_the_review(store, cfg):
    with pytest.raises(Invalid, match="Name the applicant"), store.write() as session:
        case_reviews.add_application(session, cfg, received_on=RECEIVED)
    rid, _ = _apply(store, cfg, None, applicant_name="A neighbour")
    with pytest.raises(Invalid, match="record the review meeting first"), store.write() as session:
        case_reviews.add_recommendation(session, rid, text="x", owner="y")


def test_threshold_race_is_a_conflict_with_both_values(store, pair, cfg):
    alice, bob = pair
    person_id, _ = _victim(store, cfg)
    rid, seen = _apply(store, cfg, person_id)
    clash = race(alice, bob, "case_reviews",
                 lambda s: case_reviews.update_application(s, cfg, rid, seen, {
                     "threshold": "met", "decided_on": RECEIVED}),
                 lambda s: case_reviews.update_application(s, cfg, rid, seen, {
                     "threshold": "not met", "decided_on": RECEIVED}))
    check(clash, store, "case_reviews", rid, "threshold", "", "not met", "met")


def test_findings_race_is_a_conflict(store, pair, cfg):
    alice, bob = pair
    person_id, _ = _victim(store, cfg)
    rid, v = _apply(store, cfg, person_id)
    with store.write() as session:
        seen = case_reviews.update_application(session, cfg, rid, v, {
            "threshold": "met", "decided_on": RECEIVED, "review_on": RECEIVED}).version
    clash = race(alice, bob, "case_reviews",
                 lambda s: case_reviews.update_application(s, cfg, rid, seen, {"findings": "Alice's"}),
                 lambda s: case_reviews.update_application(s, cfg, rid, seen, {"findings": HOSTILE}))
    check(clash, store, "case_reviews", rid, "findings", "", HOSTILE, "Alice's")


def test_two_recommendations_added_at_once_get_different_numbers(store, pair, cfg):
    alice, bob = pair
    person_id, _ = _victim(store, cfg)
    rid, v = _apply(store, cfg, person_id)
    with store.write() as session:
        case_reviews.update_application(session, cfg, rid, v, {
            "threshold": "met", "decided_on": RECEIVED, "review_on": RECEIVED})
    from test_edit_races import b_saves_inside

    def b_save():
        with bob.write() as session:
            case_reviews.add_recommendation(session, rid, text="Bob's", owner="B")

    if alice.is_sqlite:
        b_save()
        with alice.write() as session:
            case_reviews.add_recommendation(session, rid, text="Alice's", owner="A")
    else:
        with b_saves_inside(alice, "case_reviews", b_save, bob.engine), alice.write() as session:
            case_reviews.add_recommendation(session, rid, text="Alice's", owner="A")
    with store.read() as session:
        refs = sorted(session.scalars(select(Action.ref)).all())
        assert refs == ["ASBR-26-001 R1", "ASBR-26-001 R2"]
        assert session.scalar(select(CaseReviewAction.id).limit(1)) is not None


def test_two_applications_at_once_get_different_references(store, pair, cfg):
    alice, bob = pair
    from test_edit_races import b_saves_inside

    def b_save():
        with bob.write() as session:
            case_reviews.add_application(session, cfg, received_on=RECEIVED, applicant_name="B")

    if alice.is_sqlite:
        b_save()
        with alice.write() as session:
            case_reviews.add_application(session, cfg, received_on=RECEIVED, applicant_name="A")
    else:
        with b_saves_inside(alice, "counters", b_save, bob.engine), alice.write() as session:
            case_reviews.add_application(session, cfg, received_on=RECEIVED, applicant_name="A")
    with store.read() as session:
        assert sorted(session.scalars(select(CaseReview.reference)).all()) == [
            "ASBR-26-001", "ASBR-26-002"]


def test_overdue_and_yearly_figures(store, cfg):
    person_id, _ = _victim(store, cfg)
    late, _ = _apply(store, cfg, person_id)
    met, v = _apply(store, cfg, person_id, received_on=date(2026, 11, 2))
    with store.write() as session:
        v = case_reviews.update_application(session, cfg, met, v, {
            "threshold": "met", "decided_on": date(2026, 11, 10), "told_decision_on": date(2026, 11, 10),
            "review_on": date(2026, 11, 20)}).version
        case_reviews.add_recommendation(session, met, text="Patrols", owner="PC Hill")
    notmet, v2 = _apply(store, cfg, None, applicant_name="Neighbour", received_on=date(2026, 4, 1))
    with store.write() as session:
        case_reviews.update_application(session, cfg, notmet, v2, {
            "threshold": "not met", "decided_on": date(2026, 4, 2), "told_decision_on": date(2026, 4, 2)})
    earlier, _ = _apply(store, cfg, None, applicant_name="Earlier year", received_on=date(2026, 3, 31))
    with store.read() as session:
        rows = case_reviews.overdue(session, cfg, date(2026, 12, 16))
        assert [(r.id, [s.key for s in r.overdue]) for r in rows] == [
            (earlier, ["decision", "told_decision"]), (met, ["told_outcome"]),
            (late, ["decision", "told_decision"])]
        figures = case_reviews.yearly_figures(session, 2026)
        assert (figures.year, figures.applications, figures.threshold_not_met, figures.reviews,
                figures.with_recommendations) == ("2026/27", 3, 1, 1, 1)
        assert case_reviews.yearly_figures(session, 2025).applications == 1
        assert case_reviews.activations(session, date(2026, 10, 1), date(2026, 12, 31)) == 2


def test_plan_counts_applications_apart_from_victims_meeting_the_threshold(store, cfg):
    from jagtui.store.measures import quarterly_measures

    person_id, _ = _victim(store, cfg)
    _apply(store, cfg, person_id)
    _apply(store, cfg, None, applicant_name="A neighbour", received_on=date(2026, 12, 2))
    with store.read() as session:
        measures = quarterly_measures(session, cfg, date(2026, 12, 31))
    assert measures.get("trigger_applications", (2026, 3)) == 2
    # The victim meets the threshold once; the second application (no victim held) is not a victim.
    assert measures.get("community_trigger", (2026, 3)) == 1


def test_overdue_steps_on_the_main_groups_agenda_by_reference_only(store, cfg):
    from jagtui.store.agenda import build_agenda

    person_id, _ = _victim(store, cfg)
    _apply(store, cfg, person_id)
    with store.read() as session:
        before = build_agenda(session, cfg, date(2026, 12, 15), "JAG")
        late = build_agenda(session, cfg, date(2026, 12, 16), "JAG")
        other = build_agenda(session, cfg, date(2026, 12, 16), cfg.subgroups[1].key)
    assert not any("ASB case review" in e.title for e in before)
    lines = [e for e in late if "ASB case review" in e.title]
    assert [(e.kind, e.title) for e in lines] == [(
        "other", "ASB case review ASBR-26-001 overdue: threshold decision was due 15 Dec 2026; "
                 "applicant told of the decision was due 15 Dec 2026")]
    assert late[-2].kind == "aob" and "Dana" not in lines[0].title
    assert not any("ASB case review" in e.title for e in other)


def test_the_victim_must_be_on_the_case_named(store, cfg):
    """Anil's application on Patrick's case would open from Patrick's case (T) and test
    Anil's incidents: refused in words, on making it and on changing it."""
    patrick_id, patrick_case = _victim(store, cfg, "Patrick Ambleford")
    anil_id, anil_case = _victim(store, cfg, "Anil Ambleford", asb=0)
    words = f"Anil Ambleford is not on {patrick_case}: link them to the case first, or leave the case blank"
    with pytest.raises(Invalid) as refused, store.write() as session:
        case_reviews.add_application(session, cfg, received_on=RECEIVED, person_id=anil_id,
                                     case_reference=patrick_case)
    assert str(refused.value) == words
    rid, v = _apply(store, cfg, anil_id, case_reference=anil_case)
    for changes in ({"case_reference": patrick_case}, {"person_id": patrick_id}):
        with pytest.raises(Invalid, match="is not on"), store.write() as session:
            case_reviews.update_application(session, cfg, rid, v, changes)
    with store.read() as session:
        review = session.get(CaseReview, rid)
        assert (review.version, review.person_id) == (v, anil_id)
        assert session.scalar(select(CaseReview.id).where(CaseReview.person_id == anil_id)) == rid
    # Both changed together, to a victim on the case: fine; and no case at all: fine.
    with store.write() as session:
        v = case_reviews.update_application(session, cfg, rid, v, {
            "person_id": patrick_id, "case_reference": patrick_case}).version
        case_reviews.update_application(session, cfg, rid, v, {"person_id": anil_id, "case_reference": ""})
    _apply(store, cfg, anil_id)


@pytest.mark.parametrize("key", [k for k, _ in case_reviews.DONE_DATES])
def test_a_step_date_in_the_future_is_refused_when_today_is_known(store, cfg, key):
    """'Decided on +1w' would count a review not yet held in the yearly figures."""
    today = date(2026, 12, 4)
    person_id, _ = _victim(store, cfg)
    rid, v = _apply(store, cfg, person_id, received_on=date(2026, 11, 20))
    later = today + timedelta(days=7)
    changes = {"threshold": "met", "decided_on": today, "review_on": today,
               "escalation_requested_on": today, key: later}
    with pytest.raises(Invalid, match=r"\(11 Dec 2026\) is in the future: record it once done"), \
            store.write() as session:
        case_reviews.update_application(session, cfg, rid, v, changes, today)
    with store.read() as session:
        assert session.get(CaseReview, rid).version == v
        assert case_reviews.yearly_figures(session, 2026).reviews == 0
    if key == "received_on":
        with pytest.raises(Invalid, match="is in the future"), store.write() as session:
            case_reviews.add_application(session, cfg, received_on=later, person_id=person_id,
                                         today=today)
    # Today itself is fine.
    changes[key] = today
    with store.write() as session:
        case_reviews.update_application(session, cfg, rid, v, changes, today)
