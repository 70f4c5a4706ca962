"""Retention: closed cases due for review, the decisions on them, and erasure.

A case closed longer than the configured period (``jagtui.rules.retention``)
is listed for review until an admin decides: *retain* (with a reason and a date
after which it is listed again) or *delete*. Each decision is a
``retention_reviews`` row holding the reference, never personal data.

:func:`purge` erases a case decided "delete", for good, with everything about
it: its parties, risk assessments, interventions and breaches, actions and
their updates, its ASB case reviews (and their recommendations), the notes of meeting items about it (the item itself stays in
the minutes, retitled, so the numbering still reads), drafts of it, and the
people, locations and incidents that nothing still kept refers to. It writes
no per-row audit (the rows would repeat the erased values) but ONE "erasure"
audit row per case holding the reference, counts and erased record ids only.
Older audit rows about the erased records stay (the log is append-only) and
are put beyond use: ``jagtui.store.audit`` withholds their detail from the
audit screen and export. See docs/retention.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, or_, select, text, update
from sqlmodel import Session

from jagtui.rules.retention import is_due, latest_due_closure, period_ends
from jagtui.store import audit
from jagtui.store.case_review_tables import CaseReview, CaseReviewAction
from jagtui.store.errors import Conflict, Invalid, NotFound
from jagtui.store.follow_tables import FollowMessage
from jagtui.store.models import (
    Action, ActionUpdate, Breach, Case, CaseParty, Draft, Incident, IncidentParty, Intervention,
    ItemNote, Location, MeetingItem, Person, RetentionReview, RiskAssessment,
)
from jagtui.store.records import require

# Case-bound tables whose rows name a person (a risk assessment's or an intervention's subject).
_PERSON_LINKS = (CaseParty, RiskAssessment, Intervention)
DEFAULT_DELETE_REASON = "Retention period ended; no reason to keep"


@dataclass(frozen=True)
class ReviewRow:
    """A closed case past its retention period, with its latest decision (if any)."""

    case_id: int
    reference: str
    case_type: str
    closed_on: date
    closure_reason: str
    period_ended: date
    decision: str = ""  # "", "retain" (lapsed: listed again) or "delete" (awaiting purge)
    decided_on: date | None = None
    decided_by: str = ""
    retain_until: date | None = None
    reason: str = ""
    review_id: int = 0  # the latest decision's id: pass it back as ``seen`` when deciding

    @property
    def state(self) -> str:
        if self.decision == "delete":
            return "marked for deletion"
        if self.decision == "retain":
            return f"retained until {self.retain_until.isoformat()}: review again"
        return "due for review"


def _latest_decisions(session: Session, case_ids: list[int]) -> dict[int, RetentionReview]:
    latest: dict[int, RetentionReview] = {}
    if case_ids:
        for review in session.scalars(
            select(RetentionReview).where(RetentionReview.case_id.in_(case_ids))
            .order_by(RetentionReview.id)
        ):
            latest[review.case_id] = review
    return latest


def review_list(session: Session, today: date, years: int) -> list[ReviewRow]:
    """Cases due for review or marked for deletion, longest closed first.

    A case retained until a date is left out until that date has passed.
    """
    cases = list(session.scalars(
        select(Case)
        .where(Case.status == "closed", Case.closed_on.is_not(None),
               Case.closed_on <= latest_due_closure(today, years))
        .order_by(Case.closed_on, Case.reference)
    ))
    latest = _latest_decisions(session, [case.id for case in cases])
    rows = []
    for case in cases:
        review = latest.get(case.id)
        if review and review.decision == "retain" and review.retain_until >= today:
            continue
        rows.append(ReviewRow(
            case.id, case.reference, case.case_type, case.closed_on, case.closure_reason,
            period_ends(case.closed_on, years),
            *((review.decision, review.decided_on, review.created_by, review.retain_until,
               review.reason, review.id) if review else ()),
        ))
    return rows


def _due_case(session: Session, reference: str, today: date, years: int,
              seen: int | None = None, deciding: dict | None = None) -> Case:
    """The case, locked so two admins deciding at once queue; with ``seen`` (the id of
    the latest decision the admin was shown, 0 for none) a decision someone else made
    since is a :class:`Conflict`, not silently superseded."""
    case = session.scalar(select(Case).where(Case.reference == reference.strip())
                          .with_for_update().execution_options(populate_existing=True))
    if case is None:
        raise NotFound(f"No case {reference.strip()!r}")
    if case.status != "closed" or case.closed_on is None:
        raise Invalid(f"{case.reference} is open: only closed cases are reviewed for retention")
    if not is_due(case.closed_on, today, years):
        raise Invalid(f"{case.reference} was closed on {case.closed_on.isoformat()}: its "
                      f"{years}-year retention period runs to "
                      f"{period_ends(case.closed_on, years).isoformat()}")
    latest = _latest_decisions(session, [case.id]).get(case.id)
    if seen is not None and (latest.id if latest else 0) != seen:
        fields = ("decision", "reason", "retain_until")
        raise Conflict("The retention decision", {key: getattr(latest, key) for key in fields},
                       deciding or {}, latest.created_by, latest.created_at, version=latest.id,
                       record_id=latest.id, table="retention_reviews")
    return case


def retain(session: Session, reference: str, reason: str, until: date, today: date,
           years: int, *, seen: int | None = None) -> RetentionReview:
    """Keep a due case until ``until`` (after which it is listed again), for ``reason``."""
    case = _due_case(session, reference, today, years, seen,
                     {"decision": "retain", "reason": reason, "retain_until": until})
    if until <= today:
        raise Invalid(f"Retain until must be after today ({today.isoformat()})")
    review = RetentionReview(case_id=case.id, case_reference=case.reference, decision="retain",
                             reason=require(reason, "A reason to retain"), decided_on=today,
                             retain_until=until)
    session.add(review)
    session.flush()
    return review


def mark_for_deletion(session: Session, reference: str, today: date, years: int,
                      reason: str = "", *, seen: int | None = None) -> RetentionReview:
    """Decide a due case is to be erased; :func:`purge` then erases it."""
    case = _due_case(session, reference, today, years, seen,
                     {"decision": "delete", "reason": reason, "retain_until": None})
    review = RetentionReview(case_id=case.id, case_reference=case.reference, decision="delete",
                             reason=reason.strip() or DEFAULT_DELETE_REASON, decided_on=today)
    session.add(review)
    session.flush()
    return review


def marked_for_deletion(session: Session, today: date, years: int) -> list[ReviewRow]:
    return [row for row in review_list(session, today, years) if row.decision == "delete"]


# --- Erasure -----------------------------------------------------------------------------------


@dataclass
class Erasure:
    """What one case's purge removed: record ids per table (no content)."""

    reference: str
    case_id: int
    erased: dict[str, list[int]] = field(default_factory=dict)
    kept_people: int = 0
    kept_locations: int = 0
    retitled_items: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {table: len(ids) for table, ids in self.erased.items() if ids}

    def summary(self) -> str:
        counts = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in self.counts.items())
        kept = ""
        if self.kept_people or self.kept_locations:
            kept = (f"; kept {self.kept_people} people and {self.kept_locations} locations "
                    "still referred to by other cases or incidents")
        return f"{self.reference}: erased {counts}{kept}"


