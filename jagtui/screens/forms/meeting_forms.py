"""Forms used while a meeting runs: each records under the current item.

Where another screen already has the form (an action, an update, an
intervention, the risk questionnaire) these subclasses keep its fields and
checks and only change what is saved: the meeting's own store functions, which
link the record to the meeting and the item. Saving asks for the chair
permission. Each ``saver`` reads its fields on the UI thread; only the write
runs in the form's worker.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from jagtui.config import Config
from jagtui.display import literal
from jagtui.rules.dates import action_ref, fmt_date
from jagtui.screens.forms.action import ActionContext, ActionForm, ActionUpdateForm, _agency
from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.forms.intervention import InterventionForm
from jagtui.screens.forms.risk_form import RiskForm
from jagtui.screens.widgets import DateField
from jagtui.store import meeting_entries, meeting_run
from jagtui.store.actions import ActionRow
from jagtui.store.casefile import CaseFile
from jagtui.store.interventions import (
    EscalationCase, InterventionRow, default_recipient, recipients_from,
)
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import RAG, Meeting, MeetingItem


class ChairOnly:
    """Meeting records are the chair's to make."""

    def action_save(self) -> None:
        if self.app.allowed("chair"):
            super().action_save()


def _context(*parts: tuple[str, str]) -> Static:
    text = Text()
    for value, style in parts:
        text.append_text(literal(value, style))
    return Static(text, classes="form-context")


# --- the action log ----------------------------------------------------------------------------

class MeetingReviewForm(ChairOnly, ActionUpdateForm):
    """The owner's update on an action from the log (``complete``: it closes)."""

    def __init__(self, row: ActionRow, meeting: Meeting, cfg: Config, complete: bool = False) -> None:
        super().__init__(row, cfg, meeting.held_on, complete=complete)
        self.meeting_id = meeting.id
        self.draft_key = f"meeting:{meeting.id}:review:{row.action.id}:{'done' if complete else 'update'}"

    def on_mount(self) -> None:
        if self.complete:
            self.query_one("#update", Input).value = "Complete."
        super().on_mount()

    def saver(self):
        # Read on the UI thread; the write runs in the form's worker.
        text = self.query_one("#update", Input).value.strip()
        meeting_id, action_id, complete = self.meeting_id, self.row.action.id, self.complete
        # Someone who completed (or reopened) the action since the chair read it: a clash.
        version = self.against(self.row.action.version)
        reopen = bool(self._overwrite)  # kept over a completion, in the clash panel

        def write(session) -> str:
            if complete:
                meeting_entries.review_complete(session, meeting_id, action_id, text,
                                                expected_version=version)
                return "complete"
            meeting_entries.review_update(session, meeting_id, action_id, text,
                                          expected_version=version, reopen=reopen)
            return "open"

        return write

    def saved_message(self, result: str) -> str:
        return "Action complete" if result == "complete" else "Update recorded"


class CarryForwardForm(ChairOnly, FormScreen[date]):
    """Still open: a new complete-by date (the next meeting by default)."""

    form_title = "Carry the action forward"

    def __init__(self, row: ActionRow, meeting: Meeting, next_meeting: date) -> None:
        super().__init__()
        self.row = row
        self.meeting = meeting
        self.next_meeting = next_meeting
        self.draft_key = f"meeting:{meeting.id}:review:{row.action.id}:carry"

    def fields(self) -> ComposeResult:
        action = self.row.action
        was = f"\nWas due {fmt_date(action.due_on)}" if action.due_on else "\nNo date was set"
        yield _context((action.ref, "bold"), (": ", ""), (action.text, ""), (was, "dim"))
        yield field("New complete-by", DateField(self.next_meeting, today=self.meeting.held_on,
                                                 next_meeting=self.next_meeting, id="due"),
                    "2026-12-01, +6w or next meeting")
        yield field("Why (optional)", Input(id="note", placeholder="e.g. awaiting the landlord"))

    def problems(self) -> dict[str, str]:
        due = self.query_one("#due", DateField)
        if due.date is None:
            return {"due": due.validation_message}
        if due.date < self.meeting.held_on:
            return {"due": "The new date is before this meeting"}
        return {}

    def saver(self):
        due, note = self.query_one("#due", DateField).date, self.query_one("#note", Input).value
        meeting_id, action_id = self.meeting.id, self.row.action.id
        version = self.against(self.row.action.version)
        reopen = bool(self._overwrite)  # kept over a completion, in the clash panel

        def write(session) -> date:
            meeting_entries.carry_forward(session, meeting_id, action_id, due, note,
                                          expected_version=version, reopen=reopen)
            return due

        return write

    def saved_message(self, result: date) -> str:
        return f"Carried forward to {fmt_date(result)}"


