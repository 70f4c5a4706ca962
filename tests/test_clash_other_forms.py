"""A clash the user can resolve, in the action, intervention, plan and retention forms:
A opens the form, B saves the same record from another session, A types and saves ->
the clash panel shows both values and who; keep mine and take theirs each leave the
right rows and audit trail, and nothing A typed is lost. On SQLite and PostgreSQL;
B's save is made between A's keys, so the interleaving is the same every run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, Select

from jagtui.rules.dates import financial_quarter
from jagtui.screens.forms.action import ActionUpdateForm, ReassignForm
from jagtui.screens.forms.clash import ClashScreen
from jagtui.screens.forms.intervention import OutcomeForm
from jagtui.screens.forms.plan_update import PlanUpdateForm
from jagtui.screens.retention import RetainForm, RetentionScreen
from jagtui.store import actions, cases, interventions, plan, retention
from jagtui.store.models import Action, ActionUpdate, Intervention, PlanUpdate, RetentionReview

from case_data import TODAY, seed
from clash_help import audit_rows, clash_rows, make_pair, open_form, settle
from test_clash_case_forms import panel_shows, type_into

BOTH = pytest.mark.parametrize("choice", ["mine", "theirs"])


@pytest.fixture
def pair(store):
    yield from make_pair(store)


def overwrites_of(store, table, record_id):
    return [(o.login, o.detail["fields"], o.detail["over"], o.detail["how"])
            for o in audit_rows(store, table, record_id)[1]]


def action_row(store, cfg):
    seed(store, cfg)
    with store.read() as session:
        action_id = session.scalar(select(Action.id))
        return actions.action_rows(session, status=None, action_ids=[action_id])[0]


# --- actions ----------------------------------------------------------------------------

@BOTH
async def test_reassign(pair, cfg, choice):
    alice, bob = pair
    row = action_row(alice, cfg)
    form = ReassignForm(row, cfg)
    async with open_form(alice, cfg, form) as (app, pilot):
        with bob.write() as session:
            actions.update_action(session, row.action.id, None, owner="Kim Other",
                                  owner_agency="YOS")
        await type_into(form, pilot, "owner", "Lee Mine")
        form.query_one("#agency", Select).value = "CBC-ASB"
        panel = await panel_shows(app, pilot, ("Owner", "Lee Mine", "Kim Other"))
        assert ("Agency", "Charnwood Borough Council ASB Team", "Youth Offending Service") in \
            clash_rows(panel)
        await pilot.press("m" if choice == "mine" else "t")
        await settle(app, pilot)
        if choice == "theirs":
            assert app.screen is form
            assert form.query_one("#owner", Input).value == "Kim Other"
            assert form.query_one("#agency", Select).value == "YOS"
            await pilot.press("escape")  # theirs is what is there: nothing to save
            await settle(app, pilot)
        assert app.screen is not form
    with alice.read() as session:
        action = session.get(Action, row.action.id)
        assert (action.owner, action.owner_agency) == (
            ("Lee Mine", "CBC-ASB") if choice == "mine" else ("Kim Other", "YOS"))
    changes, _ = audit_rows(alice, "actions", row.action.id)
    if choice == "mine":
        assert changes[-1].login == "alice"
        assert changes[-1].detail["owner"] == {"before": "Kim Other", "after": "Lee Mine"}
        assert overwrites_of(alice, "actions", row.action.id) == [
            ("alice", ["owner", "owner_agency"], "bob", "kept mine")]
    else:
        assert [c.login for c in changes] == ["bob"]
        assert overwrites_of(alice, "actions", row.action.id) == []


@BOTH
async def test_action_update_on_an_action_just_completed(pair, cfg, choice):
    alice, bob = pair
    row = action_row(alice, cfg)
    form = ActionUpdateForm(row, cfg, TODAY)
    async with open_form(alice, cfg, form) as (app, pilot):
        with bob.write() as session:
            actions.add_update(session, row.action.id, TODAY, "Camera fitted", status="complete")
        await type_into(form, pilot, "update", "Phoned Ann: no answer")
        await panel_shows(app, pilot, ("Status", "open", "complete"))
        await pilot.press("m" if choice == "mine" else "t")
        await settle(app, pilot)
        if choice == "theirs":
            assert app.screen is form
            assert form.query_one("#update", Input).value == "Phoned Ann: no answer"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
        assert app.screen is not form
    with alice.read() as session:
        action = session.get(Action, row.action.id)
        updates = list(session.execute(select(ActionUpdate.text, ActionUpdate.status).where(
            ActionUpdate.action_id == row.action.id).order_by(ActionUpdate.id)))
    # The update typed is kept either way; the action is open again only if she kept hers.
    assert [tuple(u) for u in updates] == [
        ("Camera fitted", "complete"),
        ("Phoned Ann: no answer", "open" if choice == "mine" else "complete")]
    assert action.status == ("open" if choice == "mine" else "complete")
    assert overwrites_of(alice, "actions", row.action.id) == (
        [("alice", ["status"], "bob", "kept mine")] if choice == "mine" else [])


# --- an intervention's outcome ----------------------------------------------------------

@BOTH
async def test_intervention_outcome(pair, cfg, choice):
    alice, bob = pair
    ids = seed(alice, cfg)
    with alice.read() as session:
        [case] = interventions.escalation_cases(session, ids.case_id)
    row = case.interventions[0]
    form = OutcomeForm(case, row, cfg)
    async with open_form(alice, cfg, form) as (app, pilot):
        with bob.write() as session:
            interventions.set_outcome(session, row.id, None, "expired")
        assert form.query_one("#outcome", Select).value == "complied"
        await panel_shows(app, pilot, ("Outcome", "Complied: ended without a breach",
                                       "Expired: ran its course or lapsed"))
        await pilot.press("m" if choice == "mine" else "t")
        await settle(app, pilot)
        if choice == "theirs":
            assert app.screen is form and form.query_one("#outcome", Select).value == "expired"
            await pilot.press("escape")
            await settle(app, pilot)
        assert app.screen is not form
    with alice.read() as session:
        assert session.get(Intervention, row.id).outcome == (
            "complied" if choice == "mine" else "expired")
    changes, _ = audit_rows(alice, "interventions", row.id)
    assert changes[-1].detail["outcome"] == (
        {"before": "expired", "after": "complied"} if choice == "mine"
        else {"before": "breached", "after": "expired"})
    assert overwrites_of(alice, "interventions", row.id) == (
        [("alice", ["outcome"], "bob", "kept mine")] if choice == "mine" else [])
    if choice == "mine":
        assert audit_rows(alice, "interventions", row.id)[1][0].case_id == ids.case_id


# --- a quarter's plan update --------------------------------------------------------------

@BOTH
async def test_plan_update_first_entered_by_both(pair, cfg, choice):
    alice, bob = pair
    quarter = financial_quarter(TODAY)
    with alice.write() as session:
        priority = plan.add_priority(session, "P1", "ASB")
        objective = plan.add_objective(session, priority.id, 1, "Fewer repeat victims")
        plan.add_plan_action(session, objective.id, 1, "Visit every repeat victim")
    with alice.read() as session:
        [line] = plan.plan_lines(session)
    form = PlanUpdateForm(line, quarter)
    async with open_form(alice, cfg, form) as (app, pilot):
        with bob.write() as session:  # Bob enters the quarter's update first
            plan.set_update(session, line.action.id, quarter, "at risk", "Two visits missed",
                            expected_version=0)
        await type_into(form, pilot, "progress", "All visits made")
        await panel_shows(app, pilot, ("Progress", "All visits made", "Two visits missed"))
        await pilot.press("m" if choice == "mine" else "t")
        await settle(app, pilot)
        if choice == "theirs":
            assert app.screen is form
            assert form.query_one("#progress", Input).value == "Two visits missed"
            assert form.query_one("#status", Select).value == "at risk"
            await pilot.press("escape")
            await settle(app, pilot)
        assert app.screen is not form
    with alice.read() as session:
        [update] = session.scalars(select(PlanUpdate)).all()
    assert (update.status, update.text) == (
        ("not started", "All visits made") if choice == "mine" else ("at risk", "Two visits missed"))
    assert overwrites_of(alice, "plan_updates", update.id) == (
        [("alice", ["status", "text"], "bob", "kept mine")] if choice == "mine" else [])


# --- retention decisions ------------------------------------------------------------------

def due_for_review(store, cfg):
    ids = seed(store, cfg)
    with store.write() as session:
        cases.close_case(session, ids.other_case_id, None, TODAY - timedelta(days=7 * 365),
                         "No further reports")
    with store.read() as session:
        [row] = retention.review_list(session, TODAY, cfg.retention.closed_case_years)
    return row


def decisions(store):
    with store.read() as session:
        return [(r.created_by, r.decision, r.reason) for r in
                session.scalars(select(RetentionReview).order_by(RetentionReview.id))]


@BOTH
async def test_retain_form(pair, cfg, choice):
    alice, bob = pair
    row = due_for_review(alice, cfg)
    form = RetainForm(row)
    async with open_form(alice, cfg, form) as (app, pilot):
        with bob.write() as session:
            retention.retain(session, row.reference, "Civil claim pending", TODAY + timedelta(200),
                             TODAY, cfg.retention.closed_case_years, seen=0)
        await type_into(form, pilot, "reason", "Linked to an open case")
        await type_into(form, pilot, "until", "+1y")
        panel = await panel_shows(app, pilot, ("Reason", "Linked to an open case",
                                               "Civil claim pending"))
        assert [r[0] for r in clash_rows(panel)] == ["Reason", "Retain until"]
        await pilot.press("m" if choice == "mine" else "t")
        await settle(app, pilot)
        assert app.screen is not form
    mine = [("alice", "retain", "Linked to an open case")] if choice == "mine" else []
    assert decisions(alice) == [("bob", "retain", "Civil claim pending"), *mine]
    bobs = decisions(alice) and _review_id(alice, "bob")
    assert overwrites_of(alice, "retention_reviews", bobs) == (
        [("alice", ["reason", "retain_until"], "bob", "kept mine")] if choice == "mine" else [])


def _review_id(store, by):
    with store.read() as session:
        return session.scalar(select(RetentionReview.id).where(RetentionReview.created_by == by))


@BOTH
async def test_mark_for_deletion_after_someone_retained_it(pair, cfg, choice):
    alice, bob = pair
    row = due_for_review(alice, cfg)
    screen = RetentionScreen()
    async with open_form(alice, cfg, screen) as (app, pilot):
        assert screen.query_one(DataTable).row_count == 1
        with bob.write() as session:
            retention.retain(session, row.reference, "Civil claim pending", TODAY + timedelta(200),
                             TODAY, cfg.retention.closed_case_years, seen=0)
        await pilot.press("d", "y")
        await settle(app, pilot)
        panel = app.screen
        assert isinstance(panel, ClashScreen)
        assert ("Decision", "delete", "retain") in clash_rows(panel)
        assert "bob at" in panel.query_one("#clash-title").content.plain
        await pilot.press("m" if choice == "mine" else "t")
        await settle(app, pilot)
        assert app.screen is screen
    mine = [("alice", "delete", retention.DEFAULT_DELETE_REASON)] if choice == "mine" else []
    assert decisions(alice) == [("bob", "retain", "Civil claim pending"), *mine]
    assert overwrites_of(alice, "retention_reviews", _review_id(alice, "bob")) == (
        [("alice", ["decision", "reason", "retain_until"], "bob", "kept mine")]
        if choice == "mine" else [])
