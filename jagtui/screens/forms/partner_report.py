"""An agency's update (or a subgroup chair's summary) for a meeting, in the sections of
the partnership's reporting template; written from My work before the meeting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from jagtui.rules.dates import fmt_date
from jagtui.screens.forms.base import FormScreen, field
from jagtui.store.errors import StoreError
from jagtui.store.partner_reports import SECTION_TITLES, find_report, save_report, upcoming_meetings
from jagtui.store.partner_tables import REPORT_SECTIONS, PartnerReport
from jagtui.store.partner_work import Partner

HINTS = {
    "summary": "Purpose, background and context",
    "recommendations": "For the partnership to consider",
    "priorities": "Work on each priority since the last meeting",
    "risks": "Key risks and issues",
    "next_quarter": "Planned activity in the next quarter",
    "gaps": "Gaps, support required",
}


@dataclass(frozen=True)
class ReportChoices:
    meetings: list[tuple[str, int]]  # (label, meeting id), soonest first
    sources: list[tuple[str, str]]   # (label, "agency:KEY" / "subgroup:KEY")
    written: dict[tuple[int, str], PartnerReport]  # (meeting id, "kind:source") -> report


def report_choices(session, cfg, who: Partner, today, may_chair: bool) -> ReportChoices:
    meetings = upcoming_meetings(session, today)
    groups = {g.key: g.name for g in cfg.subgroups}
    labels = [(f"{groups.get(m.subgroup, m.subgroup)}, {fmt_date(m.held_on)} ({m.status})", m.id)
              for m in meetings]
    sources = []
    if who.agency:
        sources.append((f"Agency update: {cfg.agency_name(who.agency)}", f"agency:{who.agency}"))
    if may_chair:  # a subgroup chair summarises their group for the partnership
        sources += [(f"Subgroup summary: {name}", f"subgroup:{key}") for key, name in groups.items()]
    written = {}
    for meeting in meetings:
        for _label, value in sources:
            kind, source = value.split(":", 1)
            report = find_report(session, meeting.id, kind, source)
            if report is not None:
                session.expunge(report)
                written[(meeting.id, value)] = report
    return ReportChoices(labels, sources, written)


def open_report_form(app, who: Partner, then: Callable) -> None:
    """Read the meetings and what is already written (in a worker), then the form."""

    def read() -> None:
        try:
            with app.store.read() as session:
                choices = report_choices(session, app.cfg, who, app.today(), app.can("chair"))
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        app.call_from_thread(show, choices)

    def show(choices: ReportChoices) -> None:
        if not choices.meetings:
            app.notify("No meeting is planned yet: a report is written for a planned meeting "
                       "(the chair plans the next one when a meeting ends)", severity="warning")
            return
        if not choices.sources:
            app.notify("You have no agency: ask an administrator to set it", severity="warning")
            return
        app.push_screen(PartnerReportForm(who, choices), then)

    app.run_worker(read, thread=True, group="report-choices", exit_on_error=False)


class PartnerReportForm(FormScreen[int]):
    form_title = "Agency update for a meeting"
    CLASH_RECORD = "report"

    def __init__(self, who: Partner, choices: ReportChoices) -> None:
        super().__init__()
        self.who = who
        self.choices = choices
        self.meeting_id = choices.meetings[0][1]
        self.source = choices.sources[0][1]
        self.report: PartnerReport | None = choices.written.get((self.meeting_id, self.source))
        self.draft_key = f"partner-report:{self.meeting_id}:{self.source}"

    def fields(self) -> ComposeResult:
        yield field("Meeting", Select(self.choices.meetings, id="meeting", allow_blank=False,
                                      value=self.meeting_id))
        yield field("For", Select(self.choices.sources, id="source", allow_blank=False,
                                  value=self.source))
        yield field("Title", Input(id="title", placeholder="Subject title"))
        for key in REPORT_SECTIONS:
            yield field(SECTION_TITLES[key], Input(id=key), HINTS[key])
        yield Static("", id="report-state", markup=False)

    def on_mount(self) -> None:
        self.fill_from(self.report)
        super().on_mount()
        self.query_one("#summary", Input).focus()

    def fill_from(self, report: PartnerReport | None) -> None:
        for key in ("title", *REPORT_SECTIONS):
            self.query_one(f"#{key}", Input).value = getattr(report, key) if report else ""
        state = self.query_one("#report-state", Static)
        if report is None:
            state.update("Not written yet for this meeting.")
        elif report.accepted_at is not None:
            state.update("Already accepted into the minutes: it cannot change now.")
        else:
            state.update(f"Written by {report.author}: saving replaces it.")

    @on(Select.Changed, "#meeting, #source")
    def chosen(self, _event: Select.Changed) -> None:
        meeting_id, source = self.query_one("#meeting", Select).value, \
            self.query_one("#source", Select).value
        if (meeting_id, source) == (self.meeting_id, self.source):
            return
        self.meeting_id, self.source = meeting_id, source
        self.report = self.choices.written.get((meeting_id, source))
        self.fill_from(self.report)

    def problems(self) -> dict[str, str]:
        if not self.query_one("#summary", Input).value.strip():
            return {"summary": "Write the summary at least"}
        return {}

    def saver(self):
        kind, source = self.source.split(":", 1)
        values = {key: self.query_one(f"#{key}", Input).value for key in ("title", *REPORT_SECTIONS)}
        meeting_id, author = self.meeting_id, self.who.name
        version = self.against(self.report.version if self.report else None)

        def write(session) -> int:
            return save_report(session, meeting_id=meeting_id, kind=kind, source=source,
                               author=author, expected_version=version, **values).id

        return write

    def saved_message(self, result: int) -> str:
        return "Update saved: the chair sees it at the meeting"