# --- a case item -------------------------------------------------------------------------------

class DecisionForm(ChairOnly, FormScreen[int]):
    """An AGREED decision under the item, worded as the seeds do: ``That ...``."""

    form_title = "AGREED"

    def __init__(self, item: MeetingItem, heading: str) -> None:
        super().__init__()
        self.item = item
        self.heading = heading
        self.draft_key = f"meeting:{item.meeting_id}:item:{item.id}:agreed"

    def fields(self) -> ComposeResult:
        yield _context((f"Item {self.item.number}: ", "dim"), (self.heading, "bold"))
        yield field("AGREED", Input(id="decision", placeholder="That the police increase patrols"),
                    "One decision; numbered in the minutes")

    def problems(self) -> dict[str, str]:
        if not self.query_one("#decision", Input).value.strip():
            return {"decision": "Type the decision"}
        return {}

    def saver(self):
        text, item_id = self.query_one("#decision", Input).value, self.item.id
        return lambda session: meeting_run.record_note(session, item_id, text, kind="agreed").number

    def saved_message(self, result: int) -> str:
        return "Decision recorded"


class MeetingActionForm(ChairOnly, ActionForm):
    """A new action under the item: the ref is this meeting's code and item number."""

    form_title = "New action"

    def __init__(self, item: MeetingItem, meeting: Meeting, cfg: Config, today: date,
                 next_meeting: date, case_refs: dict[str, int], case_ref: str = "") -> None:
        context = ActionContext(today=today, default_ref=action_ref(meeting.held_on, item.number),
                                next_meeting=next_meeting, case_refs=case_refs)
        super().__init__(context, cfg, case_ref)
        self.item_id = item.id
        self.draft_key = f"meeting:{meeting.id}:item:{item.id}:action"

    def saver(self):
        values = dict(
            text=self.query_one("#text", Input).value.strip(),
            owner=self.query_one("#owner", Input).value.strip(),
            owner_agency=_agency(self.query_one("#agency", Select)),
            due_on=self.query_one("#due", DateField).date, case_id=self.case_id())
        item_id = self.item_id
        return lambda session: meeting_entries.raise_action(session, item_id, **values).id


def escalation_case(file: CaseFile) -> EscalationCase:
    """The case as the intervention form takes it, for any case on the agenda."""
    subject = file.subject
    case = file.case
    known = dict(
        case_id=case.id, reference=case.reference, title=case.title, case_type=case.case_type,
        status=case.status, lead_agency=case.lead_agency,
        subject=subject.name if subject else case.title,
        subject_is_person=bool(subject and subject.is_person),
        locality=subject.locality if subject else "", beat=case.beat,
        person_id=subject.person_id if subject and subject.is_person else None,
        interventions=tuple(
            InterventionRow(line.intervention.id, line.intervention.version, line.intervention.step,
                            line.intervention.issuing_agency, line.intervention.issued_on,
                            line.intervention.review_on, line.intervention.outcome,
                            line.intervention.notes, line.intervention.person_id,
                            tuple(b.breached_on for b in line.breaches))
            for line in file.interventions),
    )
    return EscalationCase(**{f.name: known.get(f.name) for f in dataclass_fields(EscalationCase)})


class MeetingInterventionForm(ChairOnly, InterventionForm):
    """An intervention agreed for the item's case: who receives it (the perpetrator on a
    perpetrator case; chosen on any other), the step (the ladder's next) and notes."""

    notes_after_step = True

    def __init__(self, item: MeetingItem, file: CaseFile, cfg: Config, today: date) -> None:
        suggested = file.ladder.suggested.key if file.ladder.suggested else None
        people = recipients_from((p.person_id, p.name, p.role, p.primary) for p in file.parties)
        super().__init__(escalation_case(file), cfg, today, suggested, recipients=people,
                         chosen=default_recipient(file.case.case_type, people))
        self.item_id = item.id
        self.draft_key = f"meeting:{item.meeting_id}:item:{item.id}:intervention"

    def saver(self):
        # Read on the UI thread; the write runs in the form's worker.
        values = dict(
            step=self.query_one("#step", Select).value,
            issuing_agency=self.query_one("#agency", Select).value,
            issued_on=self.query_one("#issued", DateField).date,
            review_on=self.query_one("#review", DateField).date,
            person_id=self.person_id(), notes=self.query_one("#notes", Input).value.strip())
        cfg, item_id = self.cfg, self.item_id

        def write(session) -> int:
            return meeting_entries.record_intervention(session, cfg, item_id, **values).id

        return write