def _ids(session: Session, query) -> set[int]:
    return {row for row in session.scalars(query) if row is not None}


def _subjects(session: Session, case_id: int) -> tuple[set[int], set[int], set[int], set[int]]:
    """People and locations of this case, and those that other cases refer to."""
    people, others_people = set(), set()
    for model in _PERSON_LINKS:
        people |= _ids(session, select(model.person_id).where(model.case_id == case_id))
    if people:
        for model in _PERSON_LINKS:
            others_people |= _ids(session, select(model.person_id).where(
                model.case_id != case_id, model.person_id.in_(people)))
    places = _ids(session, select(CaseParty.location_id).where(CaseParty.case_id == case_id))
    others_places = _ids(session, select(CaseParty.location_id).where(
        CaseParty.case_id != case_id, CaseParty.location_id.in_(places))) if places else set()
    return people, places, others_people, others_places


def _erasable(session: Session, case_id: int) -> tuple[set[int], set[int], set[int], int, int]:
    """(people, locations, incidents) to erase with the case, and how many people/places stay.

    An incident goes when it touches this case's people or places and nothing
    still kept is party to it: none of its people or its location belongs to
    another case. A person or location goes when no other case refers to them
    and every incident naming them goes too.
    """
    people, places, other_people, other_places = _subjects(session, case_id)
    touching = set()
    if people:
        touching |= _ids(session, select(IncidentParty.incident_id)
                         .where(IncidentParty.person_id.in_(people)))
    if places:
        touching |= _ids(session, select(Incident.id).where(Incident.location_id.in_(places)))
    party_of: dict[int, set[int]] = defaultdict(set)
    location_of: dict[int, int | None] = {}
    if touching:
        for incident_id, person_id in session.execute(
            select(IncidentParty.incident_id, IncidentParty.person_id)
            .where(IncidentParty.incident_id.in_(touching))
        ):
            party_of[incident_id].add(person_id)
        location_of = dict(session.execute(
            select(Incident.id, Incident.location_id).where(Incident.id.in_(touching))).all())
    everyone = set().union(*party_of.values()) if party_of else set()
    # Which of the incidents' people and places other cases still refer to.
    kept_people = set(other_people)
    if everyone - people:
        for model in _PERSON_LINKS:
            kept_people |= _ids(session, select(model.person_id)
                                .where(model.person_id.in_(everyone - people)))
    at_places = {loc for loc in location_of.values() if loc is not None}
    kept_places = set(other_places)
    if at_places - places:
        kept_places |= _ids(session, select(CaseParty.location_id)
                            .where(CaseParty.location_id.in_(at_places - places)))
    incidents = {
        incident for incident in touching
        if not (party_of[incident] & kept_people) and location_of.get(incident) not in kept_places
    }
    # Candidates: this case's subjects and everyone and everywhere in its erased incidents.
    candidates = people | {p for i in incidents for p in party_of[i]}
    place_candidates = places | {location_of[i] for i in incidents if location_of.get(i)}
    # Anyone still named by an incident that stays, stays.
    named_elsewhere = _ids(session, select(IncidentParty.person_id).where(
        IncidentParty.person_id.in_(candidates), IncidentParty.incident_id.not_in(incidents)))
    sited_elsewhere = _ids(session, select(Incident.location_id).where(
        Incident.location_id.in_(place_candidates), Incident.id.not_in(incidents)))
    gone_people = candidates - kept_people - named_elsewhere
    gone_places = place_candidates - kept_places - sited_elsewhere
    return (gone_people, gone_places, incidents,
            len(people - gone_people), len(places - gone_places))


