"""An ASB case review (the Community Trigger) from application to outcome, with keys
alone: the register (0), a new application (n) for a victim on a case, the threshold
test in words, the steps overdue on Flags and the agenda, the threshold decision (d),
the review with hostile findings (v), recommendations as actions (a), the applicant
told, the record as Word (w), the yearly figures; the case view reaches it too. The
database and the files are checked after each step. SQLite and PostgreSQL, 80x24 and
160x48.
"""

from __future__ import annotations

from datetime import date, timedelta

from docx import Document as WordDocument
from sqlalchemy import select
from textual.widgets import Input

from jagtui.app import JagApp
from jagtui.export.case_review import export_figures
from jagtui.screens.case_review_view import CaseReviewScreen
from jagtui.screens.case_reviews import CaseReviewsScreen
from jagtui.screens.flags import FlagsScreen
from jagtui.screens.forms.case_review import ApplicationForm, RecommendationForm, StepForm
from jagtui.store import casework, incidents, users
from jagtui.store.agenda import build_agenda
from jagtui.store.case_review_tables import CaseReview, CaseReviewAction
from jagtui.store.models import Action, AuditEntry

from scenario_chair import Chair

TODAY = date(2026, 12, 16)
HOSTILE = "Zoë O'Brien-Łukasz said \x1b[31mred\x1b[0m [bold]x[/] \u202eevil"


def _seed(store, cfg) -> tuple[int, str]:
    with store.write() as session:
        users.add_user(session, "chair1", "Insp. Rhea Chairwoman", agency="POLICE", role="chair")
        dana = casework.new_person(session, "Dana Whitlock")
        case = casework.start_case(session, subject=dana, case_type="victim", title="Dana Whitlock",
                                   subgroup="JAG", lead_agency="POLICE", opened_on=date(2026, 9, 1))
        cats = [c.key for c in cfg.categories]
        for n, on in enumerate((date(2026, 8, 3), date(2026, 9, 14), date(2026, 10, 30),
                                date(2026, 3, 2))):
            incidents.add_incident(session, occurred_on=on, category="ASB-PERSONAL", source="police",
                                   source_ref=f"STORM-{n}", categories=cats,
                                   people=[(dana.id, "victim")])
        return dana.id, case.reference


def _review(store) -> CaseReview:
    with store.read() as session:
        return session.scalars(select(CaseReview)).one()


