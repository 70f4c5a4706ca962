"""What the meeting screens show, as Rich text: pure functions, tested without a terminal.

User text goes through ``literal``; in privacy mode the case's people become
initials and its addresses localities (``jagtui.screens.privacy``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from rich.text import Text

from jagtui.config import Config
from jagtui.display import FLAG_BADGES, RAG_STYLES, RISK_STYLES, literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.privacy import party_name, redact
from jagtui.store.actions import ActionRow
from jagtui.store.casefile import CaseFile, Party
from jagtui.store.meeting_run import MeetingSummary
from jagtui.store.models import Attendance, ItemNote, MeetingItem
from jagtui.words import plural

_ROMAN = (("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def roman(n: int) -> str:
    """1 -> 'i', 14 -> 'xiv': discussion points are numbered so in the seed minutes."""
    out = ""
    for letters, value in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def note_labels(notes: Sequence[ItemNote]) -> list[str]:
    """Points as (i), (ii)...; decisions as AGREED 1, 2..., each in the order recorded."""
    labels, points, agreed = [], 0, 0
    for note in notes:
        if note.kind == "agreed":
            agreed += 1
            labels.append(f"AGREED {agreed}.")
        else:
            points += 1
            labels.append(f"({roman(points)})")
    return labels


def notes_text(notes: Sequence[ItemNote], parties: Sequence[Party] = (), private: bool = False) -> Text:
    if not notes:
        return Text("No notes yet: i to type a discussion point, a for an AGREED decision.",
                    style="dim italic")
    out = Text()
    for label, note in zip(note_labels(notes), notes):
        if out:
            out.append("\n")
        out.append(label + " ", style="bold green" if note.kind == "agreed" else "bold")
        out.append_text(literal(redact(note.text, parties, private)))
    return out


def elapsed(seconds: float) -> str:
    """0:42 under an hour, 1:02:03 from an hour."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def as_utc(moment: datetime | None) -> datetime | None:
    """Stored datetimes come back naive (UTC) from SQLite and PostgreSQL alike."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def masked_title(title: str, subject: str, subject_is_person: bool, private: bool) -> str:
    """An item title with the case's subject name masked in privacy mode."""
    if not private or not subject_is_person or not subject.strip():
        return title
    from jagtui.display import initials

    return title.replace(subject, initials(subject))


SHORT_KINDS = {"referral": "Referral", "high risk": "High risk", "review": "Review",
               "closure": "Closure", "case": "Case"}


def agenda_label(item: MeetingItem, title: str, current: bool, notes: int) -> Text:
    """One line per item: a case item as its kind and reference first (``Review JAG-26-0004 …``)."""
    text = Text("▶ " if current else "  ", style="bold", no_wrap=True, overflow="ellipsis")
    text.append(f"{item.number:>2}. ", style="bold" if current else "dim")
    if notes:
        text.append(f"{notes}✎ ", style="green")
    if item.kind in SHORT_KINDS and ": " in title:
        head, title = title.split(": ", 1)
        # Keep where an escalated case came from: "High risk review (YJAG)".
        group = head[head.rindex("("):] + " " if head.endswith(")") and "(" in head else ""
        text.append(f"{SHORT_KINDS[item.kind]} {group}", style="italic")
    text.append_text(literal(title, "bold" if current else ""))
    return text


def action_detail(row: ActionRow, reviewed_here: bool, agency: str = "") -> Text:
    """The highlighted action of the log, in full."""
    action, update = row.action, row.latest_update
    out = Text.assemble(literal(action.ref, "bold"), "  ", literal(action.text))
    out.append("\nOwner: ", style="dim")
    out.append_text(literal(action.owner))
    if agency:
        out.append_text(literal(f" ({agency})", "dim"))
    out.append(f"  Complete by: {fmt_date(action.due_on) or 'no date'}  Status: {action.status}")
    if update is not None:
        out.append("\nUpdate at this meeting: " if reviewed_here else
                   f"\nLatest update ({fmt_date(update.updated_on)}): ", style="dim")
        out.append_text(literal(update.text, "green" if reviewed_here else ""))
    out.append("\nu update · c complete · f carry forward; then the next action", style="dim")
    return out


