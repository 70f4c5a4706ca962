"""The demo's meetings: the main group's last three and a Youth JAG, each with its
attendance, standing items, the cases discussed in the words of minutes, and the
actions agreed and updated."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jagtui.demo.data import ACTION_DONE, ACTION_PROGRESS, AOB_POINTS, CASE_ACTIONS, MINUTE_TAKER
from jagtui.demo.world import Officer, Spec, World
from jagtui.rules.dates import action_ref, fmt_date, months_before
from jagtui.store.actions import add_action, add_update
from jagtui.store.meetings import add_attendee, add_item, add_note, create_meeting
from jagtui.store.models import Action
from jagtui.words import plural


def _uk_time() -> tzinfo:
    """Meetings start at UK local time; stored times are UTC."""
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:
        return timezone.utc

def _attendance(world: World, meeting_id: int, chair: Officer) -> list[str]:
    rng = world.rng
    others = [o for o in world.officers if o is not chair]
    rng.shuffle(others)
    present = [chair] + others[:rng.randint(8, 11)]
    apologies = others[len(present) - 1:len(present) + 2]
    world.present = present
    for officer in present:
        add_attendee(world.session, meeting_id, officer.name, world.cfg.agency_name(officer.agency))
    for officer in apologies:
        add_attendee(world.session, meeting_id, officer.name, world.cfg.agency_name(officer.agency),
                     kind="apology")
    add_attendee(world.session, meeting_id, MINUTE_TAKER,
                 world.cfg.agency_name(world.agency("CBC-ASB")), kind="minutes")
    return [f"{o.name} ({world.cfg.agency_name(o.agency)})" for o in apologies]


def hold_meetings(world: World) -> None:
    """The past meetings in date order, actions carried from one to the next."""
    pending: list[Action] = []
    previous = None
    held = [(day, world.main_group) for day in world.main_dates]
    if world.youth_date:
        held.append((world.youth_date, world.youth_group))
    held.sort()
    for day, group in held:
        if group == world.main_group:
            pending = _meeting(world, day, group, previous, pending)
            previous = day
        else:
            _meeting(world, day, group, None, [])
    # Since the last meeting: a few actions have an interim update.
    for action in pending:
        if world.rng.random() < 0.35:
            on = world.day(world.main_dates[-1] + timedelta(days=1), world.today - timedelta(days=1))
            done = world.rng.random() < 0.3
            add_update(world.session, action.id, on,
                       world.rng.choice(ACTION_DONE if done else ACTION_PROGRESS),
                       status="complete" if done else "open")


def _meeting(world: World, day: date, group: str, previous: date | None,
             carried: list[Action]) -> list[Action]:
    rng, cfg = world.rng, world.cfg
    chair = world.officers[0] if group == world.main_group else next(
        (o for o in world.officers if o.agency == world.agency("YOS")), world.officers[0])
    meeting = create_meeting(world.session, held_on=day, subgroup=group, chair=chair.name,
                             starts_at=cfg.meetings.default_start, place=cfg.meetings.default_place)
    start = datetime.combine(day, time.fromisoformat(cfg.meetings.default_start),
                             tzinfo=_uk_time()).astimezone(timezone.utc)
    next_on = day + world.cadence
    apologies = _attendance(world, meeting.id, chair)
    item = add_item(world.session, meeting.id, "apologies", "Apologies for absence")
    add_note(world.session, item.id, "Apologies for absence were received from "
             + ", ".join(apologies) + ".")
    add_note(world.session, item.id, "The Chair read the confidentiality statement and all present "
             "agreed to attend under the information sharing protocol.")
    item = add_item(world.session, meeting.id, "minutes", "Minutes of the previous meeting")
    if previous:
        add_note(world.session, item.id, f"The minutes of the meeting held on {fmt_date(previous)} "
                 "were reviewed; there were no amendments.")
        add_note(world.session, item.id, f"That the minutes of the meeting held on "
                 f"{fmt_date(previous)} be approved as a true record.", kind="agreed")
    else:
        add_note(world.session, item.id, "The minutes of the previous meeting were approved.")
    item = add_item(world.session, meeting.id, "actions", "Action log")
    still_open = _review_actions(world, meeting.id, day, carried)
    if carried:
        done = len(carried) - len(still_open)
        add_note(world.session, item.id, f"Updates on the actions from the meeting held on "
                 f"{fmt_date(previous)} were reviewed: {done} complete, "
                 f"{len(still_open)} carried forward.")
    else:
        add_note(world.session, item.id, "There were no outstanding actions from the previous meeting.")
    raised = _case_items(world, meeting.id, day, group, previous)
    item = add_item(world.session, meeting.id, "aob", "Any other business")
    for text in rng.sample(AOB_POINTS, k=2):
        add_note(world.session, item.id, text)
    item = add_item(world.session, meeting.id, "next meeting", "Date of next meeting")
    add_note(world.session, item.id, f"The next meeting will be held on {fmt_date(next_on)} at "
             f"{cfg.meetings.default_start}, {cfg.meetings.default_place}.")
    meeting.status = "final"
    meeting.confidentiality_ack_at = start + timedelta(minutes=rng.randint(1, 4))
    meeting.ended_at = start + timedelta(minutes=rng.randint(95, 140))
    meeting.next_meeting_on = next_on
    world.session.flush()
    return still_open + raised


def _review_actions(world: World, meeting_id: int, day: date, carried: list[Action]) -> list[Action]:
    rng = world.rng
    still_open = []
    for action in carried:
        if action.status != "open":
            continue
        done = rng.random() < 0.6
        add_update(world.session, action.id, day,
                   rng.choice(ACTION_DONE if done else ACTION_PROGRESS),
                   status="complete" if done else "open", meeting_id=meeting_id)
        if not done:
            still_open.append(action)
    return still_open


def _case_items(world: World, meeting_id: int, day: date, group: str, previous: date | None) -> list[Action]:
    rng = world.rng
    since = previous or day - world.cadence
    if group == world.main_group:
        pool = [s for s in world.specs if s.subgroup != world.youth_group]
    else:
        pool = [s for s in world.specs if s.subgroup == group]
    open_now = [s for s in pool if world.open_at(s, day)]
    referrals = [s for s in open_now if since < s.opened_on <= day and s.closed_on != day][:3]
    closures = [s for s in pool if s.closed_on == day]
    taken = set(id(s) for s in referrals + closures)
    reds = [s for s in open_now if s.rag == "red" and id(s) not in taken]
    high = rng.sample(reds, k=min(3, len(reds)))
    taken |= set(id(s) for s in high)
    rest = [s for s in open_now if id(s) not in taken and s.opened_on <= since]
    reviews = rng.sample(rest, k=min(3, len(rest)))
    raised: list[Action] = []
    for kind, label, specs in (("referral", "New referral", referrals),
                               ("high risk", "High risk review", high),
                               ("review", "Case review", reviews),
                               ("closure", "Proposed closure", closures)):
        for spec in specs:
            title = f"{label}: {spec.case.reference} {spec.title}"[:200]
            item = add_item(world.session, meeting_id, kind, title, case_id=spec.case.id)
            raised += _discuss(world, item, kind, spec, day, since, meeting_id)
    return raised


def _owner(world: World, preferences: tuple[str, ...]) -> Officer:
    """Someone at the meeting from the preferred agencies, else anyone there."""
    agencies = {world.agency(key) for key in preferences if key in world.agency_keys}
    here = [o for o in world.present if o.agency in agencies]
    return world.rng.choice(here or world.present)


def _discuss(world: World, item, kind: str, spec: Spec, day: date, since: date,
             meeting_id: int) -> list[Action]:
    rng = world.rng
    agency = world.cfg.agency_name(spec.lead_agency)
    speaker = (spec.lead_officer if any(o.name == spec.lead_officer for o in world.present)
               else f"The Chair, for {agency},")
    recent = [d for d in spec.incident_dates if since < d <= day]
    last_six = [d for d in spec.incident_dates if months_before(day, 6) <= d <= day]
    who = {"victim": "the victim", "perpetrator": "the young people" if spec.issue.kind == "group"
           else "the person", "location": "the location"}[spec.case_type]
    note = lambda text, k="point": add_note(world.session, item.id, text, kind=k)  # noqa: E731
    if kind == "referral":
        if speaker == spec.lead_officer:
            note(f"{spec.lead_officer} ({agency}) presented the referral. {spec.summary}")
        else:
            note(f"The Chair presented the referral from {agency}. {spec.summary}")
        note(f"{plural(len(last_six), 'incident')} had been recorded in the last six months"
             + (f", the most recent on {fmt_date(max(last_six))}." if last_six else "."))
        if spec.case_type == "victim" and spec.victims[0].vulnerabilities:
            note("Partners noted the victim's vulnerabilities and agreed that they raise the risk.")
        note(f"That the case be adopted with {agency} as lead agency and "
             f"{spec.lead_officer} as lead officer.", "agreed")
        note(f"That the RAG rating be set at {spec.rag}.", "agreed")
    elif kind == "high risk":
        note(f"{speaker} gave an update: {plural(len(recent), 'further incident')} "
             f"had been reported since the last meeting.")
        if spec.case_type == "perpetrator":
            note(f"Partners discussed the risk posed by {who} and the next step under the "
                 "ASB incremental approach.")
        else:
            note(f"Partners discussed the risk to {who} and the safety measures in place.")
        note("That the RAG rating remain red and the case be reviewed at the next meeting.",
             "agreed")
    elif kind == "review":
        note(f"{agency} provided an update on {who}: "
             f"{plural(len(recent), 'incident')} since the last meeting.")
        if not recent:
            note("Partners noted that the situation had improved.")
        note("That the case remain open and be reviewed at the next meeting.", "agreed")
    else:
        note(f"{speaker} proposed closure: {spec.closure_reason[0].lower()}{spec.closure_reason[1:]}.")
        note(f"That the case be closed: "
             f"{spec.closure_reason[0].lower()}{spec.closure_reason[1:]}.", "agreed")
        return []
    raised = []
    options = list(CASE_ACTIONS[spec.case_type])
    for preferences, phrase in rng.sample(options, k=rng.randint(1, 2)):
        officer = _owner(world, preferences)
        note(f"That {officer.name} {phrase}.", "agreed")
        raised.append(add_action(
            world.session, ref=action_ref(day, item.number), text=f"{officer.name} to {phrase}",
            owner=officer.name, owner_agency=officer.agency,
            due_on=day + timedelta(days=rng.choice((14, 21, 28, 42))),
            case_id=spec.case.id, meeting_id=meeting_id, item_id=item.id,
        ))
    return raised
