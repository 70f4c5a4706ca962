"""ASB case reviews (the Community Trigger): applications from receipt to outcome.

Every change goes through :func:`add_application`, :func:`update_application` or
:func:`add_recommendation`: version-checked against the application as the user
read it (a :class:`Conflict` shows both values), and audited by the flush hook.
The screens read plain rows (:func:`register`, :func:`detail`); Flags and the
agenda read :func:`overdue`; ``jagtui export trigger`` reads :func:`yearly_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules import case_review as rules
from jagtui.rules.dates import fmt_date, months_before
from jagtui.rules.facts import IncidentFact
from jagtui.rules.quarters import label as year_label
from jagtui.rules.working_days import BankHolidays, CalendarError, load_bank_holidays
from jagtui.store.actions import add_action
from jagtui.store.case_review_tables import THRESHOLDS, CaseReview, CaseReviewAction
from jagtui.store.errors import Invalid, StoreError
from jagtui.store.models import Action, Case, CaseParty, Incident, IncidentParty, Person
from jagtui.store.numbering import allocate
from jagtui.store.records import edit, fetch

WHAT = "ASB case review"
# The fields a user may change after the application is made, in the order the record reads.
FIELDS = ("received_on", "person_id", "applicant_name", "applicant_relation", "case_id", "summary",
          "threshold", "decided_on", "decision_reason", "lead_agency", "told_decision_on",
          "review_on", "findings", "told_outcome_on", "escalation_requested_on",
          "escalation_outcome", "escalation_decided_on")
# Each date that must not come before another (field, earlier field, words).
_ORDER = (
    ("decided_on", "received_on", "The threshold decision cannot be before the application was received"),
    ("told_decision_on", "decided_on", "The applicant cannot be told before the decision"),
    ("review_on", "decided_on", "The review meeting cannot be before the threshold decision"),
    ("told_outcome_on", "review_on", "The applicant cannot be told the outcome before the review"),
    ("escalation_decided_on", "escalation_requested_on",
     "The escalation outcome cannot be before it was asked for"),
)
# Each date that records something done, so cannot be after today (field, words).
DONE_DATES = (
    ("received_on", "The date the application was received"),
    ("decided_on", "The date of the threshold decision"),
    ("told_decision_on", "The date the applicant was told the decision"),
    ("review_on", "The date of the review meeting"),
    ("told_outcome_on", "The date the applicant was told the outcome"),
    ("escalation_requested_on", "The date the escalation route was asked for"),
    ("escalation_decided_on", "The date the escalation was decided"),
)


def holidays(cfg: Config) -> BankHolidays:
    try:
        return load_bank_holidays(cfg.case_reviews.bank_holidays or None)
    except CalendarError as error:
        raise StoreError(f"case_reviews.bank_holidays: {error}") from None


def _dates(review: CaseReview) -> rules.Dates:
    return rules.Dates(review.received_on, review.threshold, review.decided_on,
                       review.told_decision_on, review.review_on, review.told_outcome_on,
                       review.escalation_requested_on, review.escalation_decided_on)


def _check(review: CaseReview, today: date | None = None, changed=None) -> None:
    """Refuse a record that says something impossible, in words. Given ``today``, a
    date that records something done (of those ``changed``, or all) cannot be after it:
    else the yearly figures count a review that has not happened."""
    if today is not None:
        for key, words in DONE_DATES:
            on = getattr(review, key)
            if on is not None and on > today and (changed is None or key in changed):
                raise Invalid(f"{words} ({fmt_date(on)}) is in the future: record it once done")
    if review.threshold not in THRESHOLDS:
        raise Invalid(f"The threshold decision must be met or not met (got {review.threshold!r})")
    if review.threshold and review.decided_on is None:
        raise Invalid("Give the date of the threshold decision")
    if review.decided_on is not None and not review.threshold:
        raise Invalid("Say whether the threshold is met, or clear the decision date")
    if review.threshold != "met" and (review.review_on or review.told_outcome_on or review.findings.strip()):
        raise Invalid("A review is held only when the threshold is met")
    if review.escalation_decided_on and review.escalation_requested_on is None:
        raise Invalid("Give the date the applicant asked for the escalation route")
    if review.person_id is None and not review.applicant_name.strip():
        raise Invalid("Name the applicant: choose the victim, or type who applied on their behalf")
    for later, earlier, words in _ORDER:
        a, b = getattr(review, later), getattr(review, earlier)
        if a is not None and b is not None and a < b:
            raise Invalid(f"{words} ({fmt_date(a)} is before {fmt_date(b)})")


def _case_id(session: Session, reference: str) -> int | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    found = session.scalar(select(Case.id).where(func.upper(Case.reference) == reference.upper()))
    if found is None:
        raise Invalid(f"No case with reference {reference!r}")
    return found


def _check_victim_on_case(session: Session, person_id: int | None, case_id: int | None) -> None:
    """The victim named must be on the case named: else ``T`` in that case opens
    someone else's application and the threshold test counts the wrong incidents."""
    if person_id is None or case_id is None:
        return
    linked = session.scalar(select(CaseParty.id).where(
        CaseParty.case_id == case_id, CaseParty.person_id == person_id).limit(1))
    if linked is None:
        name = session.scalar(select(Person.name).where(Person.id == person_id)) or "The victim"
        reference = session.scalar(select(Case.reference).where(Case.id == case_id))
        raise Invalid(f"{name} is not on {reference}: link them to the case first, "
                      "or leave the case blank")


