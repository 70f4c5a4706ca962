"""The flag board, on SQLite and the real PostgreSQL alike."""

from __future__ import annotations

from datetime import date, timedelta

from jagtui.store import cases, incidents, people, risk
from jagtui.store.flagboard import flag_board

TODAY = date(2026, 11, 22)
CATS = ["ASB-PERSONAL", "ASB-NUISANCE", "THEFT", "ASSAULT"]


def _incident(session, on, ref, *, person_id=None, role="victim", category="ASB-PERSONAL",
              hate=False, location_id=None):
    party = [(person_id, role)] if person_id else []
    return incidents.add_incident(session, occurred_on=on, category=category, source="police",
                                  source_ref=ref, categories=CATS, hate=hate,
                                  location_id=location_id, people=party)


def _board(store, cfg):
    with store.read() as session:
        return flag_board(session, cfg, TODAY)


def _by(lines, code, subject):
    return [line for line in lines if line.code == code and line.subject == subject]


def test_a_victim_with_no_case_meets_the_trigger(store, cfg):
    with store.write() as session:
        ann = people.add_person(session, "Ann Nocase", beat="62")
        for n, on in enumerate((date(2026, 6, 12), date(2026, 9, 1), date(2026, 11, 20))):
            _incident(session, on, f"STORM-{n}", person_id=ann.id)
    lines = _board(store, cfg)
    (trigger,) = _by(lines, "community_trigger", "Ann Nocase")
    assert trigger.reason == ("3 ASB incidents since 12 Jun 2026: refs STORM-0, STORM-1, STORM-2")
    assert trigger.rule == "3 ASB incidents in 6 months"
    assert trigger.case_id is None and trigger.case_reference is None
    assert trigger.since == date(2026, 6, 12)
    assert trigger.subject_is_person and trigger.beat == "62" and trigger.person_id == ann.id
    # Not a repeat victim: only one of the three falls in the last 3 months.
    assert _by(lines, "repeat_victim", "Ann Nocase") == []


def test_two_asb_and_one_outside_the_window_is_not_flagged(store, cfg):
    with store.write() as session:
        bob = people.add_person(session, "Bob Twice")
        _incident(session, date(2026, 5, 21), "OLD-1", person_id=bob.id)  # one day too early
        _incident(session, date(2026, 10, 1), "B-1", person_id=bob.id)
        _incident(session, date(2026, 11, 1), "B-2", person_id=bob.id)
        _incident(session, date(2026, 11, 30), "FUTURE", person_id=bob.id)  # future-dated
        _incident(session, date(2026, 11, 2), "WIT", person_id=bob.id, role="witness")
    assert [line for line in _board(store, cfg) if line.subject == "Bob Twice"] == []


def test_exactly_six_months_ago_counts(store, cfg):
    with store.write() as session:
        bob = people.add_person(session, "Bob Edge")
        for n, on in enumerate((date(2026, 5, 22), date(2026, 10, 1), date(2026, 11, 1))):
            _incident(session, on, f"E-{n}", person_id=bob.id)
    assert len(_by(_board(store, cfg), "community_trigger", "Bob Edge")) == 1


def test_a_single_hate_incident_meets_the_trigger(store, cfg):
    with store.write() as session:
        cat = people.add_person(session, "Cat Hate")
        _incident(session, date(2026, 8, 3), "H-1", person_id=cat.id, category="THEFT", hate=True)
    (trigger,) = _by(_board(store, cfg), "community_trigger", "Cat Hate")
    assert trigger.reason == "1 hate incident on 3 Aug 2026: ref H-1"


def test_the_same_incident_reported_twice_counts_once(store, cfg):
    with store.write() as session:
        dan = people.add_person(session, "Dan Dupe")
        _incident(session, date(2026, 11, 1), "D-1", person_id=dan.id)
        incidents.add_incident(session, occurred_on=date(2026, 11, 1), category="ASB-PERSONAL",
                               source="council", source_ref="d-1 ", categories=CATS,
                               people=[(dan.id, "victim")])
        _incident(session, date(2026, 11, 2), "D-2", person_id=dan.id)
    assert _by(_board(store, cfg), "community_trigger", "Dan Dupe") == []


