"""The forms of an ASB case review: the application, each step (the threshold
decision, the review, the escalation route) and a recommendation.

Every step form edits the one application row, saved against the version read
(a clash shows both values); a recommendation is a new action on the action log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.forms.fields import PickField
from jagtui.screens.widgets import DateField
from jagtui.store import case_reviews
from jagtui.store.case_review_tables import CaseReview


@dataclass(frozen=True)
class Spec:
    """One field of a step form: the record's field, its label, its kind and hint."""

    key: str
    label: str
    kind: str = "text"  # "text", "date", "threshold", "agency"
    required: bool = False
    hint: str = ""


STEPS: dict[str, tuple[str, tuple[Spec, ...]]] = {
    "decision": ("Threshold decision", (
        Spec("threshold", "Threshold", "threshold", True, "Met or not met, against the rule shown"),
        Spec("decided_on", "Decided on", "date", True),
        Spec("decision_reason", "Reason", hint="What the decision rests on (told to the applicant)"),
        Spec("lead_agency", "Lead agency", "agency", hint="The agency that runs the review"),
        Spec("told_decision_on", "Applicant told", "date",
             hint="The date the applicant was told the decision (blank: not yet)"),
    )),
    "review": ("Review meeting", (
        Spec("review_on", "Meeting on", "date", True),
        Spec("findings", "Findings", required=True, hint="What the review found"),
        Spec("told_outcome_on", "Applicant told", "date",
             hint="The date the applicant was told the outcome and recommendations (blank: not yet)"),
    )),
    "escalation": ("Escalation route", (
        Spec("escalation_requested_on", "Asked for on", "date", True,
             "The applicant was dissatisfied and asked for the escalation route"),
        Spec("escalation_outcome", "Outcome", hint="What the escalation decided (blank: not yet)"),
        Spec("escalation_decided_on", "Decided on", "date", hint="Blank: not decided yet"),
    )),
}
THRESHOLD_CHOICES = [("Met", "met"), ("Not met", "not met")]


class StepForm(FormScreen[bool]):
    """One step of an application: its fields, saved against the version read."""

    CLASH_RECORD = "review"

    def __init__(self, review: CaseReview, step: str, context: str = "") -> None:
        super().__init__()
        self.review = review
        self.step = step
        self.context = context  # e.g. the threshold test in words, above the decision
        title, self.specs = STEPS[step]
        self.form_title = f"{title}: {review.reference}"
        self.draft_key = f"case-review:{review.id}:{step}"

    def fields(self) -> ComposeResult:
        today, cfg = self.app.today(), self.app.cfg
        if self.context:
            yield Static(literal(self.context), classes="form-context")
        for spec in self.specs:
            value = getattr(self.review, spec.key)
            if spec.kind == "date":
                widget = DateField(value, today=today, optional=not spec.required, id=spec.key)
            elif spec.kind == "threshold":
                widget = Select(THRESHOLD_CHOICES, value=value or Select.NULL, id=spec.key,
                                prompt="Choose met or not met")
            elif spec.kind == "agency":
                widget = Select([(a.name, a.key) for a in cfg.agencies], value=value or Select.NULL,
                                id=spec.key, prompt="Choose the lead agency")
            else:
                widget = Input(value or "", id=spec.key)
            yield field(spec.label, widget, spec.hint)

    def problems(self) -> dict[str, str]:
        wrong, today = {}, self.app.today()
        for spec in self.specs:
            widget = self.query_one(f"#{spec.key}")
            if isinstance(widget, DateField):
                if widget.value.strip() and widget.date is None:
                    wrong[spec.key] = widget.validation_message
                elif spec.required and widget.date is None:
                    wrong[spec.key] = "Type a date"
                elif widget.date is not None and widget.date > today:
                    # Every step date records something done (as Received on does).
                    wrong[spec.key] = "Cannot be in the future"
            elif spec.required and (widget.value in (None, Select.NULL) or not str(widget.value).strip()):
                wrong[spec.key] = f"{spec.label} is needed"
        return wrong

    def changes(self) -> dict:
        found = {}
        for spec in self.specs:
            widget = self.query_one(f"#{spec.key}")
            if isinstance(widget, DateField):
                found[spec.key] = widget.date
            elif isinstance(widget, Select):
                found[spec.key] = "" if widget.value is Select.NULL else widget.value
            else:
                found[spec.key] = widget.value
        return found

    def saver(self):
        changes, cfg, today = self.changes(), self.app.cfg, self.app.today()
        review_id, version = self.review.id, self.against(self.review.version)

        def write(session) -> bool:
            case_reviews.update_application(session, cfg, review_id, version, changes, today)
            return True

        return write

    def saved_message(self, result: bool) -> str:
        return f"{STEPS[self.step][0]} saved: {self.review.reference}"


