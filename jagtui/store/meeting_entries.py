"""What the meeting records under an item: action-log reviews, new actions,
interventions, RAG changes, risk reviews and closures.

Each is linked to the meeting and the item: actions through their columns, the
rest through a numbered note under the item that says what was done (so the
minutes show it) and the audit trail the store hooks write.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules.dates import action_ref, fmt_date
from jagtui.store import actions, cases, interventions, meetings, risk
from jagtui.store.errors import Invalid
from jagtui.store.meeting_run import item_in_session
from jagtui.store.meetings import changeable_meeting
from jagtui.store.models import Action, ActionUpdate, Case, Person, RiskAssessment
from jagtui.store.records import conflict, fetch, require

CARRIED = "Carried forward"


# --- the action log, each open action in turn ---------------------------------------------------

def _reviewing(session: Session, meeting_id: int, action_id: int) -> Action:
    meeting = changeable_meeting(session, meeting_id)
    if meeting.status != "in progress":
        raise Invalid("Start the meeting before reviewing the action log")
    action = fetch(session, Action, action_id, "action")
    if action.meeting_id == meeting_id:
        raise Invalid("This action was raised at this meeting: it is reviewed at the next one")
    return action


def review_update(session: Session, meeting_id: int, action_id: int, text: str, *,
                  expected_version: int | None = None, reopen: bool = False) -> ActionUpdate:
    """The owner's update; the action stays open.

    ``expected_version`` (the action as the chair read it): an action someone else
    completed since is a clash, not silently reopened; one already complete is
    refused unless ``reopen`` (``actions.add_update``).
    """
    _reviewing(session, meeting_id, action_id)
    on = changeable_meeting(session, meeting_id).held_on
    return actions.add_update(session, action_id, on, text, status="open", meeting_id=meeting_id,
                              expected_version=expected_version, reopen=reopen)


def review_complete(session: Session, meeting_id: int, action_id: int, text: str = "", *,
                    expected_version: int | None = None) -> ActionUpdate:
    """The action is done: ``Complete.`` as the seeds minute it, or the update given."""
    _reviewing(session, meeting_id, action_id)
    on = changeable_meeting(session, meeting_id).held_on
    return actions.add_update(session, action_id, on, text.strip() or "Complete.",
                              status="complete", meeting_id=meeting_id,
                              expected_version=expected_version)


def carry_forward(session: Session, meeting_id: int, action_id: int, due_on: date,
                  text: str = "", *, expected_version: int | None = None,
                  reopen: bool = False) -> ActionUpdate:
    """Still open: a ``Carried forward`` update and the new complete-by date."""
    action = _reviewing(session, meeting_id, action_id)
    meeting = changeable_meeting(session, meeting_id)
    if due_on < meeting.held_on:
        raise Invalid(f"The new date ({fmt_date(due_on)}) is before this meeting")
    words = f"{CARRIED} to {fmt_date(due_on)}" + (f": {text.strip()}" if text.strip() else ".")
    update = actions.add_update(session, action_id, meeting.held_on, words, status="open",
                                meeting_id=meeting_id, expected_version=expected_version,
                                reopen=reopen)
    action.due_on = due_on
    session.flush()
    return update


# --- a case item -------------------------------------------------------------------------------

def default_action_ref(session: Session, item_id: int) -> str:
    """``221126 Item 5``: the meeting's date code and the item's number."""
    meeting, item = item_in_session(session, item_id)
    return action_ref(meeting.held_on, item.number)


def raise_action(session: Session, item_id: int, *, text: str, owner: str, owner_agency: str = "",
                 due_on: date | None = None, ref: str = "", case_id: int | None = None) -> Action:
    """A new action under the item, on the item's case unless another is named."""
    meeting, item = item_in_session(session, item_id)
    if due_on is not None and due_on < meeting.held_on:
        raise Invalid(f"The complete-by date ({fmt_date(due_on)}) is before this meeting")
    # The ref is the meeting's code and the item's number, never typed over: the minutes
    # and every export name the action by it.
    own = action_ref(meeting.held_on, item.number)
    if ref.strip() and " ".join(ref.split()).casefold() != own.casefold():
        raise Invalid(f"An action raised at this item is {own}: its ref is not changed")
    return actions.add_action(
        session, ref=own, text=text, owner=owner,
        owner_agency=owner_agency, due_on=due_on, case_id=case_id or item.case_id,
        meeting_id=meeting.id, item_id=item.id,
    )


