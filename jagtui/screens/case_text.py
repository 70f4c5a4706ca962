"""The case view's words: pure functions from a case file to Rich text.

Kept apart from the screen so what the meeting reads (the header, the risk and
harm explanations, the ladder, the minutes history) is tested without a
terminal. Everything a user typed goes through ``literal`` and, in privacy
mode, ``redact``.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from jagtui.config import Config
from jagtui.display import FLAG_BADGES, RAG_STYLES, RISK_STYLES, literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.privacy import party_name, redact
from jagtui.store.casefile import CaseFile, InterventionLine, months_window_start
from jagtui.store.models import Intervention, RiskAssessment

MONTH_LETTERS = "JFMAMJJASOND"
TRENDS = {"up": "up from", "down": "down from", "flat": "the same as", "new": "new; was"}


# The flags in fewer words, when the full ones do not fit the header's width.
SHORT_FLAGS = {
    "community_trigger": "Community Trigger", "repeat_victim": "Repeat victim",
    "repeat_location": "Repeat location", "vulnerable": "Vulnerable victim", "hate": "Hate",
    "youth": "Youth", "review_overdue": "Review overdue",
}


def header(file: CaseFile, cfg: Config, private: bool, width: int | None = None) -> Group:
    """Four lines: who and where; RAG, risk and harm; the lead; the flags in words.

    Given the ``width`` it is shown in, the first three lines are cut with an
    ellipsis rather than wrapped, and the flags are put in as few words as it takes
    for every one of them to show (at most two lines): the header's height is
    fixed (five lines), and a wrapped lead line used to push the flags out of it.
    """
    case, subject = file.case, file.subject
    who = party_name(subject, private) if subject else "(no subject linked)"
    first = Text.assemble(
        (case.reference, "bold"),
        (f"  CLOSED {fmt_date(case.closed_on)}", "bold reverse") if case.status == "closed" else "",
        "  ", literal(who, "bold"), "  ",
        literal(f"{case.case_type} · {case.subgroup}"),
        f" · {cfg.beat_label(case.beat)}" if case.beat else "",
    )
    second = Text.assemble(
        (f" {case.rag.upper()} ", RAG_STYLES.get(case.rag, "")), "  ", risk_words(file), "  ",
        (f"Harm {file.harm.index:g} {file.harm.arrow}", "bold"), f" (was {file.harm.previous:g})",
    )
    third = Text.assemble("Lead: ", literal(cfg.agency_name(case.lead_agency)))
    if case.lead_officer:
        third.append(" / ")
        third.append_text(literal(case.lead_officer))
    if case.priority:
        third.append(f" · Priority {case.priority}")
    # The title often names the subject, so the room does not see it in privacy mode.
    if not private and case.title and (subject is None or case.title != subject.name):
        third.append(" · ")
        third.append_text(literal(case.title, "italic"))
    if width is not None:
        for line in (first, second, third):
            line.no_wrap, line.overflow = True, "ellipsis"
    return Group(first, second, third, flag_line(file, width))


def flag_line(file: CaseFile, width: int | None = None) -> Text:
    """'Flags: Community Trigger threshold met, …': every flag, in the full words if
    they fit on one line of ``width``, else in shorter words on one line or two (a
    line breaking between flags), else as the case list's badges (CT RV VV OD)."""
    codes = [f.code for f in file.flags if f.code in FLAG_BADGES]
    label = "Flags: "
    if not codes:
        return Text.assemble((label, "bold"), ("none", "dim"))
    full = ", ".join(FLAG_BADGES[code][1] for code in codes)
    words = full
    if width is not None and len(label) + len(full) > width:
        short = [SHORT_FLAGS.get(code, FLAG_BADGES[code][1]) for code in codes]
        lines = [label + short[0]]
        for name in short[1:]:
            if len(lines[-1]) + 2 + len(name) <= width:
                lines[-1] += ", " + name
            else:
                lines[-1] += ","
                lines.append("       " + name)  # under the first flag
        fits = len(lines) <= 2 and all(len(line) <= width for line in lines)
        words = "\n".join(lines)[len(label):] if fits else " ".join(FLAG_BADGES[c][0] for c in codes)
    return Text.assemble((label, "bold"), (words, "bold yellow"), no_wrap=width is not None,
                         overflow="ellipsis")


def risk_words(file: CaseFile) -> Text:
    """'Risk HIGH · review OVERDUE 3d (19 Nov 2026)', or that no assessment is recorded."""
    latest = file.latest_risk
    if latest is None:
        return Text("Risk: not assessed", style="bold red" if file.case.case_type == "victim" else "dim")
    text = Text.assemble("Risk ", (latest.level.upper(), RISK_STYLES.get(latest.level, "")))
    if file.review_overdue:
        late = (file.today - file.review_due).days
        text.append(f" · review OVERDUE {late}d ({fmt_date(file.review_due)})", style="bold red")
    elif file.review_due:
        text.append(f" · review {fmt_date(file.review_due)}")
    return text


def risk_summary(file: CaseFile, private: bool) -> Text:
    latest = file.latest_risk
    if latest is None:
        return Text("No risk assessment recorded: press r to assess", style="bold red")
    text = Text.assemble(
        ("Latest: ", "bold"), (latest.level.upper(), RISK_STYLES.get(latest.level, "")),
        f"  score {latest.score:g}  assessed {fmt_date(latest.assessed_on)} by ",
        literal(latest.assessor), "\n", risk_words(file),
    )
    if latest.level != latest.computed_level:
        text.append("\nRaised from ")
        text.append(latest.computed_level, style=RISK_STYLES.get(latest.computed_level, ""))
        text.append(" by professional judgement: ")
        text.append_text(literal(redact(latest.override_reason, file.parties, private)))
    return text