class ApplicationForm(FormScreen[int]):
    """A new application (or its details changed): received on, the victim and who applied."""

    CLASH_RECORD = "review"
    CLASH_FIELDS = {"person_id": "victim", "case_id": "case_reference"}

    def __init__(self, review: CaseReview | None = None, victim=None, case_reference: str = "") -> None:
        super().__init__()
        self.review = review
        self.victim = victim
        self.case_reference = case_reference
        self.form_title = (f"Application {review.reference}" if review
                           else "New ASB case review application (Community Trigger)")
        self.draft_key = f"case-review:{review.id}:application" if review else "case-review:new"

    def fields(self) -> ComposeResult:
        review, today, cfg = self.review, self.app.today(), self.app.cfg
        yield field("Received on", DateField(review.received_on if review else None, today=today,
                                             id="received_on"), "The date the application arrived")
        yield field("Victim", PickField(self.victim, kinds=("person",), title="The victim",
                                        id="victim"), "The person the ASB is against (Enter to search)")
        yield field("Applicant", Input(review.applicant_name if review else "", id="applicant_name"),
                    "Who applied on the victim's behalf (blank: the victim applied)")
        yield field("Relation", Input(review.applicant_relation if review else "", id="applicant_relation"),
                    "e.g. daughter, ward councillor, support worker")
        yield field("Case", Input(self.case_reference, id="case_reference"),
                    "The case reference, if on one (blank: none)")
        yield field("Lead agency", Select([(a.name, a.key) for a in cfg.agencies],
                                          value=(review.lead_agency if review else "") or Select.NULL,
                                          id="lead_agency", prompt="Choose (optional)"))
        yield field("Reported", Input(review.summary if review else "", id="summary"),
                    "What the applicant says has happened")

    def problems(self) -> dict[str, str]:
        wrong = {}
        received = self.query_one("#received_on", DateField)
        if received.date is None:
            wrong["received_on"] = received.validation_message or "Type a date"
        elif received.date > self.app.today():
            wrong["received_on"] = "Cannot be in the future"
        if self.query_one("#victim", PickField).picked is None and \
                not self.query_one("#applicant_name", Input).value.strip():
            wrong["victim"] = "Choose the victim, or name who applied for them"
        return wrong

    def saver(self):
        cfg, today = self.app.cfg, self.app.today()
        picked = self.query_one("#victim", PickField).picked
        lead = self.query_one("#lead_agency", Select).value
        values = dict(received_on=self.query_one("#received_on", DateField).date,
                      person_id=picked.id if picked else None,
                      applicant_name=self.query_one("#applicant_name", Input).value,
                      applicant_relation=self.query_one("#applicant_relation", Input).value,
                      case_reference=self.query_one("#case_reference", Input).value,
                      lead_agency="" if lead is Select.NULL else lead,
                      summary=self.query_one("#summary", Input).value)
        review = self.review
        version = self.against(review.version) if review else None

        def write(session) -> int:
            if review is None:
                return case_reviews.add_application(session, cfg, **values, today=today).id
            case_reviews.update_application(session, cfg, review.id, version, values, today)
            return review.id

        return write

    def saved_message(self, result: int) -> str:
        return "Application saved"


class RecommendationForm(FormScreen[int]):
    """A recommendation of the review: an action with its owner and complete-by date."""

    def __init__(self, review: CaseReview, next_meeting: date | None = None) -> None:
        super().__init__()
        self.review = review
        self.next_meeting = next_meeting  # what "next meeting" means in Complete by
        self.form_title = f"Recommendation: {review.reference}"
        self.draft_key = f"case-review:{review.id}:recommendation"

    def fields(self) -> ComposeResult:
        cfg = self.app.cfg
        context = Text("Findings: ", style="bold")
        context.append_text(literal(self.review.findings or "(none recorded)"))
        yield Static(context, classes="form-context")
        yield field("Recommendation", Input(id="text"), "Goes on the action log as an action")
        yield field("Owner", Input(id="owner"), "Who carries it out")
        yield field("Agency", Select([(a.name, a.key) for a in cfg.agencies], id="owner_agency",
                                     prompt="Choose (optional)"))
        upcoming = f" ({fmt_date(self.next_meeting)})" if self.next_meeting else ""
        yield field("Complete by", DateField(today=self.app.today(), next_meeting=self.next_meeting,
                                             optional=True, id="due_on"),
                    f"2026-12-01, +6w or next meeting{upcoming} (blank: no date)")

    def problems(self) -> dict[str, str]:
        wrong = {}
        if not self.query_one("#text", Input).value.strip():
            wrong["text"] = "Say what is recommended"
        if not self.query_one("#owner", Input).value.strip():
            wrong["owner"] = "Name who carries it out"
        due = self.query_one("#due_on", DateField)
        if due.value.strip() and due.date is None:
            wrong["due_on"] = due.validation_message
        return wrong

    def saver(self):
        agency = self.query_one("#owner_agency", Select).value
        values = dict(text=self.query_one("#text", Input).value, owner=self.query_one("#owner", Input).value,
                      owner_agency="" if agency is Select.NULL else agency,
                      due_on=self.query_one("#due_on", DateField).date)
        review_id = self.review.id

        def write(session) -> int:
            return case_reviews.add_recommendation(session, review_id, **values).id

        return write

    def saved_message(self, result: int) -> str:
        return "Recommendation saved as an action"


