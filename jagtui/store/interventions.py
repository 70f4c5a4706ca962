"""Interventions on the ASB escalation ladder, and their breaches."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, func, literal_column, or_, select
from sqlmodel import Session

from jagtui.rules.dates import fmt_date
from jagtui.rules.ladder import InterventionFact
from jagtui.store.errors import Invalid
from jagtui.store.models import Breach, Case, CaseParty, Intervention, Location, Person
from jagtui.store.records import edit, fetch, one_of, require

OUTCOMES = ("active", "complied", "breached", "expired")


def record_intervention(
    session: Session,
    *,
    case_id: int,
    step: str,
    steps: list[str],
    issuing_agency: str,
    issued_on: date,
    review_on: date | None = None,
    person_id: int | None = None,
    notes: str = "",
) -> Intervention:
    fetch(session, Case, case_id, "case")
    if review_on is not None and review_on < issued_on:
        raise Invalid(f"The review date ({fmt_date(review_on)}) is before the issue date "
                      f"({fmt_date(issued_on)})")
    intervention = Intervention(
        case_id=case_id, person_id=person_id, step=one_of(step, steps, "Ladder step"),
        issuing_agency=require(issuing_agency, "An issuing agency"), issued_on=issued_on,
        review_on=review_on, notes=notes,
    )
    session.add(intervention)
    session.flush()
    return intervention


def issue_intervention(session: Session, **values) -> Intervention:
    """What a user records (the Escalation form, the meeting): the recipient checked in the
    same transaction, so someone who became the case's victim meanwhile is refused too.
    ``record_intervention`` alone is for history loaded as it was (demo, tests)."""
    check_recipient(session, values["case_id"], values.get("person_id"))
    intervention = record_intervention(session, **values)
    supersede(session, intervention, values["steps"])
    return intervention


def supersede(session: Session, issued: Intervention, steps: list[str]) -> list[Intervention]:
    """Close the lower steps still active for the same case and recipient: the step just
    issued replaces them (a CPN replaces its CPW), so they no longer run, lapse or take a
    breach. The outcome model has no "superseded": they are marked expired (ran their
    course); any breached stay breached. Returns those closed."""
    rank = {key: n for n, key in enumerate(steps)}
    below = [key for key in steps if rank[key] < rank[issued.step]]
    if not below:
        return []
    closed = list(session.scalars(
        select(Intervention).where(
            Intervention.case_id == issued.case_id, Intervention.id != issued.id,
            Intervention.outcome == "active", Intervention.step.in_(below),
            Intervention.person_id.is_not_distinct_from(issued.person_id),
            Intervention.issued_on <= issued.issued_on)
        .order_by(Intervention.id).with_for_update()))
    for old in closed:
        old.outcome = "expired"
    session.flush()
    return closed


def record_breach(session: Session, intervention_id: int, breached_on: date, notes: str = "") -> Breach:
    """A breach marks the intervention breached; the ladder then proposes the next step.

    Only a running (active, or already breached) intervention can be breached, and
    not before it was issued.
    """
    intervention = fetch(session, Intervention, intervention_id, "intervention", lock=True)
    if intervention.outcome not in ("active", "breached"):
        raise Invalid(f"This intervention has ended ({intervention.outcome}): "
                      "record a new intervention instead of a breach")
    if breached_on < intervention.issued_on:
        raise Invalid(f"The breach date ({fmt_date(breached_on)}) is before the intervention was "
                      f"issued ({fmt_date(intervention.issued_on)})")
    breach = Breach(intervention_id=intervention_id, breached_on=breached_on, notes=notes)
    session.add(breach)
    intervention.outcome = "breached"
    session.flush()
    return breach


def set_outcome(session: Session, intervention_id: int, expected_version: int | None,
                outcome: str) -> Intervention:
    intervention = fetch(session, Intervention, intervention_id, "intervention", lock=True)
    return edit(session, intervention, {"outcome": one_of(outcome, OUTCOMES, "Outcome")},
                expected_version)


def for_case(session: Session, case_id: int) -> list[tuple[Intervention, list[Breach]]]:
    """Oldest first, each with its breaches."""
    interventions = list(session.scalars(
        select(Intervention).where(Intervention.case_id == case_id)
        .order_by(Intervention.issued_on, Intervention.id)
    ))
    breaches: dict[int, list[Breach]] = {i.id: [] for i in interventions}
    if interventions:
        for breach in session.scalars(
            select(Breach).where(Breach.intervention_id.in_(list(breaches)))
            .order_by(Breach.breached_on)
        ):
            breaches[breach.intervention_id].append(breach)
    return [(i, breaches[i.id]) for i in interventions]


class InterventionRow(NamedTuple):
    """One intervention as the escalation screen shows it, detached from the session.

    A named tuple: 4,000 made each time the board is read at 10,000 cases (a quarter of
    a frozen dataclass's cost), and of plain values only, so the cyclic collector
    stops tracking them once they have survived a collection."""

    id: int
    version: int
    step: str
    issuing_agency: str
    issued_on: date
    review_on: date | None
    outcome: str
    notes: str
    person_id: int | None
    breaches: tuple[date, ...]
    recipient: str = ""  # the name of the person it was issued to ("" for none, e.g. a premises)

    @property
    def fact(self) -> InterventionFact:
        return InterventionFact(self.id, self.step, self.issued_on, self.review_on, self.outcome,
                                self.breaches)

    @property
    def breached(self) -> bool:
        """As :attr:`InterventionFact.breached`: so the ladder rules take the row itself
        (no fact made per intervention when the escalation board is worked out)."""
        return self.outcome == "breached" or bool(self.breaches)

    @property
    def running(self) -> bool:
        """Still in force, so it can be breached."""
        return self.outcome in ("active", "breached")


@dataclass(frozen=True)
class EscalationCase:
    """A case on the escalation board, with its interventions oldest first."""

    case_id: int
    reference: str
    title: str
    case_type: str
    status: str
    lead_agency: str
    subject: str
    subject_is_person: bool
    locality: str
    beat: str
    person_id: int | None
    interventions: tuple[InterventionRow, ...]

    @property
    def facts(self) -> list[InterventionFact]:
        return [row.fact for row in self.interventions]


def _board_case_ids():
    """Open perpetrator cases, open cases of any type with interventions, and
    closed cases whose interventions still need an outcome."""
    # Uncorrelated IN lists: a correlated EXISTS on the outcome index took 12 s at
    # 10,000 cases on SQLite; these take milliseconds.
    has_any = Case.id.in_(select(Intervention.case_id))
    still_running = Case.id.in_(select(Intervention.case_id).where(Intervention.outcome == "active"))
    return select(Case.id).where(or_(
        and_(Case.status == "open", or_(Case.case_type == "perpetrator", has_any)),
        still_running,
    ))


def escalation_cases(session: Session, case_id: int | None = None) -> list[EscalationCase]:
    """The escalation board (or one case of it) in four set-based queries of plain
    columns (building ORM objects was most of the time at 10,000 cases), through Core:
    without the ORM's per-row step, each fetched at once (8,000 rows at 10,000 cases)."""
    board = _board_case_ids()
    if case_id is not None:
        board = board.where(Case.id == case_id)
    execute = session.connection().execute
    cases = execute(
        select(Case.id, Case.reference, Case.title, Case.case_type, Case.status, Case.lead_agency,
               Case.beat)
        .where(Case.id.in_(board)).order_by(Case.reference)
    ).all()
    if not cases:
        return []
    if session.get_bind().dialect.name == "sqlite":
        # SQLite ran the board's query again inside each further IN (6-10 ms apiece at
        # 10,000 cases): it is given the ids found, as one JSON array (2,000 bound values
        # cost SQLAlchemy ~10 ms a query). PostgreSQL plans the subquery in a millisecond,
        # so keeps it.
        board = select(literal_column("value")).select_from(
            func.json_each(json.dumps([row[0] for row in cases])))
    subjects: dict[int, tuple] = {}
    for cid, pid, person, place, locality, beat in execute(
        select(CaseParty.case_id, Person.id, Person.name, Location.name, Location.locality,
               Location.beat)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Location, Location.id == CaseParty.location_id)
        .where(CaseParty.case_id.in_(board))
        # The primary party, else a perpetrator, else the first linked.
        .order_by(CaseParty.primary.desc(), (CaseParty.role == "perpetrator").desc(), CaseParty.id)
    ).all():
        subjects.setdefault(cid, (pid, person, place, locality or "", beat or ""))
    breaches: dict[int, list[date]] = defaultdict(list)
    for intervention_id, on in execute(
        select(Breach.intervention_id, Breach.breached_on)
        .join(Intervention, Intervention.id == Breach.intervention_id)
        .where(Intervention.case_id.in_(board)).order_by(Breach.breached_on, Breach.id)
    ).all():
        breaches[intervention_id].append(on)
    rows: dict[int, list[InterventionRow]] = defaultdict(list)
    for iid, cid, version, step, agency, issued, review, outcome, notes, pid, name in execute(
        select(Intervention.id, Intervention.case_id, Intervention.version, Intervention.step,
               Intervention.issuing_agency, Intervention.issued_on, Intervention.review_on,
               Intervention.outcome, Intervention.notes, Intervention.person_id, Person.name)
        .outerjoin(Person, Person.id == Intervention.person_id)
        .where(Intervention.case_id.in_(board))
        # Each case's oldest first; by case first, SQLite reads them in its index's order
        # (case, issued, id) instead of sorting 4,000 rows (9 -> 4.5 ms at 10,000 cases).
        .order_by(Intervention.case_id, Intervention.issued_on, Intervention.id)
    ).all():
        rows[cid].append(InterventionRow(iid, version, step, agency, issued, review, outcome, notes,
                                         pid, tuple(breaches.get(iid, ())), name or ""))
    found = []
    for cid, reference, title, case_type, status, lead_agency, case_beat in cases:
        pid, person, place, locality, beat = subjects.get(cid, (None, None, None, "", ""))
        found.append(EscalationCase(
            cid, reference, title, case_type, status, lead_agency, person or place or title,
            person is not None, locality if person is None else "", case_beat or beat, pid,
            tuple(rows.get(cid, ())),
        ))
    return found