def reference_for(session: Session, cfg: Config, received_on: date) -> str:
    """``ASBR-26-001``: the prefix, the year received and a running number in it."""
    prefix = f"{cfg.case_reviews.reference_prefix}-{received_on:%y}-"

    def highest() -> int:
        last = session.scalar(select(CaseReview.reference).where(CaseReview.reference.like(f"{prefix}%"))
                              .order_by(func.length(CaseReview.reference).desc(),
                                        CaseReview.reference.desc()).limit(1))
        suffix = last.removeprefix(prefix) if last else ""
        return int(suffix) if suffix.isdigit() else 0

    return f"{prefix}{allocate(session, f'case-review:{received_on:%y}', highest):03d}"


def add_application(session: Session, cfg: Config, *, received_on: date, person_id: int | None = None,
                    applicant_name: str = "", applicant_relation: str = "", case_reference: str = "",
                    summary: str = "", lead_agency: str = "", today: date | None = None) -> CaseReview:
    """A new application, numbered; the applicant is the victim (``person_id``) or
    someone on their behalf (``applicant_name``), or both. Given ``today`` (the forms
    give it), a received date after it is refused."""
    if person_id is not None:
        fetch(session, Person, person_id, "person")
    if lead_agency and lead_agency not in {a.key for a in cfg.agencies}:
        raise Invalid(f"No agency with key {lead_agency!r}")
    review = CaseReview(reference="", received_on=received_on, person_id=person_id,
                        applicant_name=applicant_name.strip(), applicant_relation=applicant_relation.strip(),
                        case_id=_case_id(session, case_reference), summary=summary.strip(),
                        lead_agency=lead_agency)
    _check(review, today)
    _check_victim_on_case(session, review.person_id, review.case_id)
    review.reference = reference_for(session, cfg, received_on)
    session.add(review)
    session.flush()
    return review


def update_application(session: Session, cfg: Config, review_id: int, expected_version: int | None,
                       changes: dict[str, Any], today: date | None = None) -> CaseReview:
    """Change an application's fields; a row changed since ``expected_version`` is a Conflict.
    Given ``today`` (the forms give it), a date changed to after it is refused."""
    unknown = sorted(set(changes) - set(FIELDS) - {"case_reference"})
    if unknown:
        raise Invalid(f"Cannot set {', '.join(unknown)} on an ASB case review")
    changes = dict(changes)
    if "case_reference" in changes:
        changes["case_id"] = _case_id(session, changes.pop("case_reference"))
    if changes.get("lead_agency") and changes["lead_agency"] not in {a.key for a in cfg.agencies}:
        raise Invalid(f"No agency with key {changes['lead_agency']!r}")
    if changes.get("threshold", "") not in THRESHOLDS:
        raise Invalid(f"The threshold decision must be met or not met (got {changes['threshold']!r})")
    for key, value in changes.items():
        if isinstance(value, str):
            changes[key] = value.strip()
    review = fetch(session, CaseReview, review_id, WHAT, lock=True)
    changes = {key: value for key, value in changes.items() if getattr(review, key) != value}
    if not changes:
        return review
    edit(session, review, changes, expected_version)
    _check(review, today, changes)
    if "person_id" in changes or "case_id" in changes:
        _check_victim_on_case(session, review.person_id, review.case_id)
    session.flush()
    return review


