"""The demo's risk assessments (scored to each victim case's RAG, some overdue, two on
professional judgement) and interventions up the ladder with their breaches."""

from __future__ import annotations

from datetime import date, timedelta

from jagtui.config import LadderStep
from jagtui.demo.data import BREACHES
from jagtui.demo.world import Spec, World
from jagtui.rules import risk as risk_rules
from jagtui.rules.ladder import default_review_on
from jagtui.store.interventions import record_breach, record_intervention, set_outcome
from jagtui.store.risk import record_assessment

def _answers(world: World, spec: Spec, target: str, assessed_on: date) -> dict[str, int]:
    rng = world.rng
    victim = spec.victims[0]
    age = world.age(victim)
    vulnerable = victim.vulnerabilities.lower()
    chance = {"high": 0.75, "medium": 0.45, "standard": 0.12}[target]
    facts = {
        "age": int(age < 18 or age > 75),
        "disability": int(any(w in vulnerable for w in ("disab", "mobility", "wheelchair",
                                                         "sighted", "hearing", "illness"))),
        "hate": int(spec.issue.kind == "hate"),
        "children": int(any(world.age(p) < 18 for p in spec.household)),
        "substance": int("alcohol" in vulnerable or "substance" in vulnerable),
    }
    answers = {}
    for question in world.cfg.risk.questions:
        if question.key in facts:
            answers[question.key] = facts[question.key]
        elif question.kind == "scale":
            low, high = {"high": (4, 9), "medium": (2, 5), "standard": (0, 2)}[target]
            answers[question.key] = rng.randint(min(low, question.max), min(high, question.max))
        else:
            answers[question.key] = int(rng.random() < chance)
    return answers


def risk_assessments(world: World) -> None:
    """Victim cases' risk assessments, scored to their RAG (two not recorded yet)."""
    rng, today, risk_cfg = world.rng, world.today, world.cfg.risk
    victims = [s for s in world.specs if s.case_type == "victim"]
    overrides = 0
    unrecorded = 0
    for spec in victims:
        if spec.profile == "quiet" and unrecorded < 2:
            unrecorded += 1  # "risk assessments ... not recorded": the app should show the gap
            continue
        target = {"red": "high", "amber": "medium", "green": "standard"}[spec.rag]
        if spec.closed_on:
            latest = world.day(spec.opened_on, spec.closed_on - timedelta(days=10))
        elif spec.opened_on < today - timedelta(days=60) and rng.random() < 0.35:
            latest = max(spec.opened_on, today - timedelta(days=rng.randint(45, 110)))  # overdue
        else:
            latest = world.day(max(spec.opened_on, today - timedelta(days=12)),
                               today - timedelta(days=1))
        history = [latest]
        for _ in range(rng.choices((0, 1, 2), weights=(5, 3, 2))[0]):
            earlier = history[-1] - timedelta(days=rng.randint(20, 56))
            if earlier < spec.opened_on:
                break
            history.append(earlier)
        history.reverse()
        levels = ("standard", "medium", "high")
        # Two high-risk victims are high on professional judgement, not on the score.
        judged = target == "high" and overrides < 2 and not spec.closed_on
        overrides += judged
        for n, assessed_on in enumerate(history):
            # Earlier assessments sit one level lower: the case escalated to the JAG.
            step = len(history) - 1 - n
            want = levels[max(0, levels.index(target) - (1 if step else 0))]
            override, reason = None, ""
            if judged and not step:
                want, override = "medium", "high"
                reason = ("Professional judgement: the victim's mental health has deteriorated "
                          "and they are too frightened to leave the house.")
            answers, result = None, None
            for _ in range(25):
                answers = _answers(world, spec, want, assessed_on)
                result = risk_rules.assess(risk_cfg, answers)
                if result.level == want:
                    break
            if override and risk_rules.LEVELS.index(result.level) >= risk_rules.LEVELS.index(override):
                override, reason = None, ""
            level = override or result.level
            officer = world.officer(spec.lead_agency)
            if officer.agency not in (world.agency("POLICE"), world.agency("CBC-ASB"),
                                      spec.lead_agency):
                officer = world.officer(world.agency("CBC-ASB"))
            due = risk_rules.review_due(level, assessed_on, risk_cfg,
                                        world.meeting_after(assessed_on))
            record_assessment(
                world.session, risk_cfg, case_id=spec.case.id, assessed_on=assessed_on,
                assessor=officer.name, answers=answers, review_due=due,
                person_id=spec.victims[0].id, override_level=override, override_reason=reason,
            )


def interventions(world: World) -> None:
    """Each perpetrator's escalation history, with its breaches and outcomes."""
    rng = world.rng
    steps = [s.key for s in world.cfg.ladder]
    for spec in world.specs:
        for person, chain in spec.chains:
            youth = world.age(person) < 18
            for index, outcome, issued, breaches in chain:
                step = world.step(index)
                agency = _issuer(world, index, youth)
                notes = _intervention_note(world, step, spec, youth)
                review = default_review_on(step, issued)
                row = record_intervention(
                    world.session, case_id=spec.case.id, step=step.key, steps=steps,
                    issuing_agency=agency, issued_on=issued, review_on=review,
                    person_id=person.id, notes=notes,
                )
                for day in breaches:
                    record_breach(world.session, row.id, day, rng.choice(BREACHES))
                if outcome in ("complied", "expired"):
                    set_outcome(world.session, row.id, None, outcome)


def _issuer(world: World, index: int, youth: bool) -> str:
    rng = world.rng
    top = len(world.cfg.ladder) - 1
    if index <= 1:
        return rng.choice([world.agency("POLICE"), world.agency("CBC-ASB")])
    if index == 2:
        return rng.choice([world.agency("POLICE"), world.agency("YOS")] if youth
                          else [world.agency("CBC-ASB"), world.agency("CBC-HOUSING", "RSL")])
    if index >= top:
        return rng.choice([world.agency("CBC-HOUSING"), world.agency("RSL"), world.agency("CBC-ASB")])
    return world.agency("CBC-ASB")


def _intervention_note(world: World, step: LadderStep, spec: Spec, youth: bool) -> str:
    place = spec.hotspots[0].name if spec.hotspots else "the area"
    with_parent = " with a parent/carer present" if youth else ""
    notes = {
        "ADVICE": f"Home visit{with_parent}; advised on behaviour and the consequences of further ASB",
        "LETTER": f"Warning letter hand-delivered and explained{with_parent}",
        "ABC": ("ABC signed" + (" with a parent/carer and a YOS worker present" if youth else "")
                + f": not to enter {place}, not to associate with the named people, home by 9pm"),
        "CPW": "CPW served: stop the behaviour set out in the warning or a CPN will follow",
        "CPN": "CPN served in person; requirements explained and a copy given",
        "INJUNCTION": f"Civil injunction granted by the county court: exclusion zone around {place}",
    }
    return notes.get(step.key, f"{step.name} issued")