# --- who receives an intervention -----------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    """A person an intervention may be issued to: linked to the case, not as its victim."""

    person_id: int
    name: str
    role: str
    primary: bool = False


def recipients_from(parties: Iterable[tuple[int | None, str, str, bool]]) -> list[Recipient]:
    """From the case's links (person id, name, role, primary): its perpetrators (the
    primary first), then its other people. Never its victims; each person once."""
    links = [(pid, name, role, primary) for pid, name, role, primary in parties if pid is not None]
    as_victim_only = {pid for pid, _n, role, _p in links if role == "victim"} - {
        pid for pid, _n, role, _p in links if role != "victim"}
    found: dict[int, Recipient] = {}
    for pid, name, role, primary in sorted(
            links, key=lambda link: (link[2] != "perpetrator", not link[3])):
        if role != "victim" and pid not in as_victim_only and pid not in found:
            found[pid] = Recipient(pid, name, role, primary)
    return list(found.values())


def recipients(session: Session, case_id: int) -> list[Recipient]:
    """Who may receive an intervention on the case (see :func:`recipients_from`)."""
    return recipients_from(session.execute(
        select(CaseParty.person_id, Person.name, CaseParty.role, CaseParty.primary)
        .join(Person, Person.id == CaseParty.person_id)
        .where(CaseParty.case_id == case_id).order_by(CaseParty.id)).all())


def default_recipient(case_type: str, found: list[Recipient]) -> int | None:
    """On a perpetrator case its perpetrator; on any other case nobody: the user chooses."""
    if case_type == "perpetrator":
        return next((r.person_id for r in found if r.role == "perpetrator"), None)
    return None


def check_recipient(session: Session, case_id: int, person_id: int | None) -> None:
    """Refuse an intervention issued to nobody on a person's case, or to someone who may
    not receive it (not linked to the case, or only as its victim). On a location case
    nobody means the premises itself."""
    case = fetch(session, Case, case_id, "case")
    allowed = {r.person_id for r in recipients(session, case_id)}
    if person_id is None:
        if case.case_type != "location":
            raise Invalid("Choose who receives the intervention" if allowed else
                          "Nobody but the victim is linked to this case: link the person "
                          "who receives the intervention to the case first")
        return
    if person_id not in allowed:
        raise Invalid("An intervention is issued to someone linked to the case other than "
                      "its victim: choose who receives it")
