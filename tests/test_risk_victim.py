"""The risk assessment is the victim's (the ASB risk matrix): s on a perpetrator case
with no victim refuses and says why; the form names the victim it assesses; the store
refuses an assessment of a perpetrator party or of a case with no victim. Keys, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jagtui.screens.forms.risk_form import RiskForm
from jagtui.store import cases, people, risk
from jagtui.store.errors import Invalid
from jagtui.store.models import Person

from meeting_data import TODAY
from test_confirm_enter import _app, frozen_clocks, press, running, to_case  # noqa: F401

ANSWERS = {"ongoing": 1}


def _person(session, name: str) -> int:
    return session.scalars(select(Person.id).where(Person.name == name)).one()


@pytest.fixture
def with_perpetrator(running):
    """The high-risk victim case (Bob Highrisk) also names the neighbour harassing him."""
    store, meeting_id, ids = running
    with store.write() as session:
        eve = people.add_person(session, "Eve Neighbour", address="4 Larkspur Close")
        cases.link_party(session, ids.high_risk, "perpetrator", person_id=eve.id)
    return store, meeting_id, ids, eve.id


def test_the_store_refuses_to_assess_a_perpetrator(with_perpetrator, cfg):
    store, _meeting_id, ids, eve_id = with_perpetrator
    record = dict(assessed_on=TODAY, assessor="PC Test", answers=ANSWERS,
                  review_due=TODAY + timedelta(days=14))
    with store.read() as session:
        cal, bob = _person(session, "Cal Dueforreview"), _person(session, "Bob Highrisk")
    for case_id, person_id, why in ((ids.due, cal, "perpetrator on the case"),
                                    (ids.due, None, "No victim on this case"),
                                    (ids.high_risk, eve_id, "perpetrator on the case")):
        with pytest.raises(Invalid, match=why):
            with store.write() as session:
                risk.record_assessment(session, cfg.risk, case_id=case_id, person_id=person_id,
                                       **record)
    with store.read() as session:
        assert risk.history(session, ids.due) == []
        assert [a.person_id for a in risk.history(session, ids.high_risk)] == [None]
    with store.write() as session:  # the victim, and an unnamed one on a case with a victim
        risk.record_assessment(session, cfg.risk, case_id=ids.high_risk, person_id=bob, **record)
        risk.record_assessment(session, cfg.risk, case_id=ids.high_risk, **record)


async def test_s_on_a_perpetrator_case_without_a_victim_refuses_and_says_why(running, cfg):
    store, meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        runner = await to_case(app, pilot, meeting_id, ids.due)
        await press(app, pilot, "s")
        assert app.screen is runner and not isinstance(app.screen, RiskForm)
        assert any("No victim on this case" in str(n.message) for n in app._notifications)
        await press(app, pilot, "ctrl+s")
    with store.read() as session:
        assert risk.history(session, ids.due) == []


async def test_s_names_the_victim_it_assesses_and_records_it_against_them(with_perpetrator, cfg):
    store, meeting_id, ids, eve_id = with_perpetrator
    answers = {q.key: 0 for q in cfg.risk.questions}  # every question answered: one key to confirm
    with store.write() as session:
        risk.record_assessment(session, cfg.risk, case_id=ids.high_risk, assessed_on=TODAY,
                               assessor="PC Test", answers=answers,
                               review_due=TODAY + timedelta(days=9))
    app = _app(store, cfg)
    async with app.run_test(size=(100, 40)) as pilot:
        runner = await to_case(app, pilot, meeting_id, ids.high_risk)
        await press(app, pilot, "s")
        form = app.screen
        assert isinstance(form, RiskForm)
        title = str(form.query_one("#form-title").content)
        assert "victim: Bob Highrisk" in title and "Eve" not in title
        await press(app, pilot, "ctrl+s")       # a review: the last answers stand
        assert app.screen is runner
    with store.read() as session:
        latest = risk.latest(session, ids.high_risk)
        assert (latest.assessor, latest.person_id) == ("tester", _person(session, "Bob Highrisk"))


async def test_r_in_the_case_view_of_a_perpetrator_case_refuses_too(running, cfg):
    from jagtui.screens.case_view import CaseScreen

    store, _meeting_id, ids = running
    app = _app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(app, pilot)
        screen = CaseScreen(ids.due)
        app.push_screen(screen)
        await press(app, pilot)
        await press(app, pilot, "r")
        assert app.screen is screen
        assert any("No victim on this case" in str(n.message) for n in app._notifications)
    with store.read() as session:
        assert risk.history(session, ids.due) == []