class MeetingRiskForm(ChairOnly, RiskForm):
    """A risk review at the meeting, minuted under the item."""

    def __init__(self, item: MeetingItem, file: CaseFile) -> None:
        super().__init__(file, start_from_latest=True)  # a review: unchanged answers, one key
        self.item_id = item.id
        self.draft_key = f"meeting:{item.meeting_id}:item:{item.id}:risk"

    def saver(self):
        values = dict(
            assessed_on=self.app.today(), assessor=self.app.user_name, answers=self.answers(),
            review_due=self.query_one("#review_due", DateField).date,
            person_id=self.victim.person_id if self.victim else None,  # the case's victim
            override_level=self.override(),
            override_reason=self.query_one("#override_reason", Input).value.strip(),
        )
        cfg, item_id = self.app.cfg, self.item_id

        def write(session) -> bool:
            meeting_entries.review_risk(session, cfg, item_id, **values)
            return True

        return write


class RagForm(ChairOnly, FormScreen[str]):
    """The RAG rating the meeting agrees; minuted as a decision."""

    form_title = "RAG rating"
    TAKE_THEIRS_CLOSES = True  # after a clash, their rating stands: nothing left to save
    CLASH_RECORD = "case"

    def __init__(self, item: MeetingItem, file: CaseFile) -> None:
        super().__init__()
        self.item = item
        self.case = file.case
        self.draft_key = f"meeting:{item.meeting_id}:item:{item.id}:rag"

    def fields(self) -> ComposeResult:
        yield _context((self.case.reference, "bold"), (f"  now {self.case.rag.upper()}", ""))
        # Opens on the case's rating: a ctrl+s straight away changes nothing (refused below).
        yield field("RAG", Select([(rag.upper(), rag) for rag in RAG], value=self.case.rag,
                                  allow_blank=False, id="rag"), "Red, amber or green")

    def problems(self) -> dict[str, str]:
        if self.query_one("#rag", Select).value == self.case.rag:
            return {"rag": f"It is {self.case.rag} already: choose another rating"}
        return {}

    def saver(self):
        rag, item_id = self.query_one("#rag", Select).value, self.item.id
        version = self.against(self.case.version)  # after a clash: the version the user saw

        def write(session) -> str:
            meeting_entries.change_rag(session, item_id, version, rag)
            return rag

        return write

    def saved_message(self, result: str) -> str:
        return f"RAG now {result.upper()}"


class ClosureForm(ChairOnly, FormScreen[bool]):
    """Close the case on the meeting's date, with the reason the meeting agreed."""

    form_title = "Close the case"
    TAKE_THEIRS_CLOSES = True  # after a clash, the case stays as they left it
    CLASH_RECORD = "case"
    CLASH_FIELDS = {"closure_reason": "reason"}

    def __init__(self, item: MeetingItem, file: CaseFile, meeting: Meeting) -> None:
        super().__init__()
        self.item = item
        self.case = file.case
        self.meeting = meeting
        self.draft_key = f"meeting:{meeting.id}:item:{item.id}:closure"
        self.still_open = [row.action for row in file.actions if row.action.status == "open"]

    def fields(self) -> ComposeResult:
        yield _context((self.case.reference, "bold"),
                       (f"  closes on {fmt_date(self.meeting.held_on)}", ""))
        if self.still_open:  # the chair closes knowing what is left on the action log
            count = len(self.still_open)
            warning = Text(f"{count} open action{'s' * (count != 1)} on this case stay open "
                           "on the action log (complete or carry them there):", style="bold")
            for action in self.still_open:
                warning.append("\n  • ")
                warning.append_text(literal(action.ref, "bold"))
                warning.append_text(literal(f"  {action.text} – {action.owner}"))
            yield Static(warning, id="still-open", classes="form-context")
        yield field("Reason", Input(id="reason", placeholder="e.g. no incidents for three months"),
                    "Minuted as: AGREED that the case be closed"
                    + (", with the actions left open" if self.still_open else ""))

    def problems(self) -> dict[str, str]:
        if not self.query_one("#reason", Input).value.strip():
            return {"reason": "Give the reason the meeting agreed"}
        return {}

    def saver(self):
        reason, item_id = self.query_one("#reason", Input).value, self.item.id
        version = self.against(self.case.version)  # after a clash: the version the user saw

        def write(session) -> bool:
            meeting_entries.close_case(session, item_id, version, reason)
            return True

        return write

    def saved_message(self, result: bool) -> str:
        return f"{self.case.reference} closed"


