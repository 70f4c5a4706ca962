"""One case, everything the case view shows, read in a few set-based queries.

The screen gets back plain frozen values (ORM rows detached from their session
and never lazily loaded), so it can show them from any thread without touching
the database again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from jagtui.config import Config
from jagtui.rules.dates import months_before
from jagtui.rules.flags import Flag
from jagtui.rules.harm import HarmResult, harm_from_incidents, monthly_series
from jagtui.rules.ladder import InterventionFact, LadderState, ladder_state
from jagtui.rules.risk import is_review_overdue
from jagtui.store import audit
from jagtui.store.actions import ActionRow, action_rows
from jagtui.store.caselist import case_flags
from jagtui.store.cases import get_case, parties as case_parties
from jagtui.store.incidents import CaseIncident, case_incidents
from jagtui.store.interventions import for_case
from jagtui.store.meetings import case_history, next_meeting_on
from jagtui.store.models import (
    Breach, Case, Incident, IncidentParty, Intervention, ItemNote, Location, Meeting, MeetingItem,
    Person, RiskAssessment,
)
from jagtui.store.risk import history as risk_history

SPARK_MONTHS = 12


@dataclass(frozen=True)
class Party:
    """A person or a location linked to the case, in a role."""

    link_id: int
    role: str
    primary: bool
    person_id: int | None
    location_id: int | None
    name: str
    address: str
    postcode: str
    locality: str
    beat: str
    date_of_birth: date | None
    vulnerabilities: str

    @property
    def is_person(self) -> bool:
        return self.person_id is not None


@dataclass(frozen=True)
class Involved:
    person_id: int
    name: str
    role: str


@dataclass(frozen=True)
class IncidentLine:
    """An incident reaching the case, with everyone recorded as involved."""

    item: CaseIncident
    people: tuple[Involved, ...]
    location_locality: str

    @property
    def id(self) -> int:
        return self.item.fact.id


@dataclass(frozen=True)
class InterventionLine:
    intervention: Intervention
    breaches: tuple[Breach, ...]
    step_name: str


@dataclass(frozen=True)
class HistoryLine:
    meeting: Meeting
    item: MeetingItem
    notes: tuple[ItemNote, ...]


@dataclass(frozen=True)
class CaseFile:
    case: Case
    parties: tuple[Party, ...]
    incidents: tuple[IncidentLine, ...]          # newest first
    risk: tuple[RiskAssessment, ...]             # newest first
    harm: HarmResult
    harm_series: tuple[float, ...]               # oldest month first, this month last
    interventions: tuple[InterventionLine, ...]  # oldest first
    ladder: LadderState
    actions: tuple[ActionRow, ...]
    history: tuple[HistoryLine, ...]             # newest meeting first
    flags: tuple[Flag, ...]
    next_meeting: date | None
    today: date

    @property
    def latest_risk(self) -> RiskAssessment | None:
        return self.risk[0] if self.risk else None

    @property
    def review_due(self) -> date | None:
        latest = self.latest_risk
        return latest.review_due if latest else None

    @property
    def review_overdue(self) -> bool:
        return self.case.status == "open" and is_review_overdue(self.review_due, self.today)

    @property
    def subject(self) -> Party | None:
        """The primary party, else the first linked."""
        return next((p for p in self.parties if p.primary), self.parties[0] if self.parties else None)

    @property
    def overdue_actions(self) -> int:
        return sum(1 for row in self.actions
                   if row.action.status == "open" and row.action.due_on and row.action.due_on < self.today)


def locality_in(address: str, cfg: Config) -> str:
    """The configured locality an address names ('…, Quorn, LE12' -> 'Quorn'), if any."""
    lowered = address.lower()
    for beat in cfg.beats:
        for locality in beat.localities:
            if locality.lower() in lowered:
                return locality
    return ""


def _parties(session: Session, cfg: Config, case_id: int) -> tuple[Party, ...]:
    found = []
    for link, person, place in case_parties(session, case_id):
        if person is not None:
            found.append(Party(link.id, link.role, link.primary, person.id, None, person.name,
                               person.address, person.postcode, locality_in(person.address, cfg),
                               person.beat, person.date_of_birth, person.vulnerabilities))
        else:
            found.append(Party(link.id, link.role, link.primary, None, place.id, place.name,
                               place.address, place.postcode, place.locality, place.beat, None, ""))
    return tuple(found)


def _incident_lines(session: Session, items: list[CaseIncident]) -> tuple[IncidentLine, ...]:
    ids = [item.fact.id for item in items]
    people: dict[int, list[Involved]] = defaultdict(list)
    localities: dict[int, str] = {}
    if ids:
        for incident_id, person_id, name, role in session.execute(
            select(IncidentParty.incident_id, Person.id, Person.name, IncidentParty.role)
            .join(Person, Person.id == IncidentParty.person_id)
            .where(IncidentParty.incident_id.in_(ids))
            .order_by(IncidentParty.incident_id, Person.name)
        ):
            people[incident_id].append(Involved(person_id, name, role))
        for incident_id, locality in session.execute(
            select(Incident.id, Location.locality)
            .join(Location, Location.id == Incident.location_id)
            .where(Incident.id.in_(ids))
        ):
            localities[incident_id] = locality or ""
    newest_first = sorted(items, key=lambda i: (i.fact.occurred_on, i.fact.id), reverse=True)
    return tuple(IncidentLine(item, tuple(people[item.fact.id]), localities.get(item.fact.id, ""))
                 for item in newest_first)


def case_file(session: Session, cfg: Config, today: date, case_id: int,
              next_meeting: date | None = None) -> CaseFile:
    """Everything about one case; raises NotFound for an unknown id."""
    case = get_case(session, case_id)
    if next_meeting is None:
        next_meeting = next_meeting_on(session, cfg.meetings.cadence_weeks, today, case.subgroup)
    parties = _parties(session, cfg, case_id)
    items = case_incidents(session, [case_id]).get(case_id, [])
    facts = [item.fact for item in items]
    risk = tuple(risk_history(session, case_id))
    latest = (risk[0].level, risk[0].review_due) if risk else None
    # The youth flag is about the case's subjects, as on the case list (not a child at home).
    births = [p.date_of_birth for p in parties
              if p.date_of_birth is not None and p.role == case.case_type]
    # Flags look back over their own windows; nothing after today counts.
    flagged = [item for item in items if item.fact.occurred_on <= today]
    steps = {step.key: step.name for step in cfg.ladder}
    interventions = tuple(InterventionLine(i, tuple(b), steps.get(i.step, i.step))
                          for i, b in for_case(session, case_id))
    ladder = ladder_state(cfg.ladder, [
        InterventionFact(line.intervention.id, line.intervention.step, line.intervention.issued_on,
                         line.intervention.review_on, line.intervention.outcome,
                         tuple(b.breached_on for b in line.breaches))
        for line in interventions
    ])
    return CaseFile(
        case=case,
        parties=parties,
        incidents=_incident_lines(session, items),
        risk=risk,
        harm=harm_from_incidents(facts, cfg.categories, cfg.harm, today),
        harm_series=tuple(monthly_series(facts, cfg.categories, today, SPARK_MONTHS)),
        interventions=interventions,
        ladder=ladder,
        actions=tuple(action_rows(session, status=None, case_id=case_id)),
        history=tuple(HistoryLine(m, i, tuple(n)) for m, i, n in case_history(session, case_id)),
        flags=case_flags(cfg, today, case, flagged, latest, max(births) if births else None),
        next_meeting=next_meeting,
        today=today,
    )


def record_view(session: Session, case: Case) -> None:
    """One audit row each time someone opens a case (call inside ``store.write()``)."""
    audit.record(session, "view", table_name="cases", record_id=case.id, case_id=case.id,
                 reference=case.reference)


def months_window_start(today: date) -> date:
    """First day the sparkline covers."""
    return months_before(today, SPARK_MONTHS - 1).replace(day=1)