def test_a_repeat_victim_on_a_case_links_to_it(store, cfg):
    with store.write() as session:
        eve = people.add_person(session, "Eve Oncase")
        old = cases.open_case(session, case_type="victim", title="Closed one", subgroup="JAG",
                              lead_agency="POLICE", opened_on=TODAY - timedelta(400))
        cases.link_party(session, old.id, "victim", person_id=eve.id, primary=True)
        cases.close_case(session, old.id, None, TODAY - timedelta(300), "Resolved")
        case = cases.open_case(session, case_type="victim", title="Eve household", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY - timedelta(20))
        cases.link_party(session, case.id, "victim", person_id=eve.id, primary=True)
        for n in range(3):
            _incident(session, TODAY - timedelta(days=10 * n), f"V-{n}", person_id=eve.id)
    lines = _board(store, cfg)
    (repeat,) = _by(lines, "repeat_victim", "Eve Oncase")
    (trigger,) = _by(lines, "community_trigger", "Eve Oncase")
    assert (repeat.case_id, repeat.case_reference) == (case.id, case.reference)
    assert trigger.case_id == case.id
    assert repeat.reason.startswith("3 ASB incidents since 2 Nov 2026: refs V-2, V-1, V-0")


def test_a_repeat_location(store, cfg):
    with store.write() as session:
        park = people.add_location(session, "Rosebery Park", locality="Bell Foundry Estate",
                                   beat="65")
        quiet = people.add_location(session, "Quiet Lane", locality="Quorn", beat="56")
        for n in range(5):
            _incident(session, TODAY - timedelta(days=7 * n), f"P-{n}", category="THEFT",
                      location_id=park.id)
        for n in range(4):
            _incident(session, TODAY - timedelta(days=7 * n), f"Q-{n}", location_id=quiet.id)
        _incident(session, TODAY - timedelta(days=200), "Q-old", location_id=quiet.id)
    lines = _board(store, cfg)
    (place,) = _by(lines, "repeat_location", "Rosebery Park")
    assert place.reason.startswith("5 incidents since 25 Oct 2026: refs P-4, P-3")
    assert (place.locality, place.beat, place.subject_is_person) == ("Bell Foundry Estate", "65", False)
    assert place.case_id is None and place.location_id == park.id
    assert _by(lines, "repeat_location", "Quiet Lane") == []


def test_an_overdue_risk_review(store, cfg):
    answers = {"ongoing": 1, "targeted": 1, "fear": 1, "health": 1}

    def victim_case(session, name):
        person = people.add_person(session, name, beat="61")
        case = cases.open_case(session, case_type="victim", title=f"{name} case", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY - timedelta(100), beat="61")
        cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
        return case

    def assess(session, case, days_ago, due_in):
        risk.record_assessment(session, cfg.risk, case_id=case.id,
                               assessed_on=TODAY - timedelta(days_ago), assessor="PC Example",
                               answers=answers, review_due=TODAY + timedelta(due_in))

    with store.write() as session:
        late = victim_case(session, "Fay Late")
        assess(session, late, 40, -5)
        reviewed = victim_case(session, "Gus Reviewed")
        assess(session, reviewed, 40, -5)
        assess(session, reviewed, 2, 20)
        due_today = victim_case(session, "Hal Today")
        assess(session, due_today, 20, 0)
        closed = victim_case(session, "Ivy Closed")
        assess(session, closed, 40, -5)
        cases.close_case(session, closed.id, None, TODAY, "Resolved")
    lines = [line for line in _board(store, cfg) if line.code == "review_overdue"]
    (line,) = lines
    assert (line.subject, line.case_id, line.case_reference) == ("Fay Late", late.id, late.reference)
    assert line.reason == "Risk review was due on 17 Nov 2026: 5 days overdue"
    assert line.since == date(2026, 11, 17) and line.beat == "61"


def test_board_order_puts_kinds_together_and_no_case_first(store, cfg):
    with store.write() as session:
        on_case = people.add_person(session, "Aaron Oncase")
        case = cases.open_case(session, case_type="victim", title="A", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, case.id, "victim", person_id=on_case.id)
        loose = people.add_person(session, "Zed Loose")
        _incident(session, TODAY - timedelta(3), "A-1", person_id=on_case.id, hate=True)
        _incident(session, TODAY - timedelta(1), "Z-1", person_id=loose.id, hate=True)
    lines = _board(store, cfg)
    assert [(line.code, line.subject) for line in lines] == [
        ("community_trigger", "Zed Loose"), ("community_trigger", "Aaron Oncase")]