# --- the meeting itself -----------------------------------------------------------------------

class NextMeetingForm(ChairOnly, FormScreen[date]):
    form_title = "Date of next meeting"

    def __init__(self, meeting: Meeting, proposed: date) -> None:
        super().__init__()
        self.meeting = meeting
        self.proposed = proposed
        self.draft_key = f"meeting:{meeting.id}:next"

    def fields(self) -> ComposeResult:
        yield field("Next meeting", DateField(self.proposed, today=self.meeting.held_on, id="next_on"),
                    "2027-01-07 or +6w")

    def problems(self) -> dict[str, str]:
        box = self.query_one("#next_on", DateField)
        if box.date is None:
            return {"next_on": box.validation_message}
        if box.date <= self.meeting.held_on:
            return {"next_on": "The next meeting must be after this one"}
        return {}

    def saver(self):
        on, meeting_id = self.query_one("#next_on", DateField).date, self.meeting.id

        def write(session) -> date:
            meeting_run.set_next_meeting(session, meeting_id, on)
            return on

        return write

    def saved_message(self, result: date) -> str:
        return f"Next meeting {fmt_date(result)}"


ATTENDANCE_CHOICES = (("Present", "present"), ("Apologies", "apology"), ("Taking the minutes", "minutes"))


class AttendeeForm(FormScreen[tuple]):
    """A name and organisation typed in: someone not in the directory yet.

    With a ``meeting`` it is recorded on that meeting's attendance; without, it
    returns ``(Attendee, kind)`` to the form that asked (nothing is saved yet).
    """

    form_title = "Add a person"

    def __init__(self, meeting_id: int | None = None, kind: str = "present", name: str = "") -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.kind = kind
        self.typed_name = name
        self.draft_key = f"meeting:{meeting_id or 'new'}:attendee"

    def fields(self) -> ComposeResult:
        yield field("Name", Input(self.typed_name, id="attendee_name", placeholder="e.g. Insp. Ruth Calloway"))
        yield field("Organisation", Input(id="attendee_org", placeholder="e.g. Leicestershire Police"))
        yield field("Attending", Select(ATTENDANCE_CHOICES, value=self.kind, allow_blank=False,
                                        id="attendee_kind"))

    def problems(self) -> dict[str, str]:
        if not self.query_one("#attendee_name", Input).value.strip():
            return {"attendee_name": "Type the person's name"}
        return {}

    def chosen(self) -> tuple[Attendee, str]:
        return (Attendee(self.query_one("#attendee_name", Input).value.strip(),
                         self.query_one("#attendee_org", Input).value.strip()),
                self.query_one("#attendee_kind", Select).value)

    def action_save(self) -> None:
        if self.meeting_id is not None:
            if self.app.allowed("chair"):
                super().action_save()
            return
        if not self.show_problems(all_fields=True):
            self.dismiss(self.chosen())

    def saver(self):
        (attendee, kind), meeting_id = self.chosen(), self.meeting_id

        def write(session) -> tuple:
            meeting_run.add_attendance(session, meeting_id, attendee, kind)
            return attendee, kind

        return write

    def saved_message(self, result: tuple) -> str:
        return f"{result[0].name} added"


class AmendmentForm(ChairOnly, FormScreen[int]):
    """A correction to final minutes: recorded beside them with who and when."""

    form_title = "Amend the final minutes"

    def __init__(self, meeting: Meeting) -> None:
        super().__init__()
        self.meeting = meeting
        self.draft_key = f"meeting:{meeting.id}:amendment"

    def fields(self) -> ComposeResult:
        yield _context((f"{self.meeting.subgroup} meeting of {fmt_date(self.meeting.held_on)}", "bold"),
                       ("\nThe minutes stay as they were; the amendment is listed with them.", "dim"))
        yield field("Amendment", Input(id="amendment",
                                       placeholder="e.g. Item 5: the action owner is PC Hale"))

    def problems(self) -> dict[str, str]:
        if not self.query_one("#amendment", Input).value.strip():
            return {"amendment": "Type the correction"}
        return {}

    def saver(self):
        text, meeting_id = self.query_one("#amendment", Input).value, self.meeting.id
        return lambda session: meeting_run.add_amendment(session, meeting_id, text).id

    def saved_message(self, result: int) -> str:
        return "Amendment recorded"