def add_recommendation(session: Session, review_id: int, *, text: str, owner: str,
                       owner_agency: str = "", due_on: date | None = None) -> Action:
    """A recommendation of the review, as an action on the action log (``ASBR-26-001 R2``).
    The application is locked, so two added at once get different numbers."""
    review = fetch(session, CaseReview, review_id, WHAT, lock=True)
    if review.threshold != "met" or review.review_on is None:
        raise Invalid("Recommendations come from the review: record the review meeting first")
    count = session.scalar(select(func.count()).select_from(CaseReviewAction)
                           .where(CaseReviewAction.review_id == review_id)) or 0
    action = add_action(session, ref=f"{review.reference} R{count + 1}", text=text, owner=owner,
                        owner_agency=owner_agency, due_on=due_on, case_id=review.case_id)
    session.add(CaseReviewAction(review_id=review_id, action_id=action.id))
    session.flush()
    return action


# -- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """One application as the register shows it."""

    id: int
    version: int
    reference: str
    received_on: date
    victim: str
    applicant: str
    case_id: int | None
    case_reference: str
    status: str
    next_step: rules.Step | None
    overdue: tuple[rules.Step, ...]
    recommendations: int
    representative: str = ""  # who applied on the victim's behalf ("" = the victim)
    relation: str = ""

    @property
    def next_due(self) -> date | None:
        return self.next_step.due if self.next_step else None


def applicant_words(representative: str, relation: str, victim: str) -> str:
    """'Dana Whitlock (the victim)' or 'Cllr Ann Patel, ward councillor, on behalf of Dana Whitlock'."""
    if not representative:
        return f"{victim} (the victim)" if victim else "the victim"
    relation = f", {relation}" if relation else ""
    return f"{representative}{relation}, on behalf of {victim or 'the victim'}"


def _query():
    actions = (select(CaseReviewAction.review_id, func.count().label("n"))
               .group_by(CaseReviewAction.review_id).subquery())
    return (select(CaseReview, Person.name, Case.reference, actions.c.n)
            .outerjoin(Person, Person.id == CaseReview.person_id)
            .outerjoin(Case, Case.id == CaseReview.case_id)
            .outerjoin(actions, actions.c.review_id == CaseReview.id))


def _row(cfg: Config, cal: BankHolidays, today: date, review: CaseReview, victim: str | None,
         case_reference: str | None, recommendations: int | None) -> ReviewRow:
    found = rules.steps(_dates(review), cfg.case_reviews, cal)
    return ReviewRow(review.id, review.version, review.reference, review.received_on, victim or "",
                     applicant_words(review.applicant_name, review.applicant_relation, victim or ""),
                     review.case_id, case_reference or "", rules.status(_dates(review), found),
                     rules.next_step(found), tuple(step for step in found if step.overdue(today)),
                     recommendations or 0, review.applicant_name, review.applicant_relation)


def register(session: Session, cfg: Config, today: date) -> list[ReviewRow]:
    """Every application, the newest received first."""
    cal = holidays(cfg)
    rows = session.execute(_query().order_by(CaseReview.received_on.desc(), CaseReview.id.desc()))
    return [_row(cfg, cal, today, *row) for row in rows]


def overdue(session: Session, cfg: Config, today: date) -> list[ReviewRow]:
    """Applications with a step past its due date, the longest overdue first."""
    late = [row for row in register(session, cfg, today) if row.overdue]
    return sorted(late, key=lambda row: (row.overdue[0].due, row.reference))


@dataclass(frozen=True)
class Recommendation:
    action_id: int
    ref: str
    text: str
    owner: str
    owner_agency: str
    due_on: date | None
    status: str


@dataclass(frozen=True)
class ReviewDetail:
    review: CaseReview
    row: ReviewRow
    test: rules.ThresholdTest
    steps: tuple[rules.Step, ...]
    recommendations: tuple[Recommendation, ...]
    uncovered: tuple[int, ...]  # years whose bank holidays are not known


