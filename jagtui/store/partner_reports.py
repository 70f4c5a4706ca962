"""Agency updates and subgroup chairs' summaries, written before a meeting.

One report per agency (or subgroup) and meeting, in the sections of the
partnership's reporting template (summary, recommendations, updates by priority,
risks, planned activity next quarter, gaps / support required). Writing it again
edits it, version-checked; once the chair accepts it into the minutes (a numbered
point under the item, "Update from <agency> (<name>, <date>): ...") it is kept as
minuted and no longer changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules.dates import fmt_date
from jagtui.store.agenda import REPORT_ITEMS
from jagtui.store.errors import Invalid
from jagtui.store.meeting_run import item_in_session, record_note
from jagtui.store.meetings import changeable_meeting
from jagtui.store.models import ItemNote, Meeting, utcnow
from jagtui.store.partner_tables import REPORT_KINDS, REPORT_SECTIONS, PartnerReport
from jagtui.store.partner_work import PartnerUpdate, partner_updates
from jagtui.store.records import conflict, edit, fetch, one_of, require

SECTION_TITLES = {
    "summary": "Summary",
    "recommendations": "Recommendations",
    "priorities": "Updates by priority",
    "risks": "Risks and issues",
    "next_quarter": "Planned activity next quarter",
    "gaps": "Gaps / support required",
}
# The agenda item each kind of report is read under.
ITEM_KIND = {key: kind for key, kind, _title in REPORT_ITEMS}


def upcoming_meetings(session: Session, today: date) -> list[Meeting]:
    """Meetings a report can be written for: planned or in progress, today or later."""
    return list(session.scalars(
        select(Meeting).where(Meeting.status.in_(("planned", "in progress")),
                              Meeting.held_on >= today)
        .order_by(Meeting.held_on, Meeting.id)))


def find_report(session: Session, meeting_id: int, kind: str, source: str) -> PartnerReport | None:
    return session.scalar(select(PartnerReport).where(
        PartnerReport.meeting_id == meeting_id, PartnerReport.kind == kind,
        PartnerReport.source == source))


def save_report(session: Session, *, meeting_id: int, kind: str, source: str, author: str,
                expected_version: int | None, title: str = "", **sections: str) -> PartnerReport:
    """Write (or rewrite) the report of ``source`` for the meeting.

    ``expected_version``: the report as the writer read it (None: they saw none). A
    report someone else wrote or changed meanwhile is a :class:`Conflict` with both.
    """
    unknown = set(sections) - set(REPORT_SECTIONS)
    if unknown:
        raise Invalid(f"No such section: {', '.join(sorted(unknown))}")
    one_of(kind, REPORT_KINDS, "Kind of report")
    require(source, "The agency or subgroup")
    changes = {"title": title.strip(), "author": require(author, "The author"),
               **{key: (sections.get(key) or "").strip() for key in REPORT_SECTIONS}}
    if not changes["summary"]:
        raise Invalid("Write the summary at least")
    meeting = changeable_meeting(session, meeting_id)
    # Locked: two partners of one agency writing at once make one report, not two.
    fetch(session, Meeting, meeting.id, "meeting", lock=True)
    report = find_report(session, meeting_id, kind, source)
    if report is None:
        report = PartnerReport(meeting_id=meeting_id, kind=kind, source=source, **changes)
        session.add(report)
        session.flush()
        return report
    report = fetch(session, PartnerReport, report.id, "report", lock=True)
    if report.accepted_at is not None:
        raise Invalid("That report is already in the minutes: tell the chair what has changed")
    if expected_version is None:  # they wrote a new one while someone else's was saved
        raise conflict(report, changes)
    return edit(session, report, changes, expected_version)


@dataclass(frozen=True)
class ReportRow:
    id: int
    version: int
    meeting_id: int
    kind: str
    source: str
    source_name: str  # the agency's or subgroup's name
    author: str
    written_on: date
    title: str
    sections: dict[str, str]
    accepted: bool

    def minuted(self) -> str:
        """The point the minutes keep: who said what, and when, section by section."""
        head = "Update from" if self.kind == "agency" else "Summary from"
        parts = [f"{SECTION_TITLES[key]}: {self.sections[key]}"
                 for key in REPORT_SECTIONS if self.sections.get(key)]
        title = f"{self.title}. " if self.title else ""
        return (f"{head} {self.source_name} ({self.author}, {fmt_date(self.written_on)}): "
                f"{title}{' '.join(parts)}")


def _row(cfg: Config, report: PartnerReport) -> ReportRow:
    name = (cfg.agency_name(report.source) if report.kind == "agency"
            else next((g.name for g in cfg.subgroups if g.key == report.source), report.source))
    return ReportRow(report.id, report.version, report.meeting_id, report.kind, report.source,
                     name, report.author, report.updated_at.date(), report.title,
                     {key: getattr(report, key) for key in REPORT_SECTIONS},
                     report.accepted_at is not None)


def reports(session: Session, cfg: Config, meeting_id: int, kind: str | None = None) -> list[ReportRow]:
    query = select(PartnerReport).where(PartnerReport.meeting_id == meeting_id)
    if kind is not None:
        query = query.where(PartnerReport.kind == kind)
    return [_row(cfg, report) for report in session.scalars(
        query.order_by(PartnerReport.kind, PartnerReport.source))]


def accept_report(session: Session, cfg: Config, item_id: int, report_id: int,
                  expected_version: int | None) -> ItemNote:
    """Minute the report under the item (its kind's item), once."""
    meeting, item = item_in_session(session, item_id)
    report = fetch(session, PartnerReport, report_id, "report", lock=True)
    if report.meeting_id != meeting.id:
        raise Invalid("That report was written for another meeting")
    if report.accepted_at is not None:
        raise Invalid(f"That report is already in the minutes (accepted by {report.updated_by})")
    words = _row(cfg, report).minuted()  # dated as written, not as accepted
    edit(session, report, {"accepted_item_id": item.id, "accepted_at": utcnow()}, expected_version)
    return record_note(session, item.id, words, "point")


@dataclass(frozen=True)
class PartnersView:
    """What partners wrote for the meeting, as the runner shows it: updates by action
    (offered under the action log) and the reports (under their items)."""

    updates: dict[int, tuple[PartnerUpdate, ...]]
    reports: tuple[ReportRow, ...]

    def waiting(self, action_ids=None) -> list[PartnerUpdate]:
        return [u for action_id, group in self.updates.items()
                if action_ids is None or action_id in action_ids
                for u in group if not u.accepted]

    def reports_for(self, item_kind: str) -> list[ReportRow]:
        return [r for r in self.reports if ITEM_KIND[r.kind] == item_kind]


def partners_view(session: Session, cfg: Config, meeting_id: int) -> PartnersView:
    return PartnersView(partner_updates(session, cfg, meeting_id),
                        tuple(reports(session, cfg, meeting_id)))
