"""The agenda runner's quick keys: each opens a form that records under the current item.

AGREED (a), an action (o), attendance (w), the next meeting's date (d); on a case
item an intervention (e), a RAG change (r), a risk review (s), a closure (x); on
the action log the highlighted action's update (u), completion (c) or carrying
forward (f), the cursor then moving to the next action not yet reviewed. After a
save the item's notes and the case are read again.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable

from jagtui.screens.forms.meeting_forms import (
    AttendeeForm, CarryForwardForm, ClosureForm, DecisionForm, MeetingActionForm,
    MeetingInterventionForm, MeetingReviewForm, MeetingRiskForm, NextMeetingForm, RagForm,
)


class EntryKeys:
    """Mixin of :class:`~jagtui.screens.agenda_runner.AgendaRunnerScreen`: uses its
    ``item``, ``view``, ``current``, ``pane``, ``meeting_id``, ``title_of`` and
    ``refresh_current``."""

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        item = self.item
        if item is None:
            return action in ("back",)
        if action in ("intervention", "rag", "risk", "close_case", "refs", "refer"):
            return item.case_id is not None
        if action == "review":
            return item.kind == "actions"
        if action == "next_date":
            return item.kind == "next meeting"
        return True

    def _form(self, form, then: Callable | None = None) -> None:
        def saved(result) -> None:
            if result is not None:
                if then is not None:
                    then(result)
                self.refresh_current()

        self.app.push_screen(form, saved)

    def _case_ready(self) -> bool:
        if not self.app.allowed("chair"):
            return False
        if self.current is None or self.current.file is None:
            self.app.notify("The case is still loading", severity="warning")
            return False
        return True

    def action_agreed(self) -> None:
        if self.item is not None and self.app.allowed("chair"):
            self._form(DecisionForm(self.item, self.title_of(self.item)))

    def action_new_action(self) -> None:
        item = self.item
        if item is None or not self.app.allowed("chair"):
            return
        refs = self.view.open_case_refs
        case_ref = next((ref for ref, cid in refs.items() if cid == item.case_id), "")
        self._form(MeetingActionForm(item, self.view.meeting, self.app.cfg, self.app.today(),
                                     self.view.next_on, refs, case_ref))

    def action_intervention(self) -> None:
        if self._case_ready():
            self._form(MeetingInterventionForm(self.item, self.current.file, self.app.cfg,
                                               self.app.today()))

    def action_rag(self) -> None:
        if self._case_ready():
            self._form(RagForm(self.item, self.current.file))

    def action_risk(self) -> None:
        if self._case_ready():
            self._form(MeetingRiskForm(self.item, self.current.file))

    def action_close_case(self) -> None:
        if self._case_ready():
            self._form(ClosureForm(self.item, self.current.file, self.view.meeting))

    def action_review(self, kind: str) -> None:
        row = self.pane.review_row(self.view)
        if row is None or not self.app.allowed("chair"):
            return
        if row.action.status != "open":
            # As on the Actions screen: u or f would reopen it (the store refuses it too),
            # and a second "Complete." would push the update that closed it out of the minutes.
            self.app.notify(f"This action is already {row.action.status}: the minutes give "
                            "its own update; u, c and f are for open actions",
                            severity="warning")
            return
        meeting = self.view.meeting
        if kind == "carry":
            form = CarryForwardForm(row, meeting, self.view.next_on)
        else:
            form = MeetingReviewForm(row, meeting, self.app.cfg, complete=kind == "complete")
        self._form(form, lambda _: self.after_review(row.action.id))

    def after_review(self, action_id: int) -> None:
        """Each action in turn: the cursor moves to the next one not yet reviewed."""
        ids = [row.action.id for row in self.view.review]
        start = ids.index(action_id) + 1 if action_id in ids else 0
        pending = [n for n in range(start, len(ids)) if not self.view.reviewed(self.view.review[n])
                   and ids[n] != action_id]
        table = self.query_one("#review", DataTable)
        if pending:
            table.move_cursor(row=pending[0])
        elif start < len(ids):
            table.move_cursor(row=start)

    def action_next_date(self) -> None:
        if self.app.allowed("chair"):
            self._form(NextMeetingForm(self.view.meeting, self.view.next_on))

    def action_attendance(self) -> None:
        if self.app.allowed("chair"):
            self._form(AttendeeForm(self.meeting_id))