def _people(out: Text, rows: Sequence[Attendance], chair: str = "") -> None:
    for row in rows:
        out.append("\n  ")
        out.append_text(literal(row.name))
        if chair and row.name == chair:
            out.append(" (Chair)", style="bold")
        if row.kind == "minutes":
            out.append(" (minutes)", style="dim")
        if row.organisation:
            out.append(" – ")
            out.append_text(literal(row.organisation, "dim"))


def attendance_text(rows: Iterable[Attendance], chair: str) -> Text:
    """The Apologies item: the apologies first (what the item is for), then who is here."""
    rows = list(rows)
    present = [r for r in rows if r.kind in ("present", "minutes")]
    apologies = [r for r in rows if r.kind == "apology"]
    out = Text(f"Apologies ({len(apologies)})", style="bold")
    if not apologies:
        out.append("\n  none", style="dim")
    _people(out, apologies)
    out.append(f"\nPresent ({len(present)})", style="bold")
    _people(out, present, chair)
    out.append("\nw to add someone arriving late or an apology received on the day.", style="dim")
    return out


def _action_line(row: ActionRow, file: CaseFile, private: bool) -> Text:
    action = row.action
    late = action.due_on is not None and action.due_on < file.today
    out = Text("  • ")
    out.append_text(literal(action.ref, "dim"))
    out.append("  ")
    out.append_text(literal(redact(action.text, file.parties, private)))
    out.append(" – ")
    out.append_text(literal(action.owner))
    if action.due_on:
        out.append(f", by {fmt_date(action.due_on)}", style="bold red" if late else "")
    return out


_REFS = re.compile(r": (refs?) ([^;]+)")


def collapse_refs(reason: str) -> str:
    """'6 ASB incidents since 27 Sep 2026: refs A, B, …' -> '… since 27 Sep 2026 [6 refs]'."""
    def count(match: re.Match) -> str:
        n = len(match.group(2).split(", "))
        return f" [{n} ref{'s' if n != 1 else ''}]"

    return _REFS.sub(count, reason)


def _intervention_line(line, file: CaseFile, private: bool) -> Text:
    done = line.intervention
    out = Text("  • ")
    out.append(f"{line.step_name} {fmt_date(done.issued_on)}")
    person = next((p for p in file.parties if p.person_id is not None
                   and p.person_id == done.person_id), None)
    if person is not None:
        out.append(" to ")
        out.append_text(literal(party_name(person, private)))
    out.append(f" ({done.outcome}" + (f", review {fmt_date(done.review_on)}"
                                      if done.outcome == "active" and done.review_on else "") + ")")
    if done.notes:
        out.append(" – ", style="dim")
        out.append_text(literal(redact(done.notes, file.parties, private), "dim"))
    return out


