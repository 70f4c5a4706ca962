"""Interventions: the escalation board and the store's refusals, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jagtui.rules.ladder import ladder_state
from jagtui.store import cases, interventions, people
from jagtui.store.errors import Invalid

TODAY = date(2026, 11, 22)


def _case(session, name, case_type="perpetrator", role="perpetrator"):
    person = people.add_person(session, name, beat="62")
    case = cases.open_case(session, case_type=case_type, title=f"{name} case", subgroup="YJAG",
                           lead_agency="YOS", opened_on=TODAY - timedelta(90), beat="62")
    cases.link_party(session, case.id, role, person_id=person.id, primary=True)
    return case, person


def _record(session, cfg, case_id, step, days_ago, **kw):
    return interventions.record_intervention(
        session, case_id=case_id, step=step, steps=[s.key for s in cfg.ladder],
        issuing_agency="POLICE", issued_on=TODAY - timedelta(days_ago), **kw)


def test_the_board_lists_perpetrators_and_cases_with_interventions(store, cfg):
    with store.write() as session:
        young, person = _case(session, "Young Example")
        letter = _record(session, cfg, young.id, "LETTER", 60, person_id=person.id,
                         review_on=TODAY + timedelta(30))
        interventions.record_breach(session, letter.id, TODAY - timedelta(10), "seen on CCTV")
        interventions.record_breach(session, letter.id, TODAY - timedelta(5))
        _case(session, "No Interventions Yet")
        victim_case, _ = _case(session, "Victim With ABC", "victim", "victim")
        _record(session, cfg, victim_case.id, "ABC", 5)
        _case(session, "Plain Victim", "victim", "victim")
        closed, _ = _case(session, "Closed Still Running")
        _record(session, cfg, closed.id, "CPW", 30)
        cases.close_case(session, closed.id, None, TODAY, "Moved away")
        done, _ = _case(session, "Closed And Done")
        finished = _record(session, cfg, done.id, "ADVICE", 100)
        interventions.set_outcome(session, finished.id, None, "complied")
        cases.close_case(session, done.id, None, TODAY, "Complied")
    with store.read() as session:
        board = interventions.escalation_cases(session)
    subjects = sorted(row.subject for row in board)
    assert subjects == ["Closed Still Running", "No Interventions Yet", "Victim With ABC",
                        "Young Example"]
    first = next(row for row in board if row.subject == "Young Example")
    assert first.subject_is_person and first.person_id == person.id and first.beat == "62"
    (row,) = first.interventions
    assert (row.step, row.outcome, row.running) == ("LETTER", "breached", True)
    assert row.breaches == (TODAY - timedelta(10), TODAY - timedelta(5))
    state = ladder_state(cfg.ladder, first.facts)
    assert state.suggested.key == "ABC"
    assert state.note.startswith("2 breaches of Warning letter, latest on 17 Nov 2026: propose")
    with store.read() as session:
        (one,) = interventions.escalation_cases(session, case_id=young.id)
    assert one == first


def test_bad_dates_and_ended_interventions_are_refused_in_words(store, cfg):
    with store.write() as session:
        case, _ = _case(session, "Young Example")
        abc = _record(session, cfg, case.id, "ABC", 10)
    with pytest.raises(Invalid, match=r"review date \(1 Nov 2026\) is before the issue date"):
        with store.write() as session:
            _record(session, cfg, case.id, "CPW", 0, review_on=date(2026, 11, 1))
    with pytest.raises(Invalid, match=r"breach date \(1 Nov 2026\) is before the intervention"):
        with store.write() as session:
            interventions.record_breach(session, abc.id, date(2026, 11, 1))
    with store.write() as session:
        interventions.set_outcome(session, abc.id, None, "complied")
    with pytest.raises(Invalid, match=r"has ended \(complied\)"):
        with store.write() as session:
            interventions.record_breach(session, abc.id, TODAY)
    with store.read() as session:
        (board,) = interventions.escalation_cases(session)
    assert [(row.step, row.outcome, row.breaches) for row in board.interventions] == [
        ("ABC", "complied", ())]


def test_who_may_receive_an_intervention(store, cfg):
    """Perpetrators first (the primary one first), then the case's other people; never its
    victim, unless also linked in another role; each person once."""
    from jagtui.store.interventions import Recipient, default_recipient, recipients_from

    assert recipients_from([
        (1, "Vic Tim", "victim", True), (2, "Wes Witness", "witness", False),
        (3, "Pat Perp", "perpetrator", False), (4, "Pip Prime", "perpetrator", True),
        (5, "Both Roles", "victim", False), (5, "Both Roles", "perpetrator", False),
        (None, "A place", "location of concern", False),
    ]) == [Recipient(4, "Pip Prime", "perpetrator", True), Recipient(3, "Pat Perp", "perpetrator"),
           Recipient(5, "Both Roles", "perpetrator"), Recipient(2, "Wes Witness", "witness")]
    with store.write() as session:
        victim_case, _vic = _case(session, "Vera Victim", case_type="victim", role="victim")
        perp_case, perp = _case(session, "Pete Perp")
        found = interventions.recipients(session, victim_case.id)
        assert found == [] and default_recipient("victim", found) is None
        found = interventions.recipients(session, perp_case.id)
        assert default_recipient("perpetrator", found) == perp.id
        with pytest.raises(Invalid, match="link the person"):
            interventions.check_recipient(session, victim_case.id, None)
        with pytest.raises(Invalid, match="other than its victim"):
            interventions.check_recipient(session, victim_case.id, _vic.id)
        interventions.check_recipient(session, perp_case.id, perp.id)


def test_the_recipient_list_masks_names_in_privacy_mode():
    from jagtui.screens.forms.intervention import RecipientList
    from jagtui.store.interventions import Recipient

    eve = Recipient(7, "Eve Neighbour", "perpetrator")
    assert str(RecipientList.label(eve, True, False)) == "● Eve Neighbour (perpetrator)"
    assert str(RecipientList.label(eve, False, True)) == "○ E.N. (perpetrator)"


def test_the_store_never_records_an_intervention_against_the_victim(store, cfg):
    """The Escalation screen's form and the meeting save through this call: a victim
    or someone not on the case is refused on both paths, in the saving transaction."""
    with store.write() as session:
        case, victim = _case(session, "Vic Only-Victim", "victim", "victim")
        stranger = people.add_person(session, "Not On The Case", beat="62")
    for person_id in (victim.id, stranger.id):
        with store.write() as session, pytest.raises(Invalid, match="other than its victim"):
            interventions.issue_intervention(
                session, case_id=case.id, step="ABC", steps=[s.key for s in cfg.ladder],
                issuing_agency="POLICE", issued_on=TODAY, person_id=person_id)
    with store.read() as session:
        assert interventions.for_case(session, case.id) == []
