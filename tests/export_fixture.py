"""A meeting built through the store for the export tests: attendance, agenda items,
case items whose notes name the people, addresses and dates of birth held, actions
raised and reviewed, an amendment and a next date.

Every name, address and date of birth is fictional.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from jagtui.rules.dates import action_ref, fmt_date
from jagtui.store import actions, cases, meetings, people
from jagtui.store.models import Amendment

TODAY = date(2026, 11, 22)
FIRST = ("Ann", "Brian", "Carla", "Dev", "Erin", "Farid", "Gwen", "Hugo", "Isla", "Jonah",
         "Kezia", "Liam", "Maya", "Nico", "Orla", "Piotr", "Quinn", "Rhea", "Saul", "Tegan")
LAST = ("Example", "Ashdown", "Brightwell", "Cullimore", "Dunstable", "Everleigh", "Fairbrother",
        "Gallowhill", "Hartigan", "Ironside", "Jarrold", "Kettleby", "Lumsden", "Marchbank",
        "Northwood", "Oakenfold", "Pennycook", "Quarrington", "Rushworth", "Sallowby")
STREETS = ("Larkspur Close", "Acacia Avenue", "Wimbrel Way", "Thistle Grove", "Quayside Mews",
           "Hobnail Lane", "Cobbler Row", "Fennel Court")


@dataclass
class Built:
    meeting_id: int
    previous_id: int
    case_ids: list[int]
    person_ids: list[int]
    carried_action_id: int
    completed_action_id: int
    raised_action_ids: list[int]


def _person(session, n: int, *, youth: bool):
    first, last = FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]
    if n >= len(FIRST):
        first = f"{first}{chr(ord('a') + n // len(FIRST))}"  # keep names distinct at scale
    dob = date(2010, (n % 12) + 1, (n % 27) + 1) if youth else date(1950 + n % 40, (n % 12) + 1, 2 + n % 26)
    return people.add_person(
        session, f"{first} {last}", date_of_birth=dob,
        address=f"{10 + n} {STREETS[n % len(STREETS)]}, Loughborough",
        postcode=f"LE11 {n % 9 + 1}{chr(ord('A') + n % 26)}{chr(ord('B') + n % 24)}",
        beat=str(56 + n % 10), phone=f"07700 9{n:05d}",
    )


def build_meeting(session, cfg, *, n_cases: int = 2, today: date = TODAY) -> Built:
    previous = meetings.create_meeting(session, held_on=today - timedelta(weeks=6), subgroup="JAG",
                                       chair="Inspector Dana Barker", starts_at="10:00",
                                       place="Council Offices, Southfield Road, Loughborough")
    prev_item = meetings.add_item(session, previous.id, "review", "Ongoing cases", number=4)
    previous.status = "final"
    carried = actions.add_action(
        session, ref=action_ref(previous.held_on, 4), text="Arrange a joint visit", owner="T. McCabe",
        owner_agency="CBC-ASB", due_on=today - timedelta(days=3), meeting_id=previous.id,
        item_id=prev_item.id)
    completed = actions.add_action(
        session, ref=action_ref(previous.held_on, 4), text="Share the hotspot map", owner="D. Barker",
        owner_agency="POLICE", due_on=today - timedelta(days=10), meeting_id=previous.id,
        item_id=prev_item.id)

    meeting = meetings.create_meeting(session, held_on=today, subgroup="JAG",
                                      chair="Inspector Dana Barker", starts_at="10:00",
                                      place="Council Offices, Southfield Road, Loughborough")
    for name, org, kind in (("Inspector Dana Barker", "Leicestershire Police", "present"),
                            ("Tim McCabe", "Charnwood Borough Council", "present"),
                            ("Ann Smith", "Youth Offending Service", "present"),
                            ("Sally Watson", "Charnwood Borough Council", "minutes"),
                            ("Hazel Sandal", "Violence Reduction Network", "apology")):
        meetings.add_attendee(session, meeting.id, name, org, kind)
    meetings.add_item(session, meeting.id, "apologies", "Apologies")
    minutes_item = meetings.add_item(session, meeting.id, "minutes", "Minutes of the last meeting")
    meetings.add_note(session, minutes_item.id,
                      f"That the minutes of the meeting held on {fmt_date(previous.held_on)} be approved",
                      "agreed")
    meetings.add_item(session, meeting.id, "actions", "Action log")
    actions.add_update(session, carried.id, today, "Visit booked; carried forward", meeting_id=meeting.id)
    actions.add_update(session, completed.id, today, "Map shared with all partners",
                       status="complete", meeting_id=meeting.id)

    case_ids, person_ids, raised = [], [], []
    location = people.add_location(session, "Wimbrel Way play area", address="Wimbrel Way",
                                   postcode="LE11 4WW", beat="63", locality="Shelthorpe")
    for n in range(n_cases):
        victim = _person(session, 2 * n, youth=False)
        perpetrator = _person(session, 2 * n + 1, youth=True)
        case = cases.open_case(session, case_type="victim", title=f"{victim.name} household",
                               subgroup="JAG", lead_agency="POLICE", lead_officer="PC Owen Tate",
                               opened_on=today - timedelta(days=60 + n), beat=victim.beat,
                               rag="red" if n % 2 else "amber")
        cases.link_party(session, case.id, "victim", person_id=victim.id, primary=True)
        cases.link_party(session, case.id, "perpetrator", person_id=perpetrator.id)
        if n == 0:
            cases.link_party(session, case.id, "location of concern", location_id=location.id)
            # a household member sharing the victim's surname
            relative = people.add_person(session, f"Tomas {victim.name.split()[-1]}",
                                         date_of_birth=date(2012, 2, 29), address=victim.address,
                                         postcode=victim.postcode, beat=victim.beat)
            cases.link_party(session, case.id, "household member", person_id=relative.id)
            person_ids.append(relative.id)
        case_ids.append(case.id)
        person_ids += [victim.id, perpetrator.id]
        item = meetings.add_item(session, meeting.id, "review", f"{case.reference} {case.title}",
                                 case_id=case.id)
        dob = perpetrator.date_of_birth
        first, surname = victim.name.split()[0], victim.name.split()[-1]
        meetings.add_note(session, item.id,
                          f"{victim.name} of {victim.address} ({victim.postcode}) reports youths "
                          f"gathering; {perpetrator.name} (DOB {dob:%d/%m/%Y}) named by witnesses.")
        meetings.add_note(session, item.id,
                          f"Mrs {surname} is frightened to go out. {first} was visited by Ann Smith. "
                          f"{perpetrator.name.split()[0]} was born {dob.day} {dob:%B %Y}; "
                          f"also seen as {dob.isoformat()} and {dob:%-d/%-m/%y}. "
                          f"Incident near Wimbrel Way play area.")
        meetings.add_note(session, item.id, f"That {perpetrator.name} be offered an ABC", "agreed")
        meetings.add_note(session, item.id, "That the case remain open at red", "agreed")
        action = actions.add_action(
            session, ref=action_ref(today, item.number),
            text=f"Visit {victim.name} at {victim.address.split(',')[0]} "
                 f"with {perpetrator.name.split()[0]}'s parent",
            owner="PC Owen Tate", owner_agency="POLICE", due_on=today + timedelta(days=14),
            case_id=case.id, meeting_id=meeting.id, item_id=item.id)
        raised.append(action.id)
    aob = meetings.add_item(session, meeting.id, "aob", "Any other business")
    meetings.add_note(session, aob.id, "Safer Streets bid submitted")
    meetings.add_item(session, meeting.id, "next meeting", "Date of next meeting")
    meeting.next_meeting_on = today + timedelta(weeks=6)
    meeting.status = "final"
    session.add(Amendment(meeting_id=meeting.id, text="Item 2: the date of the last meeting corrected"))
    session.flush()
    return Built(meeting.id, previous.id, case_ids, person_ids, carried.id, completed.id, raised)


@contextmanager
def still_draft(session, meeting_id: int):
    """Changes made while the minutes were a draft (final minutes refuse them)."""
    meeting = meetings.get_meeting(session, meeting_id)
    meeting.status = "in progress"
    yield
    meeting.status = "final"
    session.flush()


def exports_cfg(cfg, folder):
    """The shipped config with the exports directory pointed at ``folder``."""
    from jagtui.config import Exports

    return cfg.model_copy(update={"exports": Exports(directory=str(folder))})


def docx_text(path) -> dict:
    """A .docx reopened with python-docx: body paragraphs, table cells, headers, footers."""
    from docx import Document

    doc = Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return {
        "body": "\n".join(p.text for p in doc.paragraphs),
        "tables": "\n".join(cells),
        "headers": ["\n".join(p.text for p in s.header.paragraphs) for s in doc.sections],
        "footers": ["\n".join(p.text for p in s.footer.paragraphs) for s in doc.sections],
    }
