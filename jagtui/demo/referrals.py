"""Demo referrals out: about one open case in four refers someone on, made through the
store (so every rule holds), some answered, some closed, and a few still unanswered
past their follow-up date so Flags and the agenda show them.

Drawn from a generator of its own (seeded by the demo's today), so adding referrals
changes nothing else the demo builds.
"""

from __future__ import annotations

import random
from datetime import timedelta

from jagtui.demo.world import World
from jagtui.store.referrals import change_referral, make_referral

REASONS = {
    "YOUTH": "Repeated ASB with older peers; school reports absences; parent asks for help",
    "CCE": "Seen with older males from out of area; new phone and clothes; missing episodes",
    "DRUGS": "Cannabis use said to drive the ASB; willing to talk to outreach",
    "VICTIM": "Repeat victim, anxious about reprisals; would like practical support",
    "ADULTS": "Vulnerable adult, lives alone, targeted at the door; care needs not met",
    "CHILDREN": "Children in the household exposed to the ASB and threats",
    "MH": "Mental health appears to be deteriorating; not engaging with the GP",
    "HOUSING": "Asks for a move; tenancy at risk from the neighbour dispute",
}
OUTCOMES = {
    "accepted": "Allocated a worker; first visit made",
    "declined": "Below the service's threshold; signposted to universal services",
}


def _service(world: World, spec) -> tuple[str, object] | None:
    """Whom the case would refer, and to which service (one the config lists)."""
    known = {s.key for s in world.cfg.referrals.services}
    if spec.perpetrators:
        person = spec.perpetrators[0]
        wanted = ("CCE", "YOUTH") if world.age(person) < 18 else ("DRUGS", "MH")
    elif spec.victims:
        person = spec.victims[0]
        wanted = ("VICTIM", "ADULTS", "HOUSING", "MH")
    else:
        return None
    choices = [key for key in wanted if key in known]
    return (choices, person) if choices else None


def make_referrals(world: World) -> None:
    rng = random.Random(world.today.toordinal())
    login = world.store.login
    referred: set[tuple[int, str]] = set()  # a person is referred to a service once
    for spec in world.specs:
        case = spec.case
        if case is None or case.status != "open" or rng.random() > 0.25:
            continue
        found = _service(world, spec)
        if found is None:
            continue
        choices, person = found
        service = rng.choice(choices)
        if (person.id, service) in referred:
            continue
        referred.add((person.id, service))
        made = world.today - timedelta(days=rng.randint(3, 120))
        made = max(made, case.opened_on)
        referral = make_referral(
            world.session, world.cfg, world.today, case_id=case.id, person_id=person.id,
            service=service, referred_on=made, reason=REASONS.get(service, "Needs support"),
            made_by=login, made_by_agency=case.lead_agency)
        age = (world.today - made).days
        # Older referrals have their answer; a few recent ones wait past their follow-up.
        if age > 30 and rng.random() < 0.8:
            status = "accepted" if rng.random() < 0.7 else "declined"
            answered = made + timedelta(days=rng.randint(3, 20))
            change_referral(world.session, world.today, referral.id, None, status=status,
                            on=answered, outcome=OUTCOMES[status])
            if age > 75:
                change_referral(world.session, world.today, referral.id, None, status="closed",
                                on=min(world.today, answered + timedelta(days=30)))
