"""ASB case reviews on paper: one review's record (Word and Markdown), and the
figures each relevant body publishes every year (s.104(10) ASB, Crime and
Policing Act 2014): applications received, times the threshold was not met,
reviews carried out, reviews that led to recommendations (CSV and Markdown).

Files: ``ASB-case-review-ASBR-26-001.docx`` and ``ASB-case-reviews-2026-27.csv``.
Each written file is audited (``paths.save_exports``).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from jagtui.config import Config
from jagtui.export.document import Document, Heading, Para, Point, Table, render_markdown
from jagtui.export.paths import check_formats, owner_key, save_exports, slug
from jagtui.rules.case_review import rule_words
from jagtui.rules.dates import fmt_date
from jagtui.rules.quarters import parse_year
from jagtui.store import case_reviews
from jagtui.store.case_reviews import ReviewDetail, YearFigures

REVIEW_FORMATS = ("docx", "md")
FIGURE_FORMATS = ("csv", "md")
FIGURE_ROWS = (
    ("applications", "Applications received"),
    ("threshold_not_met", "Times the threshold was not met"),
    ("reviews", "ASB case reviews carried out"),
    ("with_recommendations", "ASB case reviews that led to recommendations"),
)


def _when(d: date | None) -> str:
    return fmt_date(d) if d else "not yet"


def review_document(cfg: Config, found: ReviewDetail, today: date) -> Document:
    """The record of one application, from receipt to outcome, as the partnership keeps it."""
    r, row = found.review, found.row
    doc = Document(title=f"ASB case review {r.reference}", marking=cfg.partnership.protective_marking,
                   subject="ASB case review (Community Trigger)", author=cfg.partnership.name)
    doc.add(Para(cfg.partnership.name, bold=True),
            Table(("", ""), (
                ("Reference", r.reference), ("Received", fmt_date(r.received_on)),
                ("Applicant", row.applicant), ("Victim", row.victim or "(not held)"),
                ("Case", row.case_reference or "(none)"),
                ("Lead agency", cfg.agency_name(r.lead_agency) or "(not set)"),
                ("Status", row.status)), (4.0, 12.0)))
    doc.add(Heading("What was reported", 2), Para(r.summary or "(not recorded)"))
    doc.add(Heading("The threshold", 2), Para(f"The rule: {rule_words(cfg.flags.community_trigger)}."),
            Para(found.test.summary))
    if found.test.lines:
        doc.add(Table(("Date", "Ref", "Category", "Counted"),
                      tuple((fmt_date(line.fact.occurred_on), line.fact.ref or f"id {line.fact.id}",
                             line.category_name + (", hate" if line.fact.hate else ""), line.why)
                            for line in found.test.lines), (2.6, 3.0, 4.4, 6.0)))
    decision = {"met": "The threshold is met.", "not met": "The threshold is not met."}.get(
        r.threshold, "No decision yet.")
    doc.add(Heading("Decision on the threshold", 2),
            Para(f"{decision} Decided: {_when(r.decided_on)}. Applicant told: {_when(r.told_decision_on)}."))
    if r.decision_reason:
        doc.add(Para(r.decision_reason))
    if r.threshold == "met":
        doc.add(Heading("The review", 2), Para(f"Review meeting: {_when(r.review_on)}."),
                Para("Findings", bold=True), Para(r.findings or "(not recorded)"))
        doc.add(Heading("Recommendations", 2))
        for n, rec in enumerate(found.recommendations, start=1):
            owner = rec.owner + (f" ({cfg.agency_name(rec.owner_agency)})" if rec.owner_agency else "")
            due = f", complete by {fmt_date(rec.due_on)}" if rec.due_on else ""
            doc.add(Point(f"{n}.", f"{rec.text} (action {rec.ref}: {owner}{due}; {rec.status})"))
        if not found.recommendations:
            doc.add(Para("None made."))
        doc.add(Para(f"Applicant told the outcome and recommendations: {_when(r.told_outcome_on)}."))
        if not r.escalation_requested_on:
            doc.add(Para(f"If dissatisfied with how the review was carried out, the applicant may ask "
                         f"for it to be escalated to {cfg.case_reviews.escalation_route}.", italic=True))
    if r.escalation_requested_on:
        doc.add(Heading("Escalation", 2),
                Para(f"Escalation route: {cfg.case_reviews.escalation_route}."),
                Para(f"The applicant asked for the escalation route on {fmt_date(r.escalation_requested_on)}. "
                     f"Decided: {_when(r.escalation_decided_on)}."),
                Para(r.escalation_outcome or "(no outcome yet)"))
    doc.add(Heading("Timescales", 2),
            Table(("Step", "Due", "Done"), tuple(
                (step.name, fmt_date(step.due), (fmt_date(step.done) + (" (late)" if step.late() else ""))
                 if step.done else ("OVERDUE" if step.overdue(today) else "-"))
                for step in found.steps), (8.0, 4.0, 4.0)))
    if found.uncovered:
        doc.add(Para(f"Bank holidays are not known for {', '.join(map(str, found.uncovered))}: "
                     "due dates there count weekends only.", italic=True))
    return doc


def export_review(store, cfg: Config, review_id: int, today: date,
                  formats=("docx",)) -> list[Path]:
    from jagtui.export.document import render_docx

    chosen = check_formats(formats, REVIEW_FORMATS)
    with store.read() as session:
        found = case_reviews.detail(session, cfg, review_id, today)
    doc = review_document(cfg, found, today)
    renderers = {"docx": render_docx, "md": render_markdown}
    files = {fmt: renderers[fmt](doc) for fmt in chosen}
    return save_exports(store, cfg, base=f"ASB-case-review-{slug(found.review.reference)}",
                        owner=owner_key(store, f"case-review:{review_id}"), files=files,
                        what="case review", table_name="case_reviews", record_id=review_id)


def figures_csv(figures: YearFigures) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Financial year", *(label for _, label in FIGURE_ROWS)])
    writer.writerow([figures.year, *(getattr(figures, key) for key, _ in FIGURE_ROWS)])
    return out.getvalue().encode("utf-8-sig")


def figures_document(cfg: Config, figures: YearFigures) -> Document:
    doc = Document(title=f"ASB case reviews {figures.year}", marking="OFFICIAL",
                   subject="ASB case review figures (s.104 ASB, Crime and Policing Act 2014)",
                   author=cfg.partnership.name)
    doc.add(Para(f"{cfg.partnership.name}: ASB case reviews (the Community Trigger), "
                 f"financial year {figures.year} (1 April to 31 March), by the date each "
                 "application was received."),
            Table(("Figure", "Number"), tuple((label, str(getattr(figures, key)))
                                             for key, label in FIGURE_ROWS), (12.0, 3.0)))
    if figures.awaiting_decision:
        doc.add(Para(f"{figures.awaiting_decision} application(s) still awaiting a threshold decision.",
                     italic=True))
    return doc


def export_figures(store, cfg: Config, year: str, formats=("csv", "md")) -> list[Path]:
    """The published figures for the financial year ``year`` ("2026/27")."""
    chosen = check_formats(formats, FIGURE_FORMATS)
    start = parse_year(year)
    with store.read() as session:
        figures = case_reviews.yearly_figures(session, start)
    files = {}
    for fmt in chosen:
        files[fmt] = figures_csv(figures) if fmt == "csv" else render_markdown(figures_document(cfg, figures))
    return save_exports(store, cfg, base=f"ASB-case-reviews-{slug(figures.year)}",
                        owner=owner_key(store, f"case-review-figures:{start}"), files=files,
                        what="case review figures", year=figures.year)
