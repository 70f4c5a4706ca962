"""One ASB case review, from application to outcome: who applied, the incidents
reported with the threshold test in words, each step with its due date in working
days (overdue in red), the recommendations (actions on the action log), the
applicant told, and the escalation route.

Keys: ``c`` the application's details, ``d`` the threshold decision, ``v`` the
review meeting and findings, ``a`` a recommendation, ``e`` the escalation route,
``w`` the record as Word, ``o`` the case, Esc back.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from jagtui.display import literal
from jagtui.rules.case_review import rule_words
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import FORMS_CSS
from jagtui.screens.palette import binding_commands
from jagtui.screens.privacy import person_name, redact
from jagtui.store import case_reviews
from jagtui.store.case_reviews import ReviewDetail, ReviewRow, applicant_words
from jagtui.store.casework import Picked
from jagtui.store.errors import StoreError
from jagtui.store.meetings import next_meeting_on

THRESHOLD_WORDS = {"met": "MET", "not met": "NOT MET", "": "not decided yet"}


def shown_applicant(row: ReviewRow, private: bool) -> str:
    """Who applied, names as initials in privacy mode."""
    if not private:
        return row.applicant
    return applicant_words(person_name(row.representative, True) if row.representative else "",
                           row.relation, person_name(row.victim, True) if row.victim else "")


def open_review(app, review_id: int, after: Callable | None = None) -> None:
    """The record of one application, over whatever screen is showing."""
    app.push_screen(CaseReviewScreen(review_id), after)


def new_application(app, after: Callable, victim=None, case_reference: str = "") -> None:
    """The application form; ``after`` gets the new application's id (None: cancelled)."""
    if not app.allowed("edit"):
        return
    from jagtui.screens.forms.case_review import ApplicationForm

    app.push_screen(ApplicationForm(victim=victim, case_reference=case_reference), after)


def review_from_case(app, file) -> None:
    """From the case view (``T``): the case's latest application, or a new one for its
    victim (the primary person, else the first victim) on this case."""
    case, parties = file.case, file.parties

    def read() -> None:
        try:
            with app.store.read() as session:
                found = case_reviews.for_case(session, case.id)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        app.call_from_thread(shown, found)

    def shown(found: list[int]) -> None:
        if found:
            if len(found) > 1:
                app.notify(f"{len(found)} applications on this case: the latest is shown "
                           "(0 lists them all)", timeout=6)
            open_review(app, found[0])
            return
        people = sorted((p for p in parties if p.person_id is not None and p.role == "victim"),
                        key=lambda p: not p.primary)
        victim = Picked("person", people[0].person_id, people[0].name) if people else None
        new_application(app, lambda review_id: open_review(app, review_id) if review_id else None,
                        victim=victim, case_reference=case.reference)

    app.run_worker(read, thread=True, group="case-review-from-case", exit_on_error=False)