def incidents_reported(session: Session, cfg: Config, person_id: int | None,
                       received_on: date) -> list[IncidentFact]:
    """The victim's incidents from twice the rule's window before the application to
    the day it was received: the window itself, and what fell just outside it."""
    if person_id is None:
        return []
    start = months_before(received_on, 2 * cfg.flags.community_trigger.months)
    rows = session.execute(
        select(Incident.id, Incident.source_ref, Incident.occurred_on, Incident.category, Incident.hate)
        .join(IncidentParty, IncidentParty.incident_id == Incident.id)
        .where(IncidentParty.person_id == person_id, IncidentParty.role == "victim",
               Incident.occurred_on >= start, Incident.occurred_on <= received_on)
        .order_by(Incident.occurred_on, Incident.id))
    return [IncidentFact(i, ref or "", on, category, bool(hate)) for i, ref, on, category, hate in rows]


def detail(session: Session, cfg: Config, review_id: int, today: date) -> ReviewDetail:
    cal = holidays(cfg)
    row = session.execute(_query().where(CaseReview.id == review_id)).first()
    if row is None:
        raise Invalid(f"No ASB case review with id {review_id}: it may have been deleted")
    review = row[0]
    shown = _row(cfg, cal, today, *row)
    facts = incidents_reported(session, cfg, review.person_id, review.received_on)
    test = rules.threshold_test(facts, cfg.flags.community_trigger, cfg.categories, review.received_on)
    found = rules.steps(_dates(review), cfg.case_reviews, cal)
    recs = session.execute(
        select(Action).join(CaseReviewAction, CaseReviewAction.action_id == Action.id)
        .where(CaseReviewAction.review_id == review_id).order_by(Action.id))
    recommendations = tuple(Recommendation(a.id, a.ref, a.text, a.owner, a.owner_agency, a.due_on, a.status)
                            for (a,) in recs)
    from_rules = [step.due for step in found]
    uncovered = tuple(y for y in sorted({d.year for d in [review.received_on, *from_rules]})
                      if not cal.covers(date(y, 6, 1)))
    return ReviewDetail(review, shown, test, tuple(found), recommendations, uncovered)


@dataclass(frozen=True)
class YearFigures:
    """The figures s.104 asks each relevant body to publish, for one financial year."""

    year: str
    applications: int
    threshold_not_met: int
    reviews: int
    with_recommendations: int
    awaiting_decision: int


def yearly_figures(session: Session, start_year: int) -> YearFigures:
    """Applications received in the financial year starting April ``start_year``, and of
    those: the threshold not met, reviews carried out, reviews with recommendations."""
    start, end = date(start_year, 4, 1), date(start_year + 1, 3, 31)
    reviews = list(session.scalars(select(CaseReview).where(CaseReview.received_on >= start,
                                                           CaseReview.received_on <= end)))
    ids = [r.id for r in reviews if r.review_on is not None]
    recommended = set(session.scalars(select(CaseReviewAction.review_id)
                                      .where(CaseReviewAction.review_id.in_(ids)))) if ids else set()
    return YearFigures(year_label(start_year), len(reviews),
                       sum(1 for r in reviews if r.threshold == "not met"), len(ids), len(recommended),
                       sum(1 for r in reviews if not r.threshold))


def activations(session: Session, start: date, end: date) -> int:
    """Applications (activations of the Community Trigger) received from ``start`` to ``end``."""
    return session.scalar(select(func.count()).select_from(CaseReview)
                          .where(CaseReview.received_on >= start, CaseReview.received_on <= end)) or 0


def agenda_titles(session: Session, cfg: Config, today: date) -> list[str]:
    """One agenda line per application with a step overdue (references, never names):
    the main group's meeting hears what the partnership owes an applicant."""
    titles = []
    for row in overdue(session, cfg, today):
        steps = "; ".join(f"{step.name.lower()} was due {fmt_date(step.due)}" for step in row.overdue)
        titles.append(f"ASB case review {row.reference} overdue: {steps}"[:200])
    return titles


def for_case(session: Session, case_id: int) -> list[int]:
    """The applications on a case, the newest received first."""
    return list(session.scalars(select(CaseReview.id).where(CaseReview.case_id == case_id)
                                .order_by(CaseReview.received_on.desc(), CaseReview.id.desc())))