def risk_answers(latest: RiskAssessment | None, cfg: Config) -> Table | Text:
    if latest is None:
        return Text("")
    answers = Table(title=f"Answers on {fmt_date(latest.assessed_on)}", title_justify="left",
                    show_edge=False, box=None, expand=True, padding=(0, 1))
    answers.add_column("Question", ratio=1)
    answers.add_column("Answer", no_wrap=True, justify="right")
    for question in cfg.risk.questions:
        value = latest.answers.get(question.key)
        if value is None:
            shown = Text("-", style="dim")
        elif question.kind == "yn":
            shown = Text("yes" if value else "no", style="bold" if value else "")
        else:
            shown = Text(f"{value}/{question.max}")
        answers.add_row(question.text, shown)
    return answers


def harm_summary(file: CaseFile, cfg: Config) -> Text:
    """The index, its trend against the window before, and the sum that makes it."""
    harm, days = file.harm, cfg.harm.window_days
    return Text.assemble(
        ("Harm index ", "bold"), (f"{harm.index:g} {harm.arrow}", "bold"),
        f"  {TRENDS[harm.trend]} {harm.previous:g} in the {days} days before\n",
        ("Why: ", "bold"), harm.explain(),
        (f"\nIncidents in the last {days} days x the partnership's category weights (config)", "dim"),
    )


def harm_months(file: CaseFile) -> Text:
    """The sparkline's month initials and what it shows, e.g. 'DJFMAMJJASON  harm per month…'."""
    start = months_window_start(file.today)
    letters = "".join(MONTH_LETTERS[(start.month - 1 + n) % 12] for n in range(len(file.harm_series)))
    peak = max(file.harm_series, default=0)
    return Text(f"{letters}  harm per month, {start:%b %Y} to {file.today:%b %Y} (peak {peak:g})")


def ladder(file: CaseFile, cfg: Config, width: int | None = None) -> Text:
    """The escalation ladder with the current step reversed and the proposed one
    underlined: the steps' names, or their short keys when the names would not fit
    on one line of ``width`` (at 80 columns they took three)."""
    steps = Text()
    current = file.ladder.current.key if file.ladder.current else None
    suggested = file.ladder.suggested.key if file.ladder.suggested else None
    names = [step.name for step in cfg.ladder]
    if width is not None and len(" → ".join(names)) > width:
        names = [step.key for step in cfg.ladder]
    for n, (step, name) in enumerate(zip(cfg.ladder, names, strict=True)):
        if n:
            steps.append(" → ", style="dim")
        style = "bold reverse" if step.key == current else ("bold underline" if step.key == suggested else "")
        steps.append(name, style=style)
    steps.append("\n")
    steps.append(file.ladder.note, style="bold")
    return steps


def recipient(file: CaseFile, intervention: Intervention, private: bool) -> str:
    """Who received the intervention, as linked to the case (initials in privacy mode)."""
    if intervention.person_id is None:
        return ""
    party = next((p for p in file.parties if p.person_id == intervention.person_id), None)
    return party_name(party, private) if party else "(not linked to the case)"


def intervention_detail(file: CaseFile, line: InterventionLine, cfg: Config, private: bool) -> Text:
    """One intervention in words: the step, when, by whom, to whom, how it stands, and
    the notes recorded with it, in full."""
    item = line.intervention
    text = Text.assemble((line.step_name, "bold"), f" issued {fmt_date(item.issued_on)} by ",
                         literal(cfg.agency_name(item.issuing_agency)))
    to = recipient(file, item, private)
    if to:
        text.append(" to ")
        text.append_text(literal(to))
    text.append(f": {item.outcome}")
    if line.breaches:
        dates = ", ".join(fmt_date(b.breached_on) for b in line.breaches)
        text.append(f" · breach{'es' if len(line.breaches) > 1 else ''} on {dates}", style="red")
    text.append("\nNotes: ", style="bold")
    if item.notes.strip():
        text.append_text(literal(redact(item.notes.strip(), file.parties, private)))
    else:
        text.append("none recorded", style="dim")
    return text


def history(file: CaseFile, private: bool) -> Text:
    """Every meeting item on the case, newest first: numbered points and AGREED decisions."""
    if not file.history:
        return Text("This case has not been discussed at a meeting yet.", style="dim")
    body = Text()
    for line in file.history:
        meeting, item = line.meeting, line.item
        body.append(f"{fmt_date(meeting.held_on)} · ", style="bold")
        body.append_text(literal(f"{meeting.subgroup} · Item {item.number} ({item.kind}): ", "bold"))
        body.append_text(literal(redact(item.title, file.parties, private), "bold"))
        body.append("\n")
        for note in line.notes:
            if note.kind == "agreed":
                body.append("  AGREED: ", style="bold green")
            else:
                body.append(f"  {note.number}. ")
            body.append_text(literal(redact(note.text, file.parties, private)))
            body.append("\n")
        if not line.notes:
            body.append("  (no notes recorded)\n", style="dim")
        body.append("\n")
    return body