# Draft keys name what the form was about as ``kind:id`` pairs (``case:12``,
# ``party:new:case:12``, ``meeting:3:item:40:agreed``, ``breach:7``): the table each
# kind's id belongs to. The intervention form is keyed by its case's id.
_DRAFT_KINDS = {
    "case": "cases", "intervention": "cases", "incident": "incidents", "person": "people",
    "location": "locations", "breach": "interventions", "outcome": "interventions",
    "item": "meeting_items", "review": "actions", "action-complete": "actions",
    "action-update": "actions", "action-reassign": "actions",
}


def _draft_ids(session: Session, about: set[tuple[str, int]]) -> set[int]:
    """Drafts whose key names one of ``about`` ((table, id) pairs)."""
    found = set()
    for draft_id, key in session.execute(select(Draft.id, Draft.key)):
        parts = key.split(":")
        named = {(_DRAFT_KINDS.get(kind), int(number))
                 for kind, number in zip(parts, parts[1:]) if number.isdigit()}
        if named & about:
            found.add(draft_id)
    return found


def _delete(session: Session, model, ids: set[int]) -> list[int]:
    if ids:
        session.execute(delete(model).where(model.id.in_(ids))
                        .execution_options(synchronize_session=False))
    return sorted(ids)


def purge_case(session: Session, case_id: int, today: date, years: int) -> Erasure:
    """Erase one case decided "delete" and what only it refers to (see the module docstring)."""
    # Locked, so a second admin purging at the same time waits, then finds it gone.
    case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        raise NotFound(f"No case with id {case_id}")
    review = _latest_decisions(session, [case_id]).get(case_id)
    if review is None or review.decision != "delete":
        raise Invalid(f"{case.reference} is not marked for deletion")
    if case.status != "closed" or not is_due(case.closed_on, today, years):
        raise Invalid(f"{case.reference} is no longer a closed case past its retention period: "
                      "review it again")
    reference, closed_on = case.reference, case.closed_on
    # The per-row audit would copy every erased value into the log: off for this transaction.
    session.info["audit"] = False
    sqlite = session.bind.dialect.name == "sqlite"
    if sqlite:
        # Zero erased rows on disk rather than leave them readable in free pages.
        secure = session.scalar(text("PRAGMA secure_delete"))
        session.execute(text("PRAGMA secure_delete = ON"))
    people, places, incidents, kept_people, kept_places = _erasable(session, case_id)
    items = _ids(session, select(MeetingItem.id).where(MeetingItem.case_id == case_id))
    actions = _ids(session, select(Action.id).where(Action.case_id == case_id))
    if items:
        # Actions minuted under an item about this case, unless tied to another case.
        actions |= _ids(session, select(Action.id).where(
            Action.item_id.in_(items), or_(Action.case_id.is_(None), Action.case_id == case_id)))
    interventions = _ids(session, select(Intervention.id).where(Intervention.case_id == case_id))
    # ASB case reviews of the case, or of its victim when on no case: the applicant, what
    # was reported and the findings go with it, and the actions of their recommendations.
    about_it = [CaseReview.case_id == case_id]
    if people:
        about_it.append(CaseReview.case_id.is_(None) & CaseReview.person_id.in_(people))
    reviews = _ids(session, select(CaseReview.id).where(or_(*about_it)))
    if reviews:
        actions |= _ids(session, select(CaseReviewAction.action_id).where(
            CaseReviewAction.review_id.in_(reviews)))
    erasure = Erasure(reference, case_id, kept_people=kept_people, kept_locations=kept_places)
    erased = erasure.erased
    erased["item_notes"] = _delete(session, ItemNote, _ids(session, select(ItemNote.id).where(
        ItemNote.item_id.in_(items)))) if items else []
    # What remote followers sent the chair about the case's items (store.follow).
    erased["follow_messages"] = _delete(session, FollowMessage, _ids(session, select(
        FollowMessage.id).where(FollowMessage.item_id.in_(items)))) if items else []
    erased["case_review_actions"] = _delete(session, CaseReviewAction, _ids(session, select(
        CaseReviewAction.id).where(CaseReviewAction.review_id.in_(reviews)))) if reviews else []
    erased["case_reviews"] = _delete(session, CaseReview, reviews)
    erased["action_updates"] = _delete(session, ActionUpdate, _ids(session, select(
        ActionUpdate.id).where(ActionUpdate.action_id.in_(actions)))) if actions else []
    erased["actions"] = _delete(session, Action, actions)
    erased["breaches"] = _delete(session, Breach, _ids(session, select(Breach.id).where(
        Breach.intervention_id.in_(interventions)))) if interventions else []
    erased["interventions"] = _delete(session, Intervention, interventions)
    erased["risk_assessments"] = _delete(session, RiskAssessment, _ids(
        session, select(RiskAssessment.id).where(RiskAssessment.case_id == case_id)))
    erased["case_parties"] = _delete(session, CaseParty, _ids(
        session, select(CaseParty.id).where(CaseParty.case_id == case_id)))
    erased["incident_parties"] = _delete(session, IncidentParty, _ids(
        session, select(IncidentParty.id).where(IncidentParty.incident_id.in_(incidents))
    )) if incidents else []
    erased["incidents"] = _delete(session, Incident, incidents)
    if items:
        # The minutes keep the item's number, without what was said about the case.
        session.execute(update(MeetingItem).where(MeetingItem.id.in_(items))
                        .values(title=f"{reference} (erased {today.isoformat()})", case_id=None)
                        .execution_options(synchronize_session=False))
        erasure.retitled_items = len(items)
    erased["cases"] = _delete(session, Case, {case_id})
    erased["people"] = _delete(session, Person, people)
    erased["locations"] = _delete(session, Location, places)
    about = {(table, record_id) for table, ids in erased.items() for record_id in ids}
    about |= {("meeting_items", item) for item in items}
    erased["drafts"] = _delete(session, Draft, _draft_ids(session, about))
    if sqlite:
        session.execute(text(f"PRAGMA secure_delete = {int(secure)}"))
    session.expunge_all()
    audit.record(
        session, "erasure", table_name="cases", record_id=case_id, case_id=case_id,
        reference=reference, closed_on=closed_on, decided_on=review.decided_on,
        decided_by=review.created_by, review_id=review.id, counts=erasure.counts,
        kept={"people": kept_people, "locations": kept_places},
        retitled_meeting_items=erasure.retitled_items,
        erased={table: ids for table, ids in erased.items() if ids},
    )
    session.flush()
    session.info["audit"] = True
    return erasure


def purge(store, today: date, years: int) -> list[Erasure]:
    """Erase every case marked for deletion, one transaction per case."""
    with store.read() as session:
        due = [row.case_id for row in marked_for_deletion(session, today, years)]
    erasures = []
    for case_id in due:
        try:
            with store.write() as session:
                erasures.append(purge_case(session, case_id, today, years))
        except NotFound:
            continue  # another admin's purge got there first
    if erasures and store.is_sqlite:
        _checkpoint(store)
    return erasures


def _checkpoint(store) -> None:
    """Fold the WAL into the database and empty it, so no old copy of an erased page lingers.

    Best effort: a reader still open elsewhere keeps the WAL until the next checkpoint.
    """
    raw = store.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
