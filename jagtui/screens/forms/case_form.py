"""Open a new case (with its primary subject) or change one; closing needs a reason."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Select

from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.forms.fields import PickField
from jagtui.screens.forms.new_party import beat_options
from jagtui.screens.widgets import DateField
from jagtui.store.casework import edit_case, start_case
from jagtui.store.models import CASE_STATUSES, CASE_TYPES, RAG, Case

SUBJECT_KINDS = {"victim": ("person",), "perpetrator": ("person",), "location": ("location",)}


def _chosen(select: Select) -> str:
    return "" if select.value is Select.NULL else str(select.value)


class CaseForm(FormScreen[int]):
    """``case=None`` opens a new case; the result is the case id."""

    CLASH_RECORD = "case"  # the case as read: what the other user changed is told from it

    def __init__(self, case: Case | None = None) -> None:
        super().__init__()
        self.case = case
        self.form_title = f"Edit case {case.reference}" if case else "New case"
        self.draft_key = f"case:{case.id}" if case else "case:new"
        self.reference = case.reference if case else ""

    def fields(self) -> ComposeResult:
        cfg, case, today = self.app.cfg, self.case, self.app.today()
        if case is None:
            yield field("Type", Select([(t, t) for t in CASE_TYPES], id="case_type",
                                       allow_blank=False, value="victim"),
                        "victim, perpetrator or location")
            yield field("Subject", PickField(kinds=("person",), title="The case's subject",
                                             id="subject"),
                        "Enter to search; ctrl+n there creates someone new")
        yield field("Title", Input(case.title if case else "", id="title",
                                   placeholder="e.g. Noise and intimidation, Larkspur Close"))
        yield field("Subgroup", Select([(f"{s.key} {s.name}", s.key) for s in cfg.subgroups],
                                       id="subgroup", allow_blank=False,
                                       value=case.subgroup if case else cfg.subgroups[0].key))
        yield field("Lead agency", Select([(a.name, a.key) for a in cfg.agencies], id="lead_agency",
                                          allow_blank=False,
                                          value=case.lead_agency if case else cfg.agencies[0].key))
        yield field("Lead officer", Input(case.lead_officer if case else "", id="lead_officer",
                                          placeholder="Name of the officer who leads"))
        yield field("CSP priority", Select([(f"{p.key} {p.title}", p.key) for p in cfg.priorities],
                                           id="priority", prompt="(none)",
                                           value=case.priority if case and case.priority else Select.NULL))
        yield field("Beat", Select(beat_options(cfg), id="beat", prompt="(unknown)",
                                   value=case.beat if case and case.beat else Select.NULL))
        yield field("RAG", Select([(r.upper(), r) for r in RAG], id="rag", allow_blank=False,
                                  value=case.rag if case else "amber"),
                    "The rating the meeting agrees")
        if case is None:
            yield field("Opened", DateField(today, today=today, id="opened_on"))
        else:
            yield field("Status", Select([(s, s) for s in CASE_STATUSES], id="status",
                                         allow_blank=False, value=case.status))
            yield field("Closure reason", Input(case.closure_reason, id="closure_reason",
                                                placeholder="Why the case can close"),
                        "Needed to close the case")
        yield field("Summary", Input(case.summary if case else "", id="summary",
                                     placeholder="One line the meeting reads first"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#case_type" if self.case is None else "#title").focus()

    def value_changed(self, widget) -> None:
        if widget.id == "case_type":
            subject = self.query_one("#subject", PickField)
            subject.kinds = SUBJECT_KINDS[str(widget.value)]
            if subject.picked is not None and subject.picked.kind not in subject.kinds:
                subject.set(None)
        elif widget.id == "subject" and widget.picked is not None:
            self._from_subject(widget.picked)

    def _from_subject(self, picked) -> None:
        # The subject suggests the title and beat; anything typed already wins.
        title = self.query_one("#title", Input)
        if not title.value.strip():
            title.value = picked.name
        beat = self.query_one("#beat", Select)
        if picked.beat and beat.value is Select.NULL and picked.beat in {b.code for b in self.app.cfg.beats}:
            beat.value = picked.beat

    def problems(self) -> dict[str, str]:
        wrong = {}
        if not self.query_one("#title", Input).value.strip():
            wrong["title"] = "Type a title"
        if self.case is None:
            if self.query_one("#subject", PickField).picked is None:
                kind = SUBJECT_KINDS[_chosen(self.query_one("#case_type", Select))][0]
                wrong["subject"] = f"Choose the {kind} this case is about (Enter to search)"
            opened = self.query_one("#opened_on", DateField)
            if opened.date is None:
                wrong["opened_on"] = opened.validation_message
            elif opened.date > self.app.today():
                wrong["opened_on"] = "A case cannot be opened in the future"
        else:
            closing = _chosen(self.query_one("#status", Select)) == "closed"
            if closing and not self.query_one("#closure_reason", Input).value.strip():
                wrong["closure_reason"] = "Give a reason for closing the case"
        return wrong

    def common(self) -> dict:
        value = lambda wid: self.query_one(f"#{wid}", Input).value.strip()  # noqa: E731
        return dict(
            title=value("title"), subgroup=_chosen(self.query_one("#subgroup", Select)),
            lead_agency=_chosen(self.query_one("#lead_agency", Select)),
            lead_officer=value("lead_officer"), priority=_chosen(self.query_one("#priority", Select)),
            beat=_chosen(self.query_one("#beat", Select)), rag=_chosen(self.query_one("#rag", Select)),
            summary=value("summary"),
        )

    def saver(self):
        today = self.app.today()
        if self.case is None:
            subject = self.query_one("#subject", PickField).picked
            values = dict(case_type=_chosen(self.query_one("#case_type", Select)),
                          opened_on=self.query_one("#opened_on", DateField).date, **self.common())

            def write_new(session) -> int:
                case = start_case(session, subject=subject, **values)
                self.reference = case.reference
                return case.id

            return write_new
        case = self.case
        changes = self.common()
        changes = {k: v for k, v in changes.items() if getattr(case, k) != v}
        changes["status"] = _chosen(self.query_one("#status", Select))
        changes["closure_reason"] = self.query_one("#closure_reason", Input).value.strip()
        version = self.against(case.version)  # after a clash: the version the user saw

        def write_changes(session) -> int:
            edit_case(session, case.id, version, today, **changes)
            return case.id

        return write_changes

    def saved_message(self, result: int) -> str:
        return f"Case {self.reference} opened" if self.case is None else "Case saved"