async def test_an_asb_case_review_from_application_to_outcome(scenario_store, scfg, out_dir, size):
    store, cfg = scenario_store, scfg
    dana_id, case_ref = _seed(store, cfg)
    app = JagApp(store, cfg, role="admin", user_name="Insp. Rhea Chairwoman", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=size) as pilot:
        chair = Chair(app, pilot)
        await chair.settle()

        # 0: the register, empty; n: the application form.
        await chair.press("0")
        await chair.wait_screen(CaseReviewsScreen)
        assert "No applications" in chair.all_text()
        await chair.press("n")
        await chair.wait_screen(ApplicationForm)
        await chair.type("2026-11-16")
        await chair.press("tab", "enter")          # the victim: search and choose
        await chair.type("Whitlock")
        await chair.settle(3)
        await chair.press("enter")
        await chair.fill("case_reference", case_ref.lower())
        await chair.fill("summary", "Shouting and banging at night; bins set alight")
        await chair.save()
        record = await chair.wait_screen(CaseReviewScreen)
        review = _review(store)
        assert (review.reference, review.person_id, review.received_on, review.applicant_name) == (
            "ASBR-26-001", dana_id, date(2026, 11, 16), "")
        await chair.wait_for(lambda: record.found is not None, "the record")
        text = chair.all_text()
        # The threshold test in words against the configured rule, incident by incident.
        assert "Rule: 3 separate ASB incidents in 6 months, or 1 hate incident in 6 months" in text
        assert "Meets the threshold: found 3 separate ASB incidents (the rule needs 3)" in text
        assert "ref STORM-3 · ASB - personal: before 16 May 2026: outside the window" in text
        assert "Threshold decision: OVERDUE, was due 30 Nov 2026" in text

        # Overdue: on Flags, and on the main group's agenda.
        await chair.press("escape")
        await chair.wait_screen(CaseReviewsScreen)
        assert "OVERDUE Threshold decision" in chair.all_text()
        await chair.press("2")
        flags = await chair.wait_screen(FlagsScreen)
        await chair.wait_for(lambda: any(line.code == "case_review_overdue" for line in flags.rows),
                             "the case review flag")
        line = next(line for line in flags.rows if line.code == "case_review_overdue")
        assert "ASBR-26-001" in line.reason and "threshold decision was due 30 Nov 2026" in line.reason
        with store.read() as session:
            agenda = [e.title for e in build_agenda(session, cfg, TODAY, "JAG")]
        assert any(t.startswith("ASB case review ASBR-26-001 overdue: threshold decision") for t in agenda)

        # Enter on the flag opens the review's record.
        while flags.selected is None or flags.selected.code != "case_review_overdue":
            await chair.press("f")
        await chair.press("enter")
        record = await chair.wait_screen(CaseReviewScreen)
        await chair.wait_for(lambda: record.found is not None, "the record")

        # d: the threshold decision, met, with the applicant told.
        await chair.press("d")
        await chair.wait_screen(StepForm)
        assert "Meets the threshold: found 3 separate ASB incidents" in chair.all_text()
        await chair.type("M")                       # the threshold: Met
        await chair.fill("decided_on", "2026-12-01")
        await chair.fill("decision_reason", "Three separate ASB incidents in six months")
        await chair.choose("lead_agency", "ASB Team")
        await chair.fill("told_decision_on", "2026-12-02")
        await chair.save()
        await chair.wait_screen(CaseReviewScreen)
        review = _review(store)
        assert (review.threshold, review.decided_on, review.lead_agency, review.told_decision_on) == (
            "met", date(2026, 12, 1), "CBC-ASB", date(2026, 12, 2))
        await chair.wait_for(lambda: "Review meeting: due 31 Dec 2026" in chair.all_text(),
                             "the review step due")

        # v: the review meeting with its findings (pasted hostile text kept as text).
        await chair.press("v")
        await chair.wait_screen(StepForm)
        await chair.type("2026-12-14")
        await chair.press("tab")
        await chair.paste(HOSTILE)
        await chair.save()
        await chair.wait_screen(CaseReviewScreen)
        review = _review(store)
        assert review.review_on == date(2026, 12, 14)
        assert "Zoë O'Brien-Łukasz said" in review.findings and "[bold]x[/]" in review.findings
        assert "\\u202eevil" in review.findings  # the override made visible, never obeyed
        await chair.wait_for(lambda: "[bold]x[/]" in chair.all_text(), "the findings shown literally")

        # a: two recommendations, each an action with its owner and date.
        for what, owner, due in (("Noise monitoring for four weeks", "Sam Officer", "2027-01-15"),
                                 ("Mediation offered to both households", "Dee Housing", "")):
            await chair.press("a")
            await chair.wait_screen(RecommendationForm)
            await chair.type(what)
            await chair.fill("owner", owner)
            if due:
                await chair.fill("due_on", due)
            await chair.save()
            await chair.wait_screen(CaseReviewScreen)
        with store.read() as session:
            linked = session.scalars(select(Action).join(CaseReviewAction,
                                                         CaseReviewAction.action_id == Action.id)
                                     .order_by(Action.id)).all()
            assert [(a.ref, a.text, a.owner, a.due_on, a.case_id is not None) for a in linked] == [
                ("ASBR-26-001 R1", "Noise monitoring for four weeks", "Sam Officer", date(2027, 1, 15), True),
                ("ASBR-26-001 R2", "Mediation offered to both households", "Dee Housing", None, True)]

        # v again: the applicant told the outcome and recommendations.
        await chair.press("v")
        form = await chair.wait_screen(StepForm)
        await chair.fill("told_outcome_on", "2026-12-15")
        await chair.save()
        await chair.wait_screen(CaseReviewScreen)
        review = _review(store)
        assert review.told_outcome_on == date(2026, 12, 15) and review.version == 4
        await chair.wait_for(lambda: "ASB case review ASBR-26-001: review complete" in chair.all_text(),
                             "the review complete")

        # w: the record as Word, audited.
        await chair.press("w")
        path = out_dir / "ASB-case-review-ASBR-26-001.docx"
        await chair.wait_for(path.exists, "the Word record")
        words = "\n".join(p.text for p in WordDocument(str(path)).paragraphs)
        assert "The threshold is met." in words and "Noise monitoring for four weeks" in words
        assert "␛[31mred" in words and "\x1b" not in words  # a pasted escape is text, never obeyed
        with store.read() as session:
            operations = session.scalars(select(AuditEntry.operation).where(
                AuditEntry.table_name == "case_reviews")).all()
            assert operations.count("update") == 3 and "export" in operations

        # No step overdue any more: gone from Flags.
        await chair.press("escape")
        await chair.press("2")
        flags = await chair.wait_screen(FlagsScreen)
        await chair.press("f5")
        await chair.settle(3)
        assert not any(line.code == "case_review_overdue" for line in flags.rows)

    # The published figures for the year.
    csv_path, _md = export_figures(store, cfg, "2026/27")
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[1] == "2026/27,1,0,1,1"