class CaseReviewScreen(ModalScreen[int | None]):
    CSS_PATH = FORMS_CSS
    TITLE = "ASB case review"
    BINDINGS = [
        Binding("escape", "back", "Back", key_display="Esc", id="review-back", tooltip="Back"),
        Binding("d", "step('decision')", "Decision", id="review-decision",
                tooltip="The threshold decision: met or not, the date, the reason, the lead "
                        "agency and the date the applicant was told"),
        Binding("v", "step('review')", "Review", id="review-review",
                tooltip="The review meeting: its date, the findings, the date the applicant "
                        "was told the outcome"),
        Binding("a", "recommend", "Recommend", id="review-recommend",
                tooltip="A recommendation of the review: an action with its owner and date"),
        Binding("e", "step('escalation')", "Escalation", id="review-escalation",
                tooltip="The applicant is dissatisfied: the escalation route asked for, its outcome"),
        Binding("c", "details", "Application", id="review-details",
                tooltip="The application's details: received on, victim, applicant, case"),
        Binding("w", "export", "Word", id="review-export",
                tooltip="Export this review's record as a Word document"),
        Binding("o", "open_case", "Case", id="review-case", tooltip="Open the case it is on"),
    ]

    def __init__(self, review_id: int) -> None:
        super().__init__()
        self.review_id = review_id
        self.found: ReviewDetail | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text("ASB case review"), id="form-title", markup=False)
            with VerticalScroll(id="form-body"):
                yield Static(Text("Reading…", style="dim"), id="review-record", markup=False)
            yield Static("d decision · v review · a recommend · e escalation · c application · "
                         "w Word · o case · Esc back", classes="hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#form-body").focus()
        self.load()

    def palette_commands(self):
        return binding_commands(self)

    @work(thread=True, exclusive=True, group="case-review")
    def load(self) -> None:
        app = self.app
        try:
            with app.store.read() as session:
                found = case_reviews.detail(session, app.cfg, self.review_id, app.today())
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        app.call_from_thread(self.show, found)

    def show(self, found: ReviewDetail) -> None:
        self.found = found
        self.query_one("#form-title", Static).update(literal(
            f"ASB case review {found.review.reference}: {found.row.status}", "bold"))
        self.query_one("#review-record", Static).update(self.record_text(found))

    def refresh_privacy(self) -> None:
        if self.found is not None:
            self.show(self.found)

    def _free(self, text: str) -> Text:
        return literal(redact(text, [], self.app.private) if text else "(not recorded)")

    def record_text(self, found: ReviewDetail) -> Text:
        r, row, cfg, today = found.review, found.row, self.app.cfg, self.app.today()
        private = self.app.private
        out = Text()

        def head(words: str) -> None:
            out.append(f"\n{words}\n", style="bold underline")

        def line(label: str, value: Text | str) -> None:
            out.append(f"{label}: ", style="bold")
            out.append_text(value if isinstance(value, Text) else literal(value))
            out.append("\n")

        line("Received", fmt_date(r.received_on))
        line("Applicant", shown_applicant(row, private))
        line("Victim", person_name(row.victim, private) or "(not held)")
        line("Case", row.case_reference or "(none)")
        line("Lead agency", cfg.agency_name(r.lead_agency) or "(not set)")
        line("Reported", self._free(r.summary))
        head("Threshold test")
        line("Rule", rule_words(cfg.flags.community_trigger))
        out.append_text(literal(found.test.summary, "bold green" if found.test.met else "bold yellow"))
        out.append("\n")
        for incident in found.test.lines:
            out.append_text(literal(f"  {incident.words}", "" if incident.counts else "dim"))
            out.append("\n")
        if not found.test.lines:
            out.append("  No incidents held with the victim in the window (choose the victim with c)\n",
                       style="dim")
        head("Decision")
        line("Threshold", THRESHOLD_WORDS.get(r.threshold, r.threshold))
        line("Decided on", fmt_date(r.decided_on) if r.decided_on else "-")
        line("Reason", self._free(r.decision_reason))
        line("Applicant told", fmt_date(r.told_decision_on) if r.told_decision_on else "not yet")
        if r.threshold == "met":
            head("Review")
            line("Meeting on", fmt_date(r.review_on) if r.review_on else "not yet")
            line("Findings", self._free(r.findings))
            line("Applicant told the outcome", fmt_date(r.told_outcome_on) if r.told_outcome_on else "not yet")
            head("Recommendations (actions)")
            for rec in found.recommendations:
                due = f", by {fmt_date(rec.due_on)}" if rec.due_on else ""
                out.append_text(literal(f"  {rec.ref}: {redact(rec.text, [], private)} "
                                        f"({rec.owner}{due}; {rec.status})"))
                out.append("\n")
            if not found.recommendations:
                out.append("  None yet: a adds one\n", style="dim")
        if r.escalation_requested_on:
            head("Escalation")
            line("Route", cfg.case_reviews.escalation_route)
            line("Asked for on", fmt_date(r.escalation_requested_on))
            line("Outcome", self._free(r.escalation_outcome))
            line("Decided on", fmt_date(r.escalation_decided_on) if r.escalation_decided_on else "not yet")
        head("Steps and timescales (working days)")
        for step in found.steps:
            style = "bold red" if step.overdue(today) else ("yellow" if step.late() else "")
            out.append_text(literal(f"  {step.words(today)}", style))
            out.append("\n")
        if found.uncovered:
            out.append(f"Bank holidays not known for {', '.join(map(str, found.uncovered))}: "
                       "weekends only there\n", style="italic")
        return out

    # -- keys -------------------------------------------------------------------------

    def _saved(self, result) -> None:
        if result is not None:
            self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_step(self, step: str) -> None:
        found = self.found
        if found is None or not self.app.allowed("edit"):
            return
        if step == "review" and found.review.threshold != "met":
            self.app.notify("A review is held only when the threshold is met: record the decision "
                            "first (d)", severity="warning")
            return
        from jagtui.screens.forms.case_review import StepForm

        context = found.test.summary if step == "decision" else ""
        self.app.push_screen(StepForm(found.review, step, context), self._saved)

    def action_recommend(self) -> None:
        found = self.found
        if found is None or not self.app.allowed("edit"):
            return
        if found.review.review_on is None:
            self.app.notify("Recommendations come from the review: record the review meeting first (v)",
                            severity="warning")
            return
        self._recommend(found)

    @work(thread=True, exclusive=True, group="case-review-recommend")
    def _recommend(self, found: ReviewDetail) -> None:
        """The main group's next meeting, read first as the Actions screen's ``a`` does,
        so "next meeting" in Complete by is the one the Meetings list shows."""
        app = self.app
        try:
            with app.store.read() as session:
                upcoming = next_meeting_on(session, app.cfg.meetings.cadence_weeks, app.today(),
                                           app.cfg.subgroups[0].key)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        app.call_from_thread(self._open_recommend, found, upcoming)

    def _open_recommend(self, found: ReviewDetail, upcoming) -> None:
        from jagtui.screens.forms.case_review import RecommendationForm

        self.app.push_screen(RecommendationForm(found.review, upcoming), self._saved)

    def action_details(self) -> None:
        found = self.found
        if found is None or not self.app.allowed("edit"):
            return
        self._details(found)

    @work(thread=True, group="case-review-victim")
    def _details(self, found: ReviewDetail) -> None:
        from jagtui.store.casework import picked

        app, victim = self.app, None
        if found.review.person_id is not None:
            try:
                with app.store.read() as session:
                    victim = picked(session, "person", found.review.person_id)
            except StoreError:
                victim = None
        app.call_from_thread(self._open_details, found, victim)

    def _open_details(self, found: ReviewDetail, victim) -> None:
        from jagtui.screens.forms.case_review import ApplicationForm

        self.app.push_screen(ApplicationForm(found.review, victim, found.row.case_reference), self._saved)

    def action_export(self) -> None:
        if self.found is not None and self.app.allowed("export"):
            self._export()

    @work(thread=True, exclusive=True, group="case-review-export")
    def _export(self) -> None:
        from jagtui.export.case_review import export_review

        app = self.app
        try:
            paths = export_review(app.store, app.cfg, self.review_id, app.today())
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        app.call_from_thread(app.notify, "Exported: " + ", ".join(str(p) for p in paths),
                             timeout=10, markup=False)

    def action_open_case(self) -> None:
        """Back, asking the screen below to open the case (the case view itself just shows)."""
        found = self.found
        if found is None:
            return
        if found.row.case_id is None:
            self.app.notify("This application is not on a case: c sets the case reference",
                            severity="warning")
            return
        self.dismiss(found.row.case_id)