def case_summary(file: CaseFile, cfg: Config, private: bool, show_refs: bool = False) -> Text:
    """The facts the meeting decides on, what it acts on first (on screen at 80x24):
    RAG, risk and harm; the ladder; the interventions, newest first; the open actions; then the
    flags (incident refs as a count unless ``show_refs``), the subject and the lead."""
    case = file.case
    out = Text("RAG ")
    out.append(f" {case.rag.upper()} ", style=RAG_STYLES.get(case.rag, ""))
    if case.status == "closed":
        out.append(f"  CLOSED {fmt_date(case.closed_on)}", style="bold")
    latest = file.latest_risk
    out.append("  Risk ")
    if latest is None:
        out.append("not assessed", style="bold yellow" if case.case_type == "victim" else "dim")
    else:
        out.append(latest.level.upper(), style=RISK_STYLES.get(latest.level, ""))
        out.append(f", review {fmt_date(latest.review_due)}")
        if file.review_overdue:
            out.append(" OVERDUE", style="bold red")
    out.append(f"  Harm {file.harm.index:g} {file.harm.arrow}")
    out.append("\nLadder: ", style="bold")
    out.append_text(literal(file.ladder.note))
    if file.interventions:
        out.append(f"\nInterventions ({len(file.interventions)})", style="bold")
        for line in reversed(file.interventions):  # newest first: the one in force, just recorded
            out.append("\n")
            out.append_text(_intervention_line(line, file, private))
    still_open = [row for row in file.actions if row.action.status == "open"]
    out.append(f"\nOpen actions: {len(still_open)}", style="bold")
    if file.overdue_actions:
        out.append(f" ({file.overdue_actions} overdue)", style="bold red")
    for row in still_open:
        out.append("\n")
        out.append_text(_action_line(row, file, private))
    if file.flags:
        out.append("\nFlags: ", style="bold")
        reasons = [f.reason if show_refs else collapse_refs(f.reason) for f in file.flags]
        out.append("; ".join(f"{FLAG_BADGES[f.code][0]} {reason}" if f.code in FLAG_BADGES else reason
                             for f, reason in zip(file.flags, reasons)))
        if any(f.refs for f in file.flags):
            out.append("  v hides the refs" if show_refs else "  v shows the refs", style="dim")
    subject = file.subject
    out.append("\n")
    if subject is not None:
        out.append("Subject: ")
        out.append_text(literal(party_name(subject, private), "bold"))
        out.append(f" ({subject.role}) · ", style="dim")
    out.append(f"{case.case_type} case · {case.subgroup}")
    if case.beat:
        out.append(f" · {cfg.beat_label(case.beat)}")
    out.append("\nLead: ")
    out.append_text(literal(cfg.agency_name(case.lead_agency)))
    if case.lead_officer:
        out.append(", ")
        out.append_text(literal(case.lead_officer))
    return out


def summary_text(done: MeetingSummary, final: bool, parties: Sequence[Party] = (),
                 private: bool = False) -> Text:
    """The end-of-meeting summary: what the meeting changed."""
    meeting = done.meeting

    def said(text: str, style: str = "") -> Text:
        return literal(redact(text, parties, private), style)

    out = Text(f"{meeting.subgroup} meeting, {fmt_date(meeting.held_on)}", style="bold")
    out.append(" — minutes FINAL" if final else " — not yet final",
               style="bold green" if final else "bold yellow")
    out.append(f"\n{plural(done.item_count, 'item')}, {plural(done.points, 'discussion point')}, "
               f"{plural(len(done.decisions), 'decision')}, {plural(len(done.new_actions), 'new action')}\n")

    def section(title: str, lines: list[Text]) -> None:
        out.append(f"\n{title} ({len(lines)})\n", style="bold")
        if not lines:
            out.append("  none\n", style="dim")
        for line in lines:
            out.append("  ")
            out.append_text(line)
            out.append("\n")

    section("AGREED", [Text.assemble((f"Item {d.item_number}: ", "dim"), said(d.text))
                       for d in done.decisions])
    section("New actions", [Text.assemble(literal(r.action.ref, "dim"), "  ", said(r.action.text),
                                          " – ", literal(r.action.owner),
                                          f", by {fmt_date(r.action.due_on)}" if r.action.due_on else "")
                            for r in done.new_actions])
    # The count the minutes and the action-log export list, then what was said here.
    statuses = ", ".join(f"{n} {status}" for status, n in done.log_statuses)
    section(f"Action log reviewed: {plural(done.log_count, 'action')}"
            + (f" ({statuses})" if statuses else "") + " · updated at this meeting", [Text.assemble(literal(r.ref, "dim"), "  ", said(r.action),
                                                  (f"  [{r.status}] ", "bold"), said(r.update))
                                    for r in done.reviewed])
    for what, title in (("rag", "RAG changes"), ("intervention", "Interventions"),
                        ("risk review", "Risk reviews"), ("closure", "Closures")):
        section(title, [Text.assemble(literal(c.reference, "bold"), "  ", said(c.detail))
                        for c in done.changes(what)])
    if meeting.next_meeting_on:
        out.append(f"\nNext meeting: {fmt_date(meeting.next_meeting_on)}", style="bold")
    return out