def _case_item(session: Session, item_id: int):
    meeting, item = item_in_session(session, item_id)
    if item.case_id is None:
        raise Invalid("This item is not about a case")
    return meeting, item


def record_intervention(session: Session, cfg: Config, item_id: int, *, step: str,
                        issuing_agency: str, issued_on: date, review_on: date | None = None,
                        person_id: int | None = None, notes: str = ""):
    """An intervention on the ladder for the item's case, issued to ``person_id`` (one of
    :func:`interventions.recipients`; none only on a location case), minuted under the
    item with who received it and its notes."""
    _meeting, item = _case_item(session, item_id)
    done = interventions.issue_intervention(
        session, case_id=item.case_id, step=step, steps=[s.key for s in cfg.ladder],
        issuing_agency=issuing_agency, issued_on=issued_on, review_on=review_on,
        person_id=person_id, notes=notes.strip())
    name = next(s.name for s in cfg.ladder if s.key == step)
    to = f" to {session.get(Person, person_id).name}" if person_id is not None else ""
    until = f", review by {fmt_date(review_on)}" if review_on else ""
    said = f" Notes: {notes.strip()}" if notes.strip() else ""
    meetings.add_note(session, item.id, f"Intervention recorded: {name}{to}, issued by "
                      f"{cfg.agency_name(issuing_agency)} on {fmt_date(issued_on)}{until}.{said}")
    return done


def change_rag(session: Session, item_id: int, expected_version: int | None, rag: str):
    """The meeting agrees the case's RAG rating; minuted as a decision."""
    _meeting, item = _case_item(session, item_id)
    # Locked and read afresh, so the minuted "from" is the rating as it stands.
    case = fetch(session, Case, item.case_id, "case", lock=True)
    before = case.rag
    if rag == before:
        raise Invalid(f"The RAG rating is already {rag}")
    cases.update_case(session, item.case_id, expected_version, rag=rag)
    meetings.add_note(session, item.id, f"That the RAG rating be changed from {before} to {rag}.",
                      kind="agreed")
    return case


def review_risk(session: Session, cfg: Config, item_id: int, *, assessed_on: date, assessor: str,
                answers: dict[str, int], review_due: date, person_id: int | None = None,
                override_level: str | None = None, override_reason: str = "") -> RiskAssessment:
    """A fresh risk assessment for the item's case, minuted under the item."""
    _meeting, item = _case_item(session, item_id)
    try:
        assessment = risk.record_assessment(
            session, cfg.risk, case_id=item.case_id, assessed_on=assessed_on, assessor=assessor,
            answers=answers, review_due=review_due, person_id=person_id,
            override_level=override_level, override_reason=override_reason)
    except ValueError as error:
        raise Invalid(str(error)) from None
    judged = (f" (raised from {assessment.computed_level}: {assessment.override_reason})"
              if assessment.level != assessment.computed_level else "")
    meetings.add_note(session, item.id, f"Risk reviewed by {assessment.assessor}: "
                      f"{assessment.level}{judged}, score {assessment.score:g}; next review "
                      f"{fmt_date(assessment.review_due)}.")
    return assessment


def close_case(session: Session, item_id: int, expected_version: int | None, reason: str):
    """The meeting agrees to close the case on the meeting's date."""
    meeting, item = _case_item(session, item_id)
    reason = require(reason, "A closure reason")
    case = fetch(session, Case, item.case_id, "case", lock=True)
    if expected_version is not None and case.version != expected_version:
        raise conflict(case, {"status": "closed", "closure_reason": reason})
    if case.status == "closed":
        raise Invalid("The case is already closed")
    case = cases.close_case(session, item.case_id, expected_version, meeting.held_on, reason)
    meetings.add_note(session, item.id, f"That the case be closed: {reason}"
                      + still_open_words(open_actions(session, item.case_id)), kind="agreed")
    return case


def open_actions(session: Session, case_id: int) -> list[Action]:
    """The case's actions still open: closing the case leaves them open on the log."""
    return list(session.scalars(select(Action).where(Action.case_id == case_id,
                                                     Action.status == "open")
                                .order_by(Action.id)))  # as raised; the same on both databases


def still_open_words(open_rows: list[Action]) -> str:
    """``. 2 open actions remain open: 111026 Item 4 (Speak to …, PC Hale); …`` for the minute."""
    if not open_rows:
        return ""
    many = len(open_rows) != 1
    listed = "; ".join(f"{a.ref} ({a.text}, {a.owner})" for a in open_rows)
    return f". {len(open_rows)} open action{'s' * many} remain{'' if many else 's'} open: {listed}"
