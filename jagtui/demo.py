"""A demo database: two years of a Joint Action Group's work, all of it invented.

``build_demo`` fills an empty database with cases, people, locations, incidents,
risk assessments, interventions, meetings, actions and the partnership action
plan, so the app can be tried (and screenshots taken) without real data.

**Nothing here is real.** Every person's name, address, postcode, phone number,
date of birth and story is invented: names come from the short lists below
(made-up surnames), streets are invented names placed in the configured
localities, postcodes use the inward codes ``nZZ``/``nZY``/``nZX`` (no such
codes are allocated to addresses), phone numbers are in Ofcom's drama range
(07700 900xxx), incident references are generated, and the officers are
fictional. Only the partnership's configuration (beats, localities, agencies,
priorities) and the wording of the CSP plan come from public documents.

The data is deterministic for a ``seed`` and a ``today``: the same pair always
builds the same database. It is written in one transaction with the per-row
audit hook switched off, then a single audit entry records that the demo was
built.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlmodel import Session

from jagtui.config import Config, LadderStep
from jagtui.rules import risk as risk_rules
from jagtui.rules.dates import action_ref, financial_quarter, fmt_date, months_before, next_meeting_date
from jagtui.rules.ladder import default_review_on
from jagtui.store import audit
from jagtui.store.actions import add_action, add_update
from jagtui.store.cases import open_case
from jagtui.store.db import Store
from jagtui.store.errors import StoreError
from jagtui.store.interventions import record_breach, record_intervention, set_outcome
from jagtui.store.meetings import add_attendee, add_item, add_note, create_meeting
from jagtui.store.models import (
    PARTY_ROLES, PLAN_STATUSES, ROLES, Action, Breach, Case, CaseParty, Incident, IncidentParty,
    Intervention, Location, Meeting, Person, PlanAction, PlanPriority, PlanUpdate, RiskAssessment,
    User,
)
from jagtui.store.plan import add_objective, add_plan_action, add_priority, set_update
from jagtui.store.risk import record_assessment
from jagtui.store.users import add_user, get_user
from jagtui.words import plural

PLAN_PERIOD = "2023-26"

# --- Invented names -------------------------------------------------------------------------

FIRST_NAMES = (
    "Aaliyah", "Abdul", "Adele", "Amara", "Anil", "Bethany", "Bronwen", "Carys", "Chloe",
    "Darren", "Dawn", "Declan", "Dev", "Eleanor", "Farah", "Gemma", "Grace", "Ifeoma", "Imogen",
    "Isaac", "Jasmine", "Kerry", "Kwame", "Lorraine", "Malik", "Marek", "Agnieszka", "Nadia",
    "Neil", "Olivia", "Patrick", "Priti", "Rosa", "Ryan", "Sana", "Shane", "Sophie", "Tariq",
    "Wendy", "Yusuf", "Zara", "Zofia", "Gareth", "Helen", "Joanne", "Lee", "Michelle", "Sunil",
)
ELDER_NAMES = (
    "Joan", "Maureen", "Dennis", "Brenda", "Stanley", "Vera", "Harold", "Edna", "Cyril",
    "Doreen", "Kenneth", "Iris", "Bernard", "Gladys", "Raymond", "Hilda", "Norman", "Sheila",
)
YOUNG_NAMES = (
    "Jayden", "Kai", "Tyler", "Reece", "Connor", "Callum", "Harvey", "Finley", "Leon", "Ellis",
    "Mia", "Paige", "Tegan", "Maisie", "Aiden", "Bilal", "Hamza", "Noah", "Theo", "Lily", "Ruby",
    "Kieran", "Rhys", "Oscar", "Brandon", "Kacper", "Demi", "Ayaan",
)
SURNAMES = (
    "Ambleford", "Bramblewick", "Carrowmoor", "Dellingham", "Elderbrook", "Fernshaw",
    "Gorsedale", "Hollinwray", "Ivesmoor", "Juniperby", "Kettleburn", "Larchwell", "Merriwick",
    "Nettlecombe", "Oakhollow", "Pennyfold", "Quarrendale", "Rushbeck", "Saltersby",
    "Thistlewood", "Underby", "Vellacott", "Wrenfield", "Yarrowby", "Ashlingford", "Birchcombe",
    "Dunnockley", "Eastmere", "Foxbury", "Greywell", "Hazeldown", "Inglebeck", "Kestleford",
    "Lindenby", "Mossgrove", "Northwold", "Orchardley", "Pebblecombe", "Ravensby", "Sedgecombe",
    "Tamworthy", "Wetherden", "Willowby", "Brockhollow", "Cloverdale", "Dovecott", "Emberley",
    "Gladwyn", "Hartsmere", "Quillfield",
)
# Invented street-name stems; a suffix makes the street ("Larkspur Close").
STREET_STEMS = (
    "Larkspur", "Kestrel", "Millbeck", "Tansy", "Quarrystone", "Sorrel", "Fieldfare",
    "Heronsgate", "Flaxmill", "Copperleaf", "Bellringer", "Spindle", "Marigold", "Rushmere",
    "Oxbow", "Clockhouse", "Weavers", "Thimble", "Meadowsweet", "Foxglove", "Brindle",
    "Cinderhill", "Lanternfield", "Pollard", "Wharfside", "Hopyard", "Saddlers", "Coppice",
    "Tannery", "Chandlers", "Partridge", "Swallowtail", "Beaconfold", "Harebell", "Wicket",
    "Sandpiper", "Corncrake", "Ironstone", "Drovers", "Pinnock",
)
STREET_SUFFIXES = ("Close", "Road", "Way", "Drive", "Crescent", "Lane", "Avenue", "Gardens",
                   "Rise", "Walk", "Court", "Street")
# Postcode districts for the shipped localities; anything else gets LE11.
DISTRICTS = {
    "shepshed": "LE12", "hathern": "LE12", "quorn": "LE12", "mountsorrel": "LE12",
    "barrow upon soar": "LE12", "sileby": "LE12", "wymeswold": "LE12", "hoton": "LE12",
    "burton on the wolds": "LE12", "seagrave": "LE12", "woodhouse eaves": "LE12",
    "rothley": "LE7", "cropston": "LE7", "anstey": "LE7", "syston": "LE7",
    "queniborough": "LE7", "barkby": "LE7", "south croxton": "LE7", "newtown linford": "LE6",
    "birstall": "LE4", "wanlip": "LE4", "thurmaston": "LE4",
}
# The beats the CSP plan names as busiest carry more of the demo's work.
BUSY_BEATS = {"62": 4, "65": 4, "61": 3, "64": 3}

# Fictional officers: (name, preferred agency key). Unknown agencies fall back to the config.
OFFICERS = (
    ("Insp. Ruth Calloway", "POLICE"), ("PS Owen Farrant", "POLICE"),
    ("PC Dana Whitlow", "POLICE"), ("PC Imran Tasker", "POLICE"),
    ("PCSO Kelly Dunmore", "POLICE"), ("Priya Lendon", "CBC-ASB"), ("Marcus Teale", "CBC-ASB"),
    ("Hannah Brierley", "CBC-HOUSING"), ("Gareth Osmer", "RSL"), ("Leah Corrin", "YOS"),
    ("Tom Haskett", "PROBATION"), ("Nina Ashdown", "HEALTH"), ("Carl Mewbury", "ASC"),
    ("Sian Pelling", "CSC"), ("Joe Riddaway", "FIRE"), ("Amira Castell", "TURNING-POINT"),
    ("Ben Harrowell", "UNI"),
)
MINUTE_TAKER = "Jess Vantry"
DEMO_USERS = (  # login, display name, agency, role
    ("rcalloway", "Insp. Ruth Calloway", "POLICE", "chair"),
    ("plendon", "Priya Lendon", "CBC-ASB", "member"),
    ("nashdown", "Nina Ashdown", "HEALTH", "viewer"),
    ("bharrowell", "Ben Harrowell", "UNI", "restricted"),
)

OLDER_VULNERABILITIES = (
    "Lives alone; early-stage dementia", "Mobility impaired; uses a walking frame",
    "Hearing impaired; recently bereaved", "Lives alone; anxious since a fall last winter",
    "Registered partially sighted; disability benefits",
)
AT_RISK_VULNERABILITIES = (
    "Learning disability; supported by a support worker",
    "Mental health: under the community mental health team",
    "Alcohol dependency; engaging with substance misuse services",
    "Autism; finds it hard to refuse visitors", "Physical disability; wheelchair user",
)
GENERAL_VULNERABILITIES = (
    "Anxiety and depression, made worse by the ASB", "Long-term illness (COPD)",
    "Two young children at home; partner works nights", "Disability: wheelchair user",
)
CHILD_VULNERABILITIES = ("Autism; anxious about leaving the house", "Also being bullied at school")
YOUTH_VULNERABILITIES = (
    "ADHD; excluded from school", "Known to Children's Social Care",
    "At risk of criminal exploitation", "Young carer for a parent",
)

DESCRIPTIONS = {
    "ASB-PERSONAL": ("Verbal abuse shouted at the victim in the street",
                     "Youths knocking on the door and running off", "Eggs thrown at the front window",
                     "Victim followed home and sworn at", "Stones thrown at the house"),
    "ASB-NUISANCE": ("Youths gathering and shouting late at night",
                     "Football kicked repeatedly against the fence", "Motorbikes ridden on the footpath",
                     "Rowdy group drinking in the street", "Mopeds ridden without helmets across the green"),
    "ASB-ENVIRONMENTAL": ("Fly-tipping of household waste", "Graffiti tags sprayed on the wall",
                          "Litter and broken glass left after a gathering",
                          "Bins tipped over and set alight"),
    "NOISE": ("Loud music from the neighbouring flat past midnight",
              "Shouting and banging from the upstairs flat", "Party noise until the early hours",
              "Dog barking for hours with the owner absent"),
    "HARASSMENT": ("Abusive notes left on the door", "Neighbour filming the victim over the fence",
                   "Threatening comments made whenever the victim goes out",
                   "Group waited outside the victim's home"),
    "CRIMINAL-DAMAGE": ("Car tyres slashed", "Window broken by a thrown stone", "Fence panels kicked in",
                        "Bus shelter glass smashed", "Plant pots smashed and garden damaged"),
    "HATE": ("Racist abuse shouted at the family", "Disablist comments made to the victim",
             "Homophobic graffiti on the front door", "Religious abuse directed at the victim"),
    "DRUGS": ("Suspected drug dealing from a parked car", "Cannabis smell and visitors at all hours",
              "Used needles found", "Unknown males staying at the flat: suspected cuckooing"),
    "THREATS": ("Threat to stab the victim made in the street", "Threats made to burn the house down",
                "Fight between two groups"),
    "ASSAULT": ("Victim pushed to the ground", "Youth punched outside the shops", "Victim spat at"),
    "BURGLARY": ("Shed broken into and bikes taken", "Entry gained through a rear window"),
    "THEFT": ("Bike stolen from the front garden", "Shoplifting by a group of youths",
              "Moped taken from outside the house"),
}
# Categories that may also be hate-motivated when the case is about hate.
HATE_CAPABLE = ("HARASSMENT", "ASB-PERSONAL", "CRIMINAL-DAMAGE", "THREATS", "ASSAULT")


@dataclass(frozen=True)
class _Issue:
    title: str
    categories: tuple[str, ...]
    priority: str
    kind: str = ""  # victim: older / child / at_risk / student / hate; perpetrator: group / youth / adult


VICTIM_ISSUES = (
    _Issue("Youths targeting the home of an older resident",
           ("ASB-PERSONAL", "CRIMINAL-DAMAGE", "HARASSMENT", "ASB-NUISANCE"), "P2", "older"),
    _Issue("Neighbour dispute: noise and verbal abuse",
           ("NOISE", "ASB-NUISANCE", "HARASSMENT", "ASB-PERSONAL"), "P2"),
    _Issue("Racially aggravated harassment of a family",
           ("HARASSMENT", "HATE", "CRIMINAL-DAMAGE", "ASB-PERSONAL"), "P1", "hate"),
    _Issue("Disability hate incidents against a tenant", ("HATE", "ASB-PERSONAL", "HARASSMENT"),
           "P1", "hate"),
    _Issue("Cuckooing concerns at a vulnerable adult's flat",
           ("DRUGS", "ASB-NUISANCE", "NOISE", "THREATS"), "P3", "at_risk"),
    _Issue("Intimidation of shop staff by a group of youths",
           ("ASB-PERSONAL", "THREATS", "THEFT", "ASB-NUISANCE"), "P2"),
    _Issue("Repeated damage to a family's car and home",
           ("CRIMINAL-DAMAGE", "ASB-PERSONAL", "HARASSMENT"), "P2"),
    _Issue("Bullying and threats towards a teenager",
           ("HARASSMENT", "THREATS", "ASSAULT", "ASB-PERSONAL"), "P2", "child"),
    _Issue("Drug dealing from a neighbouring property", ("DRUGS", "NOISE", "ASB-NUISANCE"), "P3"),
    _Issue("Harassment of a student household", ("NOISE", "ASB-PERSONAL", "CRIMINAL-DAMAGE"),
           "P2", "student"),
    _Issue("Abuse and threats from a former partner's associates",
           ("HARASSMENT", "THREATS", "ASSAULT", "ASB-PERSONAL"), "P1"),
    _Issue("Persistent ASB outside a vulnerable adult's home",
           ("ASB-NUISANCE", "ASB-PERSONAL", "NOISE"), "P2", "at_risk"),
    _Issue("Homophobic abuse of a couple by neighbours", ("HATE", "HARASSMENT", "ASB-PERSONAL"),
           "P1", "hate"),
    _Issue("Fly-tipping and intimidation by a neighbour",
           ("ASB-ENVIRONMENTAL", "HARASSMENT", "ASB-PERSONAL"), "P2"),
)
PERPETRATOR_ISSUES = (
    _Issue("Group of youths causing ASB around {place}",
           ("ASB-NUISANCE", "ASB-PERSONAL", "CRIMINAL-DAMAGE", "ASB-ENVIRONMENTAL", "THEFT"), "P2",
           "group"),
    _Issue("Youths riding mopeds antisocially around {place}",
           ("ASB-NUISANCE", "THEFT", "CRIMINAL-DAMAGE", "ASB-PERSONAL"), "P2", "group"),
    _Issue("Young person at risk of criminal exploitation (drug supply)",
           ("DRUGS", "ASB-NUISANCE", "THREATS"), "P3", "youth"),
    _Issue("Young person: escalating ASB and violence",
           ("ASB-PERSONAL", "ASSAULT", "THREATS", "CRIMINAL-DAMAGE"), "P2", "youth"),
    _Issue("Adult tenant: noise and intimidation of neighbours",
           ("NOISE", "HARASSMENT", "ASB-PERSONAL"), "P2", "adult"),
    _Issue("Adult linked to cuckooing of vulnerable tenants", ("DRUGS", "THREATS", "ASB-NUISANCE"),
           "P3", "adult"),
    _Issue("Street drinking and aggressive begging", ("ASB-NUISANCE", "ASB-PERSONAL", "THEFT"),
           "P2", "adult"),
)
# Location kinds: (kind, name pattern, issue title, categories)
LOCATION_KINDS = (
    ("park", "{stem} Park", "ASB and drug use at {place}",
     ("ASB-NUISANCE", "DRUGS", "ASB-ENVIRONMENTAL", "CRIMINAL-DAMAGE")),
    ("shop parade", "{stem} shopping parade", "Youth gatherings and intimidation at {place}",
     ("ASB-NUISANCE", "ASB-PERSONAL", "THEFT", "CRIMINAL-DAMAGE")),
    ("underpass", "{stem} underpass", "Graffiti, intimidation and fear of crime in {place}",
     ("ASB-ENVIRONMENTAL", "ASB-PERSONAL", "THREATS", "CRIMINAL-DAMAGE")),
    ("estate", "{stem} estate", "Repeat ASB and criminal damage on {place}",
     ("ASB-NUISANCE", "CRIMINAL-DAMAGE", "NOISE", "ASB-PERSONAL")),
    ("car park", "{stem} car park", "Car cruising and drug dealing at {place}",
     ("NOISE", "DRUGS", "ASB-NUISANCE")),
    ("recreation ground", "{stem} Recreation Ground", "Youth ASB and fires at {place}",
     ("ASB-NUISANCE", "ASB-ENVIRONMENTAL", "CRIMINAL-DAMAGE")),
    ("play area", "{stem} play area", "Drinking and damage at {place}",
     ("ASB-NUISANCE", "CRIMINAL-DAMAGE", "ASB-ENVIRONMENTAL")),
    ("skate park", "{stem} skate park", "Intimidation of children at {place}",
     ("ASB-PERSONAL", "ASB-NUISANCE", "ASSAULT")),
    ("alleyway", "{stem} alleyway", "Drug use and rubbish in {place}",
     ("DRUGS", "ASB-ENVIRONMENTAL", "ASB-NUISANCE")),
)
LOCATION_NOTES = ("Poor lighting; no CCTV", "CCTV camera covers the entrance",
                  "Popular gathering point after school", "Overgrown hedges give cover",
                  "Close to an off-licence open late", "")

CLOSURE_REASONS = (
    "No further incidents reported for three months; the victim is satisfied with the outcome",
    "Perpetrator evicted following a possession order; the ASB has ceased",
    "Victim moved to alternative accommodation with housing support",
    "ABC complied with in full; the family is engaging with Early Help",
    "Lighting and CCTV improvements completed; incidents reduced to background level",
    "Stepped down to the neighbourhood policing team for routine monitoring",
)

# (agency preferences, what the owner is to do: a base-form verb phrase)
CASE_ACTIONS = {
    "victim": (
        (("POLICE", "CBC-ASB"), "complete a joint visit to the victim and update the risk assessment"),
        (("CBC-ASB",), "share the incident log with the housing provider to support tenancy enforcement"),
        (("FIRE", "CBC-ASB"),
         "arrange target hardening (door chain and camera doorbell) at the victim's home"),
        (("POLICE",), "request extra patrols in the area on Friday and Saturday evenings"),
        (("CBC-ASB",), "refer the victim to the victim support service and report back"),
        (("ASC", "HEALTH"), "request a safeguarding review for the victim with Adult Social Care"),
        (("CBC-HOUSING", "RSL"), "consider a management move for the victim and report back"),
    ),
    "perpetrator": (
        (("POLICE", "CBC-ASB"), "deliver warning letters to the parents of the young people identified"),
        (("YOS",), "refer the young person to the Youth Offending Service prevention team"),
        (("CBC-ASB",), "consider a Community Protection Warning and report back to the next meeting"),
        (("CSC", "YOS"), "check for any safeguarding or exploitation concerns and share with the group"),
        (("POLICE",), "gather evidence of the breaches to support the next step on the ladder"),
        (("CBC-HOUSING", "RSL"), "serve a notice of seeking possession if the tenancy breaches continue"),
    ),
    "location": (
        (("CBC-ASB",), "check CCTV coverage at the location and report back"),
        (("POLICE",), "arrange high-visibility patrols at the location at peak times"),
        (("CBC-ASB",), "arrange a clean-up and graffiti removal at the location"),
        (("CBC-ASB", "POLICE"), "organise a community walkabout with residents and ward members"),
        (("CBC-HOUSING",), "review lighting and the overgrown areas with the landowner"),
    ),
}
ACTION_PROGRESS = (
    "In progress: visit attempted twice, card left", "Ongoing: awaiting a response from housing",
    "Partially complete: request submitted, awaiting reply", "Carried forward: officer on leave",
)
ACTION_DONE = (
    "Complete: visit made and risk assessment updated", "Complete: letter delivered and explained",
    "Complete", "Complete: referral accepted", "Complete: reported to the group",
)
AOB_POINTS = (
    "Partners were reminded to update Sentinel after every contact with a victim so that the case "
    "record is complete.",
    "The university reported that students return in the coming weeks and an increase in noise "
    "complaints was expected.",
    "Prevent provided its regular update; there were no new concerns for the group.",
    "The housing provider confirmed that it would attend future meetings as a social landlord.",
    "Bonfire night and Halloween patrol plans were shared; partners were asked to report hotspots.",
)

PLAN_TEXT = {
    "on track": (
        "Progress reported at each JAG; hotspots identified and actions disseminated to the delivery groups.",
        "Planning meetings have taken place with all relevant partners; each partner has taken a role.",
        "Data submitted to each Strategic Group meeting and discussed; actions fed back to the next meeting.",
        "Referral numbers are in line with the baseline; cases reviewed at each meeting.",
    ),
    "not started": ("Not yet started: planning meeting booked for next quarter.", "Awaiting data."),
    "at risk": (
        "Delayed: partner capacity reduced this quarter; to be reviewed at the next Strategic Group.",
        "Data not yet available from partners; awaiting data.",
    ),
    "off track": ("Off track: funding not confirmed; escalated to the Strategic Group.",),
    "complete": ("Complete: outcomes reported to the CSP.",),
}
STATUS_PATHS = (
    ("not started", "on track", "on track"), ("on track", "on track", "complete"),
    ("on track", "at risk", "on track"), ("at risk", "off track", "at risk"),
    ("on track", "on track", "on track"), ("not started", "at risk", "on track"),
)

# The 2023-26 plan (Charnwood CSP Plan 2023-26): objective, strategy, then actions as
# (text, lead agency key or group name, resources, measures).
PLAN = {
    "P1": (
        ("To raise awareness of Domestic Abuse, Sexual Abuse and the support services available "
         "in the Borough",
         "Awareness initiatives to highlight the local Domestic Abuse services that are available "
         "to victims and their families. Review and respond to any learning outcomes from any "
         "Leicestershire Domestic Homicide Reviews.",
         (("Four domestic abuse awareness initiatives will be undertaken each year to highlight the "
           "local domestic abuse services that are available to victims and their families within "
           "Charnwood.", "Strategic Group", "Officer time",
           "Number of awareness initiatives; a year-on-year reduction in the number of Domestic "
           "Violence with Injury crimes recorded."),
          ("Review and respond to any learning outcomes from any Domestic Homicide Reviews.",
           "Strategic Group", "Officer time",
           "The number of learning outcomes reviewed and responded to."))),
        ("To develop projects to tackle Violent Offence including raising awareness around the "
         "consequences of Knife Crime",
         "Improve information sharing and ensure a robust audit trail for information relating to "
         "the vulnerability of people.",
         (("To assist Leicestershire Police in reducing the impact of knife crime, by supporting "
           "Operation Spectre and relevant diversionary activity.", "POLICE",
           "Officer time; diversionary activity funding",
           "Number of Young People engaged with knife crime diversionary activities."),
          ("Improve information sharing and ensure a robust audit trail for information relating "
           "to the vulnerability of people.", "Joint Action Group", "Officer time",
           "A year-on-year reduction in the number of Serious Violence Offences reported."))),
        ("To ensure that there is a robust Night Time Economy plan in place to tackle alcohol "
         "fuelled violent offences",
         "Develop a Town Centre Task Group and Action Plan. Develop and implement knife crime "
         "reduction initiatives.",
         (("Develop a Town Centre Task Group and Action Plan for the night-time economy.",
           "POLICE", "Officer time",
           "A year-on-year reduction in the number of Violence with Injury crimes recorded."),
          ("Serious Violence Duty: work in partnership with the Violence Reduction Network on a "
           "localised plan.", "Strategic Group", "Officer time",
           "A year-on-year reduction in the number of Serious Violence Offences reported."))),
    ),
    "P2": (
        ("Solutions are developed to tackle complex medium/long term issues that affect communities.",
         "Sustainable solutions are found to tackle entrenched issues. Vulnerable locations are "
         "identified via intelligence analysis.",
         (("Vulnerable and repeat locations will be identified via intelligence analysis and raised "
           "to the Joint Action Group for positive action to be taken to reduce the harm index of "
           "these locations.", "Joint Action Group", "Officer time",
           "The Partnership will monitor the number of Youth ASB incidents recorded (both on Police "
           "systems and on Sentinel) and compare the data to the preceding year."),
          ("A multi-agency approach will be adopted in high demand locations, to implement a medium "
           "to long term solution focused upon preventing crime and disorder.", "CBC-ASB",
           "Officer time; Partnership Locality Fund",
           "A year on year reduction in reported youth related ASB cases (baseline figure 2022/23 "
           "data set)."))),
        ("Partnership resources are jointly tasked and coordinated to respond to current issues.",
         "To provide a range of diversionary activities to deter and prevent Young People becoming "
         "perpetrators of Youth ASB and Crime. Trauma informed approach adopted to tackle the issues "
         "around the young people identified on the cusp of criminal or ASB behaviour.",
         (("To provide a range of diversionary activity to deter and prevent young people becoming "
           "perpetrators of youth ASB and youth crime.", "CBC-ASB", "£5,000; officer time",
           "Number of young people who attend and complete diversionary activities."),
          ("A trauma informed approach will be adopted, and children engaged in offending will be "
           "referred to support services with the aim of reducing and deterring their offending.",
           "YOS", "Officer time",
           "Number of Youth Related High Risk Cases referred to the Youth Joint Action Group."),
          ("To support the work with partners under the Leicestershire Police operation Op Spectre.",
           "POLICE", "Officer time",
           "Year on year reductions in Serious Acquisitive Crime Offences recorded within Charnwood."))),
        ("A six weekly multi-agency Joint Action Group develops solutions to reduce the risk to "
         "vulnerable victims and take positive action against perpetrators.",
         "A range of enforcement powers are utilised, and high-risk situations are managed.",
         (("Repeat and vulnerable victims are identified at an early stage and appropriate risk "
           "mitigation is put in place.", "Joint Action Group", "Officer time",
           "Number of Community Trigger activations highlighting Youth ASB as an aggravating factor "
           "(a 5% reduction on the 2022/23 baseline)."),
          ("A range of enforcement powers are utilised under the LLR ASB Incremental process, and "
           "high-risk situations are managed through court or legal restrictions where necessary.",
           "CBC-ASB", "Officer time; legal costs",
           "A 5% increase in the number of interventions taken against young perpetrators of ASB; "
           "a 5% increase in ABCs completed without a breach."))),
    ),
    "P3": (
        ("To identify adults/youths at risk of exploitation and put in place appropriate referrals "
         "to support service.",
         "Services are able to meet complex needs and are successful at providing solutions to "
         "reduce the risk of harm to victims.",
         (("Early identification of victims of criminal exploitation referred to the Adults at Risk "
           "Group/Youth JAG who receive appropriate support.", "Joint Action Group", "Officer time",
           "Number of Adult Related High-Risk Cases referred to the Adults at Risk Group; number of "
           "Youth Related High Risk Cases referred to the Youth JAG."),
          ("To continue the development of the Adults at Risk Group and Youth JAG Group with a focus "
           "on preventing cases of criminal exploitation.", "Strategic Group", "Officer time",
           "The number of referrals to the County Criminal Exploitation Team."))),
        ("To support the Police Operation Gizmo and engage with support agencies to provide further "
         "support for victims of exploitation/Cuckooing.",
         "Multi-agency intelligence sharing is successful at identifying high harm offenders.",
         (("Share partnership intelligence on cuckooing and county lines to support Op Gizmo.",
           "POLICE", "Officer time",
           "A year on year reduction in the number of County Lines operating within Charnwood."),
          ("Engage with support agencies to meet the needs of Cuckooing victims.", "TURNING-POINT",
           "Officer time; outreach worker",
           "An increase in the number of Outreach Drug Referrals received by Drug Support Services."))),
        ("We aim to ensure that front line staff are sufficiently knowledgeable about the subject to "
         "ensure appropriate levels of support and referrals.",
         "Identification of victims and support is identified on an individual basis. A range of "
         "enforcement powers are utilised, to ensure the safety of victims of Criminal Exploitation.",
         (("Deliver criminal exploitation awareness sessions for front line staff across partner "
           "agencies.", "Strategic Group", "Officer time",
           "Number of sessions delivered and number of staff attending."),
          ("Publish the referral pathway for exploitation concerns to all partner agencies.",
           "CBC-ASB", "Officer time", "The number of referrals received through the pathway."))),
    ),
    "P4": (
        ("Prevent and Protect: have due regard to the need to prevent people from being drawn into "
         "terrorism (the Prevent Duty).",
         "Specified authorities comply with the Prevent Duty guidance issued under section 29 of the "
         "Counter-Terrorism and Security Act 2015.",
         (("Prevent continues to attend the Joint Action Group and subgroups and provides a "
           "consistent report at meetings.", "Joint Action Group", "Officer time",
           "A Prevent update received at each meeting."),
          ("Front line staff complete Prevent awareness training.", "Strategic Group", "Officer time",
           "Number of staff trained."))),
        ("Community Triggers: undertake an anti-social behaviour case review when the locally agreed "
         "threshold is met.",
         "Once the locally agreed threshold has been obtained, the CSP appoints the most appropriate "
         "agency to lead on the case review.",
         (("Identify at each meeting the victims who meet the LLR threshold: three separate "
           "incidents of ASB in the last six months, or a single hate crime or incident.",
           "Joint Action Group", "Officer time",
           "Number of Community Trigger activations and case reviews completed within timescale."),
          ("Case review recommendations are passed to the Joint Action Group and tracked in the "
           "action log until complete.", "CBC-ASB", "Officer time",
           "Number of case review recommendations completed."))),
        ("Serious Violence Duty, substance misuse and Domestic Homicide Reviews",
         "Work collaboratively in partnership on a localised plan focused on reducing serious "
         "violence, and with the Combatting Drugs Partnership on the supply and demand for illegal "
         "drugs.",
         (("Agree and implement the localised serious violence plan with the Violence Reduction "
           "Network.", "Strategic Group", "Officer time",
           "A year-on-year reduction in the number of Serious Violence Offences reported."),
          ("Establish the necessity for Domestic Homicide Reviews and respond to their learning.",
           "Strategic Group", "Officer time",
           "All learning outcomes from DHRs are reviewed and responded to."))),
    ),
}


@dataclass(frozen=True)
class DemoSummary:
    """What ``build_demo`` wrote: one count per kind of record."""

    cases: int
    open_cases: int
    people: int
    locations: int
    incidents: int
    risk_assessments: int
    interventions: int
    breaches: int
    meetings: int
    actions: int
    open_actions: int
    plan_actions: int
    plan_updates: int
    users: int

    def __str__(self) -> str:
        return (f"{self.cases} cases ({self.open_cases} open), {self.people} people, "
                f"{self.locations} locations, {self.incidents:,} incidents, "
                f"{self.risk_assessments} risk assessments, {self.interventions} interventions, "
                f"{self.meetings} meetings, {self.actions} actions, {self.plan_actions} plan actions")


@dataclass
class _Officer:
    name: str
    agency: str


@dataclass
class _Spec:
    """A case before it is written: who and what it is about, and its story."""

    case_type: str
    issue: _Issue
    beat: str
    locality: str
    subgroup: str = ""
    lead_agency: str = ""
    lead_officer: str = ""
    priority: str = ""
    rag: str = "amber"
    title: str = ""
    summary: str = ""
    opened_on: date | None = None
    closed_on: date | None = None
    closure_reason: str = ""
    profile: str = ""
    heavy: bool = False
    trigger_review: bool = False
    victims: list[Person] = field(default_factory=list)
    household: list[Person] = field(default_factory=list)
    perpetrators: list[Person] = field(default_factory=list)
    parents: list[Person] = field(default_factory=list)
    complainants: list[Person] = field(default_factory=list)
    location: Location | None = None
    hotspots: list[Location] = field(default_factory=list)
    chains: list[tuple[Person, list[tuple[int, str, date, list[date]]]]] = field(default_factory=list)
    incident_dates: list[date] = field(default_factory=list)
    case: Case | None = None


@dataclass
class _IncidentSpec:
    on: date
    category: str
    source: str
    location: Location | None
    beat: str
    hate: bool
    description: str
    people: list[tuple[Person, str]]
    order: int = 0


def build_demo(store: Store, cfg: Config, today: date, seed: int = 2026) -> DemoSummary:
    """Fill an empty database with invented data; the same seed and today give the same data.

    Raises StoreError if the database already holds cases, people or other records.
    """
    with store.write() as session:
        session.info["audit"] = False
        ensure_empty(session, store)
        builder = _Builder(session, store, cfg, today, seed)
        builder.build()
        summary = _summary(session)
        audit.record(session, "demo", note="Demo data built: all names and addresses are invented",
                     seed=seed, today=today.isoformat(), **_counts(summary))
    return summary


def _uk_time() -> tzinfo:
    """Meetings start at UK local time; stored times are UTC."""
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:
        return timezone.utc


def ensure_empty(session: Session, store: Store) -> None:
    for model, what in ((Case, "cases"), (Person, "people"), (Location, "locations"),
                        (Incident, "incidents"), (Meeting, "meetings"), (Action, "actions"),
                        (PlanPriority, "plan priorities")):
        count = session.scalar(select(func.count()).select_from(model))
        if count:
            raise StoreError(
                f"The database at {store.url} is not empty (it holds {count} {what}): "
                "build the demo into a new database"
            )


def _count(session: Session, model, *where) -> int:
    query = select(func.count()).select_from(model)
    if where:
        query = query.where(*where)
    return session.scalar(query) or 0


def _summary(session: Session) -> DemoSummary:
    session.flush()
    return DemoSummary(
        cases=_count(session, Case), open_cases=_count(session, Case, Case.status == "open"),
        people=_count(session, Person), locations=_count(session, Location),
        incidents=_count(session, Incident), risk_assessments=_count(session, RiskAssessment),
        interventions=_count(session, Intervention), breaches=_count(session, Breach),
        meetings=_count(session, Meeting), actions=_count(session, Action),
        open_actions=_count(session, Action, Action.status == "open"),
        plan_actions=_count(session, PlanAction), plan_updates=_count(session, PlanUpdate),
        users=_count(session, User),
    )


def _counts(summary: DemoSummary) -> dict[str, int]:
    return {name: getattr(summary, name) for name in summary.__dataclass_fields__}


class _Builder:
    def __init__(self, session: Session, store: Store, cfg: Config, today: date, seed: int):
        self.session = session
        self.store = store
        self.cfg = cfg
        self.today = today
        self.rng = random.Random(seed)
        self.earliest = today - timedelta(days=730)
        self.categories = {c.key: c for c in cfg.categories}
        self.asb_keys = [c.key for c in cfg.categories if c.asb]
        self.hate_key = next((k for k in self.categories if "HATE" in k.upper()), None)
        self.agency_keys = [a.key for a in cfg.agencies]
        self.subgroup_keys = [s.key for s in cfg.subgroups]
        self.main_group = self._subgroup("JAG")
        self.youth_group = "YJAG" if "YJAG" in self.subgroup_keys else None
        self.officers = [_Officer(name, self._agency(pref)) for name, pref in OFFICERS]
        self.people: list[Person] = []
        self.used_names: set[str] = set()
        self.streets: dict[tuple[str, str], str] = {}
        self.phone = 0
        self.locations: list[Location] = []
        self.specs: list[_Spec] = []
        self.incidents: list[_IncidentSpec] = []
        self.neighbours: list[Person] = []
        self.residents: list[Person] = []
        self._schedule()

    # --- small helpers ------------------------------------------------------------------------

    def _agency(self, *preferred: str) -> str:
        for key in preferred:
            if key in self.agency_keys:
                return key
        return self.agency_keys[0]

    def _subgroup(self, key: str) -> str:
        return key if key in self.subgroup_keys else self.subgroup_keys[0]

    def _priority(self, key: str) -> str:
        keys = [p.key for p in self.cfg.priorities]
        return key if key in keys else keys[0]

    def _officer(self, agency: str) -> _Officer:
        matching = [o for o in self.officers if o.agency == agency]
        return self.rng.choice(matching or self.officers)

    def _day(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _categories(self, wanted) -> list[str]:
        found = [key for key in wanted if key in self.categories]
        return found or list(self.asb_keys or self.categories)

    def _asb(self, keys, *, hate_ok: bool = True) -> list[str]:
        found = [k for k in keys if self.categories[k].asb and (hate_ok or k != self.hate_key)]
        return found or [k for k in self.asb_keys if hate_ok or k != self.hate_key] or list(keys)

    def _beat_weights(self) -> list[int]:
        return [BUSY_BEATS.get(beat.code, 1) for beat in self.cfg.beats]

    def _pick_beat(self):
        return self.rng.choices(self.cfg.beats, weights=self._beat_weights())[0]

    def _schedule(self) -> None:
        """Three past meetings of the main group every cadence, the last two weeks or more ago
        on a Thursday, and one Youth JAG between them."""
        cadence = timedelta(weeks=self.cfg.meetings.cadence_weeks)
        last = self.today - timedelta(days=14)
        while last.weekday() != 3:
            last -= timedelta(days=1)
        self.cadence = cadence
        self.main_dates = [last - 2 * cadence, last - cadence, last]
        self.next_main = next_meeting_date(last, self.today, self.cfg.meetings.cadence_weeks)
        self.youth_date = last - timedelta(days=21) if self.youth_group else None

    def _meeting_after(self, day: date) -> date:
        """The main group's next scheduled meeting after ``day`` (the cadence, extended both ways)."""
        last = self.main_dates[-1]
        if day >= last:
            return max(self.next_main, last + self.cadence * ((day - last) // self.cadence + 1))
        steps = (last - day) // self.cadence
        candidate = last - self.cadence * steps
        return candidate if candidate > day else candidate + self.cadence

    # --- people and places ----------------------------------------------------------------------

    def _address(self, locality: str) -> tuple[str, str]:
        stem = self.rng.choice(STREET_STEMS)
        street = f"{stem} {self.rng.choice(STREET_SUFFIXES)}"
        key = (street, locality)
        if key not in self.streets:
            district = DISTRICTS.get(locality.lower(), "LE11")
            self.streets[key] = f"{district} {self.rng.randint(1, 9)}Z{self.rng.choice('ZYX')}"
        return f"{self.rng.randint(1, 120)} {street}, {locality}", self.streets[key]

    def _person(self, ages: tuple[int, int], beat: str, locality: str, *, names=FIRST_NAMES,
                surname: str | None = None, home: tuple[str, str] | None = None,
                vulnerabilities: str = "", notes: str = "") -> Person:
        rng = self.rng
        for _ in range(50):
            name = f"{rng.choice(names)} {surname or rng.choice(SURNAMES)}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        age = rng.randint(*ages)
        born = self.today - relativedelta(years=age) - timedelta(days=rng.randint(1, 360))
        address, postcode = home or self._address(locality)
        phone = ""
        if rng.random() < 0.6 and age >= 14:
            self.phone += rng.randint(1, 9)
            phone = f"07700 900{self.phone % 1000:03d}"
        person = Person(name=name, date_of_birth=born, address=address, postcode=postcode, beat=beat,
                        phone=phone, vulnerabilities=vulnerabilities, notes=notes)
        self.people.append(person)
        return person

    def _age(self, person: Person) -> int:
        return relativedelta(self.today, person.date_of_birth).years

    def _make_locations(self, count: int = 40) -> None:
        rng = self.rng
        beats = list(self.cfg.beats)
        stems = list(STREET_STEMS)
        rng.shuffle(stems)
        for i in range(count):
            beat = beats[i] if i < len(beats) else self._pick_beat()
            locality = rng.choice(beat.localities)
            kind, pattern, _title, _cats = LOCATION_KINDS[i % len(LOCATION_KINDS)]
            stem = stems[i % len(stems)]
            name = pattern.format(stem=stem)
            if i >= len(stems):
                name = f"{name} ({locality})"
            street = f"{stem} {rng.choice(('Road', 'Lane', 'Way', 'Street'))}"
            district = DISTRICTS.get(locality.lower(), "LE11")
            self.locations.append(Location(
                name=name, address=f"off {street}, {locality}",
                postcode=f"{district} {rng.randint(1, 9)}Z{rng.choice('ZYX')}", beat=beat.code,
                locality=locality, kind=kind, notes=rng.choice(LOCATION_NOTES),
            ))

    def _locations_in(self, beat: str) -> list[Location]:
        return [loc for loc in self.locations if loc.beat == beat] or self.locations

    # --- cases ---------------------------------------------------------------------------------

    def build(self) -> None:
        self._users()
        self._make_locations()
        self._plan_cases()
        self.session.add_all(self.locations)
        self.session.add_all(self.people)
        self.session.flush()
        self._open_cases()
        self._make_incidents()
        self._write_incidents()
        self._risk_assessments()
        self._interventions()
        self._meetings()
        self._plan()

    def _users(self) -> None:
        if get_user(self.session, self.store.login) is None:
            add_user(self.session, self.store.login, "Demo administrator",
                     self._agency("CBC-ASB"), "admin" if "admin" in ROLES else ROLES[0])
        for login, name, agency, role in DEMO_USERS:
            if login != self.store.login and role in ROLES:
                add_user(self.session, login, name, self._agency(agency), role)

    def _plan_cases(self) -> None:
        self._perpetrator_specs(14)
        self._victim_specs(36)
        self._location_specs(10)
        self._dates()
        self._group_fixups()
        self._others()

    def _locality_for(self, beat) -> str:
        return self.rng.choice(beat.localities)

    def _perpetrator_specs(self, count: int) -> None:
        rng = self.rng
        kinds = ["group"] * 5 + ["youth"] * 5 + ["adult"] * (count - 10)
        group_issues = [i for i in PERPETRATOR_ISSUES if i.kind == "group"]
        youth_issues = [i for i in PERPETRATOR_ISSUES if i.kind == "youth"]
        adult_issues = [i for i in PERPETRATOR_ISSUES if i.kind == "adult"]
        for n, kind in enumerate(kinds):
            beat = self._pick_beat()
            locality = self._locality_for(beat)
            issue = {"group": group_issues, "youth": youth_issues, "adult": adult_issues}[kind]
            issue = issue[n % len(issue)]
            spec = _Spec("perpetrator", issue, beat.code, locality)
            spot = rng.choice(self._locations_in(beat.code))
            spec.hotspots = [spot]
            if kind == "group":
                size = rng.randint(3, 4)
                for _ in range(size):
                    youth = self._person((12, 17), beat.code, locality, names=YOUNG_NAMES,
                                         vulnerabilities=rng.choice(YOUTH_VULNERABILITIES)
                                         if rng.random() < 0.35 else "")
                    spec.perpetrators.append(youth)
                    surname = youth.name.split(" ", 1)[1]
                    home = (youth.address, youth.postcode)
                    spec.parents.append(self._person((32, 52), beat.code, locality, surname=surname,
                                                     home=home, notes="Parent/carer"))
                spec.subgroup = self.youth_group or self.main_group
                spec.lead_agency = self._agency("POLICE", "YOS")
                spec.title = issue.title.format(place=spot.name)
            elif kind == "youth":
                youth = self._person((13, 17), beat.code, locality, names=YOUNG_NAMES,
                                     vulnerabilities=rng.choice(YOUTH_VULNERABILITIES))
                spec.perpetrators.append(youth)
                spec.parents.append(self._person((30, 50), beat.code, locality,
                                                 surname=youth.name.split(" ", 1)[1],
                                                 home=(youth.address, youth.postcode),
                                                 notes="Parent/carer"))
                spec.subgroup = self.youth_group or self.main_group
                spec.lead_agency = self._agency("YOS", "POLICE")
                spec.title = f"{issue.title} ({locality})"
            else:
                adult = self._person((22, 58), beat.code, locality,
                                     vulnerabilities="Alcohol dependency" if rng.random() < 0.3 else "")
                spec.perpetrators.append(adult)
                if "cuckooing" in issue.title:
                    spec.subgroup = self._subgroup("AARG")
                    spec.lead_agency = self._agency("POLICE")
                elif "Street drinking" in issue.title:
                    spec.subgroup = self._subgroup("LCDG")
                    spec.lead_agency = self._agency("CBC-ASB")
                else:
                    spec.subgroup = self.main_group
                    spec.lead_agency = self._agency("CBC-HOUSING", "RSL", "CBC-ASB")
                spec.title = f"{issue.title} ({locality})"
            spec.priority = self._priority(issue.priority)
            spec.rag = rng.choices(("red", "amber", "green"), weights=(3, 5, 2))[0]
            self._chains(spec, closed=n in (3, 8))
            spec.summary = (
                f"{len(spec.perpetrators)} {'young people' if kind == 'group' else 'person'} "
                f"linked to ASB around {spot.name}. Managed under the LLR ASB incremental approach."
            )
            self.specs.append(spec)

    def _chains(self, spec: _Spec, closed: bool) -> None:
        """Escalation histories for each perpetrator; sets the case's opened/closed dates."""
        rng = self.rng
        top = len(self.cfg.ladder) - 1
        young = [
            [(0, "complied")], [(0, "breached"), (1, "active")], [(1, "breached"), (2, "active")],
            [(0, "breached"), (1, "breached"), (2, "active")], [(2, "complied")], [(1, "expired")],
            [(2, "active")], [(1, "breached"), (2, "breached")],
        ]
        older = young + [[(1, "breached"), (2, "breached"), (3, "active")],
                         [(2, "breached"), (3, "breached"), (4, "active")]]
        adult = older + [[(3, "breached"), (4, "breached"), (5, "active")], [(3, "complied")],
                         [(4, "active")]]
        starts = []
        ends = []
        for person in spec.perpetrators:
            if len(spec.perpetrators) > 2 and rng.random() < 0.3 and spec.chains:
                continue  # not every member of a group has had an intervention yet
            age = self._age(person)
            options = young if age < 16 else older if age < 18 else adult
            if closed:
                options = [p for p in options if p[-1][1] in ("complied", "expired")]
            pattern = [(min(i, top), outcome) for i, outcome in rng.choice(options)]
            chain = self._chain_dates(pattern, closed)
            spec.chains.append((person, chain))
            starts.append(chain[0][2])
            ends.append(max(self._review(chain[-1][0], chain[-1][2]), chain[-1][2]))
        spec.opened_on = min(starts) - timedelta(days=rng.randint(7, 35))
        if closed:
            spec.closed_on = min(max(ends) + timedelta(days=rng.randint(5, 25)),
                                 self.today - timedelta(days=130))
            spec.closure_reason = CLOSURE_REASONS[3] if spec.issue.kind != "adult" else CLOSURE_REASONS[1]
            spec.rag = "green"

    def _step(self, index: int) -> LadderStep:
        return self.cfg.ladder[index]

    def _review(self, index: int, issued: date) -> date:
        return default_review_on(self._step(index), issued) or issued + timedelta(days=30)

    def _chain_dates(self, pattern, closed: bool):
        """(ladder index, outcome, issued on, breach dates) per step, placed before today."""
        rng = self.rng
        offsets = []
        day = 0
        for n, (index, outcome) in enumerate(pattern):
            span = (self._review(index, self.today) - self.today).days
            breaches = []
            if outcome == "breached":
                first = rng.randint(10, max(11, min(span - 5, 70)))
                breaches.append(first)
                if rng.random() < 0.25:
                    breaches.append(first + rng.randint(5, 20))
            offsets.append((index, outcome, day, breaches, span))
            if n + 1 < len(pattern):
                day += (breaches[-1] if breaches else span) + rng.randint(7, 21)
        index, outcome, last_day, breaches, span = offsets[-1]
        if closed:
            last_issued = self.today - timedelta(days=span + rng.randint(150, 260))
        elif outcome == "active":
            if rng.random() < 0.2:  # lapsed: review date passed with no outcome recorded
                last_issued = self.today - timedelta(days=span + rng.randint(3, 25))
            else:
                last_issued = self.today - timedelta(days=rng.randint(7, max(8, span - 10)))
        elif outcome == "breached":
            last_issued = self.today - timedelta(days=rng.randint(45, 110))
            breaches = [b for b in breaches if last_issued + timedelta(days=b) < self.today]
            offsets[-1] = (index, outcome, last_day, breaches or [20], span)
        else:
            last_issued = self.today - timedelta(days=span + rng.randint(10, 120))
        start = last_issued - timedelta(days=last_day)
        return [(index, outcome, start + timedelta(days=off),
                 [start + timedelta(days=off + b) for b in breaches])
                for index, outcome, off, breaches, _span in offsets]

    def _victim_specs(self, count: int) -> None:
        rng = self.rng
        beats = list(self.cfg.beats)
        issues = list(VICTIM_ISSUES)
        rng.shuffle(issues)
        for n in range(count):
            issue = issues[n % len(issues)]
            if issue.kind == "student" and any(b.code == "62" for b in beats):
                beat = next(b for b in beats if b.code == "62")
            else:
                beat = beats[n] if n < len(beats) else self._pick_beat()
            locality = self._locality_for(beat)
            spec = _Spec("victim", issue, beat.code, locality)
            home = self._address(locality)
            if issue.kind == "older":
                victim = self._person((76, 91), beat.code, locality, names=ELDER_NAMES, home=home,
                                      vulnerabilities=rng.choice(OLDER_VULNERABILITIES))
            elif issue.kind == "child":
                victim = self._person((13, 16), beat.code, locality, names=YOUNG_NAMES, home=home,
                                      vulnerabilities=rng.choice(CHILD_VULNERABILITIES)
                                      if rng.random() < 0.5 else "")
                spec.household.append(self._person((35, 52), beat.code, locality, home=home,
                                                   surname=victim.name.split(" ", 1)[1],
                                                   notes="Parent/carer"))
            elif issue.kind == "at_risk":
                victim = self._person((24, 63), beat.code, locality, home=home,
                                      vulnerabilities=rng.choice(AT_RISK_VULNERABILITIES))
            elif issue.kind == "student":
                victim = self._person((19, 23), beat.code, locality, home=home)
                for _ in range(rng.randint(1, 3)):
                    spec.household.append(self._person((19, 23), beat.code, locality, home=home,
                                                       notes="Housemate"))
            else:
                victim = self._person((24, 74), beat.code, locality, home=home,
                                      vulnerabilities=rng.choice(GENERAL_VULNERABILITIES)
                                      if rng.random() < 0.3 else "")
                if rng.random() < 0.45:
                    surname = victim.name.split(" ", 1)[1]
                    spec.household.append(self._person((24, 74), beat.code, locality, home=home,
                                                       surname=surname))
                    if rng.random() < 0.5:
                        spec.household.append(self._person((3, 15), beat.code, locality, home=home,
                                                           names=YOUNG_NAMES, surname=surname))
            spec.victims.append(victim)
            if issue.kind == "at_risk":
                spec.subgroup = self._subgroup("AARG")
                spec.lead_agency = self._agency("ASC", "CBC-ASB")
            elif issue.kind == "child":
                spec.subgroup = self.youth_group or self.main_group
                spec.lead_agency = self._agency("POLICE")
            elif issue.kind == "student":
                spec.subgroup = self._subgroup("LCDG")
                spec.lead_agency = self._agency("POLICE", "UNI")
            else:
                spec.subgroup = self._area_subgroup(beat.code, locality)
                spec.lead_agency = rng.choice(
                    [self._agency(k) for k in ("POLICE", "CBC-ASB", "CBC-HOUSING", "RSL")])
            spec.priority = self._priority(issue.priority)
            spec.title = f"{issue.title} ({locality})"
            spec.heavy = n < 4
            self.specs.append(spec)

    def _area_subgroup(self, beat: str, locality: str) -> str:
        rng = self.rng
        if beat == "62" and rng.random() < 0.6:
            return self._subgroup("LCDG")
        if beat == "65":
            if "bell foundry" in locality.lower() and rng.random() < 0.7:
                return self._subgroup("PZ")
            if rng.random() < 0.6:
                return self._subgroup("LEDG")
        return self.main_group

    def _location_specs(self, count: int) -> None:
        rng = self.rng
        for n, location in enumerate(self.locations[:count]):
            kind = next(k for k in LOCATION_KINDS if k[0] == location.kind)
            issue = _Issue(kind[2], kind[3], "P2")
            spec = _Spec("location", issue, location.beat, location.locality)
            spec.location = location
            spec.title = issue.title.format(place=location.name)
            spec.subgroup = self._area_subgroup(location.beat, location.locality)
            spec.lead_agency = self._agency("CBC-ASB") if rng.random() < 0.6 else self._agency("POLICE")
            spec.priority = self._priority("P2")
            spec.heavy = n < 2
            spec.summary = (f"Repeat location raised for positive action to reduce its harm index. "
                            f"{location.notes or 'Residents report feeling unsafe after dark'}.")
            self.specs.append(spec)

    def _dates(self) -> None:
        """Opened and closed dates, RAG and incident profiles for victim and location cases.

        Each past meeting gets new referrals; three cases are closed at the meetings and a few
        more before them; open victims get a profile that decides whether they meet the
        Community Trigger and the repeat-victim rule today.
        """
        rng, today = self.rng, self.today
        victims = [s for s in self.specs if s.case_type == "victim"]
        places = [s for s in self.specs if s.case_type == "location"]
        first = self.main_dates[0]
        # Closed: two victims and one location at the meetings, three victims before them.
        at_meetings = [victims[4], victims[5], places[-1]]
        for spec, held in zip(at_meetings, self.main_dates):
            spec.closed_on = held
            spec.opened_on = held - timedelta(days=rng.randint(120, 400))
        for spec in victims[6:9]:
            spec.closed_on = today - timedelta(days=rng.randint(140, 600))
            spec.opened_on = spec.closed_on - timedelta(days=rng.randint(90, 260))
        for spec in victims[4:9] + [places[-1]]:
            spec.closure_reason = rng.choice(CLOSURE_REASONS[:3] if spec.case_type == "victim"
                                             else CLOSURE_REASONS[4:])
            spec.rag = "green"
            spec.opened_on = max(spec.opened_on, self.earliest + timedelta(days=30))
            spec.profile = "closed"
        # New referrals: two in the cadence before each meeting, two since the last one.
        fresh = victims[9:17]
        windows = [(held - self.cadence + timedelta(days=3), held - timedelta(days=2))
                   for held in self.main_dates]
        windows.append((self.main_dates[-1] + timedelta(days=2), today - timedelta(days=1)))
        for n, spec in enumerate(fresh):
            start, end = windows[n // 2]
            spec.opened_on = self._day(start, end)
            spec.profile = "hate" if spec.issue.kind == "hate" else "repeat"
        # The rest: heavy repeat victims, Community Trigger victims and quiet ones.
        rest = victims[:4] + victims[17:]
        profiles = ["repeat"] * 4 + ["trigger6"] * 3 + ["hate"] * 3 + ["repeat"] * 3
        profiles += ["quiet"] * (len(rest) - len(profiles))
        for spec, profile in zip(rest, profiles):
            spec.profile = profile
            if profile == "quiet":
                spec.opened_on = self._day(today - timedelta(days=650), today - timedelta(days=250))
            else:
                spec.opened_on = self._day(today - timedelta(days=650), first - timedelta(days=50))
        for spec in victims:
            if spec.profile != "closed":
                spec.rag = rng.choices(("red", "amber", "green"), weights=(3, 5, 2))[0]
                if spec.heavy:
                    spec.rag = "red"
            if spec.profile in ("trigger6", "hate") and rng.random() < 0.5:
                spec.trigger_review = True
                spec.priority = self._priority("P4")
                spec.title = f"ASB case review (Community Trigger): {spec.title}"
        for spec in places[:-1]:
            spec.opened_on = self._day(today - timedelta(days=600), today - timedelta(days=30))
            spec.rag = rng.choices(("red", "amber", "green"), weights=(3, 5, 2))[0]
        for spec in victims:
            officer = self._officer(spec.lead_agency)
            spec.lead_officer = officer.name
            vulnerable = spec.victims[0].vulnerabilities
            spec.summary = (
                f"{spec.issue.title}. Incidents reported to the police, the council and housing "
                f"since {fmt_date(spec.opened_on - timedelta(days=30))[3:]}."
                + (f" Vulnerability: {vulnerable[0].lower()}{vulnerable[1:]}." if vulnerable else "")
            )
        for spec in self.specs:
            if not spec.lead_officer:
                spec.lead_officer = self._officer(spec.lead_agency).name

    def _group_fixups(self) -> None:
        """Every configured subgroup and beat gets at least one case."""
        victims = [s for s in self.specs if s.case_type == "victim" and s.issue.kind in ("", "hate")]
        for key in self.subgroup_keys:
            counts: dict[str, int] = {}
            for spec in self.specs:
                counts[spec.subgroup] = counts.get(spec.subgroup, 0) + 1
            if key in counts:
                continue
            spare = next((s for s in victims if counts[s.subgroup] > 1), None)
            if spare is not None:
                spare.subgroup = key
        # Link perpetrators to some victim cases: the group in the same beat, if any.
        perps = [s for s in self.specs if s.case_type == "perpetrator"]
        for spec in self.specs:
            if spec.case_type != "victim" or self.rng.random() > 0.45:
                continue
            same = [p for p in perps if p.beat == spec.beat] or perps
            source = self.rng.choice(same)
            spec.perpetrators = self.rng.sample(source.perpetrators,
                                                k=min(len(source.perpetrators), self.rng.randint(1, 2)))

    def _others(self) -> None:
        """Neighbours (complainants, witnesses) and residents (background reporters and victims).

        Neighbours are linked to cases but are never an incident's victim, so a quiet victim
        case cannot pick up incidents through them.
        """
        rng = self.rng
        for _ in range(24):
            beat = self._pick_beat()
            self.neighbours.append(self._person((20, 80), beat.code, self._locality_for(beat)))
        target = max(len(self.people) + 20, 152)
        while len(self.people) < target:
            beat = self._pick_beat()
            self.residents.append(self._person((16, 85), beat.code, self._locality_for(beat)))
        for spec in self.specs:
            if spec.case_type == "location" or (spec.case_type == "victim" and rng.random() < 0.3):
                nearby = [p for p in self.neighbours if p.beat == spec.beat] or self.neighbours
                spec.complainants = rng.sample(nearby, k=min(len(nearby), rng.randint(1, 2)))

    def _open_cases(self) -> None:
        order = sorted(range(len(self.specs)), key=lambda i: (self.specs[i].opened_on, i))
        parties = []
        for i in order:
            spec = self.specs[i]
            spec.case = open_case(
                self.session, case_type=spec.case_type, title=spec.title[:200],
                subgroup=spec.subgroup, lead_agency=spec.lead_agency, opened_on=spec.opened_on,
                summary=spec.summary, lead_officer=spec.lead_officer, priority=spec.priority,
                beat=spec.beat, rag=spec.rag,
                status="closed" if spec.closed_on else "open", closed_on=spec.closed_on,
                closure_reason=spec.closure_reason,
            )
            links: list[tuple[str, Person | Location, bool]] = []
            if spec.case_type == "location":
                links.append(("location of concern", spec.location, True))
            for n, person in enumerate(spec.victims):
                links.append(("victim", person, n == 0))
            links += [("household member", p, False) for p in spec.household]
            links += [("perpetrator", p, spec.case_type == "perpetrator" and n == 0)
                      for n, p in enumerate(spec.perpetrators)]
            links += [("parent/carer", p, False) for p in spec.parents]
            links += [("complainant", p, False) for p in spec.complainants]
            for role, subject, primary in links:
                assert role in PARTY_ROLES
                is_place = isinstance(subject, Location)
                parties.append(CaseParty(
                    case_id=spec.case.id, role=role, primary=primary,
                    person_id=None if is_place else subject.id,
                    location_id=subject.id if is_place else None,
                ))
        self.session.add_all(parties)
        self.session.flush()

    # --- incidents -----------------------------------------------------------------------------

    def _source(self, category: str) -> str:
        if category in ("DRUGS", "ASSAULT", "THREATS", "BURGLARY", "THEFT"):
            return self.rng.choices(("police", "sentinel", "council"), weights=(8, 1, 1))[0]
        return self.rng.choices(("police", "sentinel", "council", "housing"), weights=(4, 3, 2, 2))[0]

    def _incident(self, on: date, category: str, *, location: Location | None, beat: str,
                  people: list[tuple[Person, str]], hate: bool = False) -> _IncidentSpec:
        texts = DESCRIPTIONS.get(category) or (f"{self.categories[category].name} reported",)
        text = self.rng.choice(texts)
        if hate and category != self.hate_key:
            text += " (perceived to be hate-motivated)"
        if location is not None:
            text += f", {location.name}"
            beat = location.beat
        seen: set[tuple[int, str]] = set()
        unique = []
        for person, role in people:
            if (id(person), role) not in seen:
                seen.add((id(person), role))
                unique.append((person, role))
        spec = _IncidentSpec(on, category, self._source(category), location, beat, hate, text, unique,
                             len(self.incidents))
        self.incidents.append(spec)
        return spec

    def _spread(self, start: date, end: date, count: int, skew: float = 1.0) -> list[date]:
        """``count`` days between start and end; skew > 1 crowds them towards ``end``."""
        start = max(start, self.earliest)
        if end < start:
            return []
        days = (end - start).days
        return [end - timedelta(days=int(days * self.rng.random() ** skew)) for _ in range(count)]

    def _make_incidents(self) -> None:
        for spec in self.specs:
            if spec.case_type == "victim":
                self._victim_incidents(spec)
            elif spec.case_type == "perpetrator":
                self._perpetrator_incidents(spec)
            else:
                self._location_incidents(spec)
        self._background(max(150, 1150 - len(self.incidents)))

    def _victim_incidents(self, spec: _Spec) -> None:
        rng, today = self.rng, self.today
        cats = self._categories(spec.issue.categories)
        asb = self._asb(cats, hate_ok=False)
        start = spec.opened_on - timedelta(days=rng.randint(30, 200))
        hate_case = spec.issue.kind == "hate"
        # (day, category, hate: "maybe" | "never" | "always")
        dated: list[tuple[date, str, str]] = []
        if spec.profile == "closed":
            end = spec.closed_on - timedelta(days=rng.randint(10, 40))
            dated += [(d, rng.choice(cats), "maybe") for d in self._spread(start, end, rng.randint(4, 12))]
        else:
            # Windows kept clear of month-length edges: 6 months >= 181 days, 3 months >= 89.
            base_end = today - timedelta(days=90 if spec.profile == "repeat" else 200)
            count = rng.randint(35, 55) if spec.heavy else rng.randint(3, 10)
            dated += [(d, rng.choice(cats), "maybe") for d in self._spread(start, base_end, count)]
            if spec.profile == "repeat":
                recent = [self._day(today - timedelta(days=80), today - timedelta(days=1))
                          for _ in range(rng.randint(3, 6))]
                dated += [(d, rng.choice(asb), "never") for d in recent]
            elif spec.profile == "trigger6":
                recent = [self._day(today - timedelta(days=170), today - timedelta(days=100))
                          for _ in range(3)]
                dated += [(d, rng.choice(asb), "never") for d in recent]
            elif spec.profile == "hate":
                day = self._day(today - timedelta(days=150), today - timedelta(days=10))
                dated.append((day, self.hate_key or rng.choice(asb), "always"))
                if rng.random() < 0.5:
                    dated.append((self._day(today - timedelta(days=150), today - timedelta(days=5)),
                                  rng.choice(asb), "never"))
            else:  # quiet: at most two ASB incidents, none hate, in the trigger window
                for _ in range(rng.randint(0, 2)):
                    dated.append((self._day(today - timedelta(days=150), today - timedelta(days=5)),
                                  rng.choice(asb), "never"))
        victim = spec.victims[0]
        for day, category, hate_mode in dated:
            if hate_mode == "maybe":
                hate = category == self.hate_key or (
                    hate_case and category in HATE_CAPABLE and rng.random() < 0.5)
            else:
                hate = hate_mode == "always"
            people: list[tuple[Person, str]] = [(victim, "victim")]
            if spec.household and rng.random() < 0.3:
                people.append((rng.choice(spec.household), "victim"))
            if spec.perpetrators and rng.random() < 0.6:
                people += [(p, "perpetrator") for p in
                           rng.sample(spec.perpetrators, k=rng.randint(1, len(spec.perpetrators)))]
            reporter = rng.random()
            if reporter < 0.5:
                people.append((victim, "reporter"))
            elif reporter < 0.7 and spec.household:
                people.append((rng.choice(spec.household), "reporter"))
            elif reporter < 0.85 and spec.complainants:
                people.append((rng.choice(spec.complainants), "reporter"))
            if spec.complainants and rng.random() < 0.2:
                people.append((rng.choice(spec.complainants), "witness"))
            location = None
            if rng.random() < 0.35:
                location = rng.choice(self._locations_in(spec.beat))
            self._incident(day, category, location=location, beat=spec.beat, people=people, hate=hate)
            spec.incident_dates.append(day)

    def _perpetrator_incidents(self, spec: _Spec) -> None:
        rng = self.rng
        cats = self._categories(spec.issue.categories)
        group = spec.issue.kind == "group"
        count = rng.randint(18, 35) if group else rng.randint(6, 14)
        start = spec.opened_on - timedelta(days=rng.randint(60, 200))
        end = spec.closed_on or self.today
        nearby = [p for p in self.residents if p.beat == spec.beat] or self.residents
        for day in self._spread(start, end, count):
            category = rng.choice(cats)
            people = [(p, "perpetrator") for p in
                      rng.sample(spec.perpetrators, k=rng.randint(1, min(3, len(spec.perpetrators))))]
            if rng.random() < 0.35:
                people.append((rng.choice(nearby), "victim"))
            if rng.random() < 0.6:
                people.append((rng.choice(nearby), "reporter"))
            location = spec.hotspots[0] if rng.random() < 0.7 else None
            self._incident(day, category, location=location, beat=spec.beat, people=people)
            spec.incident_dates.append(day)

    def _location_incidents(self, spec: _Spec) -> None:
        rng = self.rng
        cats = self._categories(spec.issue.categories)
        count = rng.randint(70, 95) if spec.heavy else rng.randint(22, 40)
        if spec.closed_on:
            days = self._spread(self.earliest, spec.closed_on, count, skew=0.8)
            days += self._spread(spec.closed_on, self.today, 3)
        else:
            days = self._spread(self.earliest, self.today, count, skew=1.4)
        nearby = [p for p in self.residents if p.beat == spec.beat] or self.residents
        for day in days:
            people: list[tuple[Person, str]] = []
            if rng.random() < 0.7:
                people.append((rng.choice(spec.complainants or nearby), "reporter"))
            if rng.random() < 0.2:
                people.append((rng.choice(nearby), "victim"))
            if rng.random() < 0.15:
                people.append((rng.choice(nearby), "witness"))
            self._incident(day, rng.choice(cats), location=spec.location, beat=spec.beat, people=people)
            spec.incident_dates.append(day)

    def _background(self, count: int) -> None:
        rng = self.rng
        weights = [5 if c.asb else 1 for c in self.cfg.categories]
        keys = [c.key for c in self.cfg.categories]
        for day in self._spread(self.earliest, self.today, count):
            category = rng.choices(keys, weights=weights)[0]
            resident = rng.choice(self.residents)
            people = [(resident, "reporter")]
            if rng.random() < 0.3:
                people.append((rng.choice(self.residents), "victim"))
            location = rng.choice(self.locations[10:] or self.locations) if rng.random() < 0.6 else None
            hate = category == self.hate_key or (category in HATE_CAPABLE and rng.random() < 0.04)
            self._incident(day, category, location=location, beat=resident.beat, people=people,
                           hate=hate)

    def _write_incidents(self) -> None:
        rng = self.rng
        self.incidents.sort(key=lambda i: (i.on, i.order))
        counters = {"sentinel": 48000 + rng.randint(0, 900), "housing": 15000 + rng.randint(0, 300),
                    "council": 8000 + rng.randint(0, 300)}
        storm: dict[date, int] = {}
        rows = []
        for spec in self.incidents:
            if spec.source == "police":
                storm[spec.on] = storm.get(spec.on, rng.randint(1, 120)) + rng.randint(1, 40)
                ref = f"STORM-{spec.on:%y%m%d}-{storm[spec.on]:04d}"
            else:
                counters[spec.source] += rng.randint(1, 6)
                prefix = {"sentinel": "SEN", "housing": "HSG", "council": "CBC"}[spec.source]
                ref = f"{prefix}-{counters[spec.source]}"
            rows.append(Incident(
                occurred_on=spec.on, category=spec.category, source=spec.source, source_ref=ref,
                location_id=spec.location.id if spec.location is not None else None,
                beat=spec.beat, hate=spec.hate, description=spec.description,
            ))
        self.session.add_all(rows)
        self.session.flush()
        parties = [IncidentParty(incident_id=row.id, person_id=person.id, role=role)
                   for row, spec in zip(rows, self.incidents) for person, role in spec.people]
        self.session.add_all(parties)
        self.session.flush()

    # --- risk and interventions ----------------------------------------------------------------

    def _answers(self, spec: _Spec, target: str, assessed_on: date) -> dict[str, int]:
        rng = self.rng
        victim = spec.victims[0]
        age = self._age(victim)
        vulnerable = victim.vulnerabilities.lower()
        chance = {"high": 0.75, "medium": 0.45, "standard": 0.12}[target]
        facts = {
            "age": int(age < 18 or age > 75),
            "disability": int(any(w in vulnerable for w in ("disab", "mobility", "wheelchair",
                                                             "sighted", "hearing", "illness"))),
            "hate": int(spec.issue.kind == "hate"),
            "children": int(any(self._age(p) < 18 for p in spec.household)),
            "substance": int("alcohol" in vulnerable or "substance" in vulnerable),
        }
        answers = {}
        for question in self.cfg.risk.questions:
            if question.key in facts:
                answers[question.key] = facts[question.key]
            elif question.kind == "scale":
                low, high = {"high": (4, 9), "medium": (2, 5), "standard": (0, 2)}[target]
                answers[question.key] = rng.randint(min(low, question.max), min(high, question.max))
            else:
                answers[question.key] = int(rng.random() < chance)
        return answers

    def _risk_assessments(self) -> None:
        rng, today, risk_cfg = self.rng, self.today, self.cfg.risk
        victims = [s for s in self.specs if s.case_type == "victim"]
        overrides = 0
        unrecorded = 0
        for spec in victims:
            if spec.profile == "quiet" and unrecorded < 2:
                unrecorded += 1  # "risk assessments ... not recorded": the app should show the gap
                continue
            target = {"red": "high", "amber": "medium", "green": "standard"}[spec.rag]
            if spec.closed_on:
                latest = self._day(spec.opened_on, spec.closed_on - timedelta(days=10))
            elif spec.opened_on < today - timedelta(days=60) and rng.random() < 0.35:
                latest = max(spec.opened_on, today - timedelta(days=rng.randint(45, 110)))  # overdue
            else:
                latest = self._day(max(spec.opened_on, today - timedelta(days=12)),
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
                    answers = self._answers(spec, want, assessed_on)
                    result = risk_rules.assess(risk_cfg, answers)
                    if result.level == want:
                        break
                if override and risk_rules.LEVELS.index(result.level) >= risk_rules.LEVELS.index(override):
                    override, reason = None, ""
                level = override or result.level
                officer = self._officer(spec.lead_agency)
                if officer.agency not in (self._agency("POLICE"), self._agency("CBC-ASB"),
                                          spec.lead_agency):
                    officer = self._officer(self._agency("CBC-ASB"))
                due = risk_rules.review_due(level, assessed_on, risk_cfg,
                                            self._meeting_after(assessed_on))
                record_assessment(
                    self.session, risk_cfg, case_id=spec.case.id, assessed_on=assessed_on,
                    assessor=officer.name, answers=answers, review_due=due,
                    person_id=spec.victims[0].id, override_level=override, override_reason=reason,
                )

    def _interventions(self) -> None:
        rng = self.rng
        steps = [s.key for s in self.cfg.ladder]
        for spec in self.specs:
            for person, chain in spec.chains:
                youth = self._age(person) < 18
                for index, outcome, issued, breaches in chain:
                    step = self._step(index)
                    agency = self._issuer(index, youth)
                    notes = self._intervention_note(step, spec, youth)
                    review = default_review_on(step, issued)
                    row = record_intervention(
                        self.session, case_id=spec.case.id, step=step.key, steps=steps,
                        issuing_agency=agency, issued_on=issued, review_on=review,
                        person_id=person.id, notes=notes,
                    )
                    for day in breaches:
                        record_breach(self.session, row.id, day, rng.choice((
                            "Seen with the group in the area the agreement excludes them from",
                            "Further reports of abuse towards neighbours",
                            "Caught on CCTV damaging property at the hotspot",
                            "Failed to attend the agreed YOS appointments",
                        )))
                    if outcome in ("complied", "expired"):
                        set_outcome(self.session, row.id, None, outcome)

    def _issuer(self, index: int, youth: bool) -> str:
        rng = self.rng
        top = len(self.cfg.ladder) - 1
        if index <= 1:
            return rng.choice([self._agency("POLICE"), self._agency("CBC-ASB")])
        if index == 2:
            return rng.choice([self._agency("POLICE"), self._agency("YOS")] if youth
                              else [self._agency("CBC-ASB"), self._agency("CBC-HOUSING", "RSL")])
        if index >= top:
            return rng.choice([self._agency("CBC-HOUSING"), self._agency("RSL"), self._agency("CBC-ASB")])
        return self._agency("CBC-ASB")

    def _intervention_note(self, step: LadderStep, spec: _Spec, youth: bool) -> str:
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

    # --- meetings and actions ------------------------------------------------------------------

    def _open_at(self, spec: _Spec, day: date) -> bool:
        return spec.opened_on <= day and (spec.closed_on is None or spec.closed_on >= day)

    def _attendance(self, meeting_id: int, chair: _Officer) -> list[str]:
        rng = self.rng
        others = [o for o in self.officers if o is not chair]
        rng.shuffle(others)
        present = [chair] + others[:rng.randint(8, 11)]
        apologies = others[len(present) - 1:len(present) + 2]
        self.present = present
        for officer in present:
            add_attendee(self.session, meeting_id, officer.name, self.cfg.agency_name(officer.agency))
        for officer in apologies:
            add_attendee(self.session, meeting_id, officer.name, self.cfg.agency_name(officer.agency),
                         kind="apology")
        add_attendee(self.session, meeting_id, MINUTE_TAKER,
                     self.cfg.agency_name(self._agency("CBC-ASB")), kind="minutes")
        return [f"{o.name} ({self.cfg.agency_name(o.agency)})" for o in apologies]

    def _meetings(self) -> None:
        pending: list[Action] = []
        previous = None
        held = [(day, self.main_group) for day in self.main_dates]
        if self.youth_date:
            held.append((self.youth_date, self.youth_group))
        held.sort()
        for day, group in held:
            if group == self.main_group:
                pending = self._meeting(day, group, previous, pending)
                previous = day
            else:
                self._meeting(day, group, None, [])
        # Since the last meeting: a few actions have an interim update.
        for action in pending:
            if self.rng.random() < 0.35:
                on = self._day(self.main_dates[-1] + timedelta(days=1), self.today - timedelta(days=1))
                done = self.rng.random() < 0.3
                add_update(self.session, action.id, on,
                           self.rng.choice(ACTION_DONE if done else ACTION_PROGRESS),
                           status="complete" if done else "open")

    def _meeting(self, day: date, group: str, previous: date | None,
                 carried: list[Action]) -> list[Action]:
        rng, cfg = self.rng, self.cfg
        chair = self.officers[0] if group == self.main_group else next(
            (o for o in self.officers if o.agency == self._agency("YOS")), self.officers[0])
        meeting = create_meeting(self.session, held_on=day, subgroup=group, chair=chair.name,
                                 starts_at=cfg.meetings.default_start, place=cfg.meetings.default_place)
        start = datetime.combine(day, time.fromisoformat(cfg.meetings.default_start),
                                 tzinfo=_uk_time()).astimezone(timezone.utc)
        next_on = day + self.cadence
        apologies = self._attendance(meeting.id, chair)
        item = add_item(self.session, meeting.id, "apologies", "Apologies for absence")
        add_note(self.session, item.id, "Apologies for absence were received from "
                 + ", ".join(apologies) + ".")
        add_note(self.session, item.id, "The Chair read the confidentiality statement and all present "
                 "agreed to attend under the information sharing protocol.")
        item = add_item(self.session, meeting.id, "minutes", "Minutes of the previous meeting")
        if previous:
            add_note(self.session, item.id, f"The minutes of the meeting held on {fmt_date(previous)} "
                     "were reviewed; there were no amendments.")
            add_note(self.session, item.id, f"That the minutes of the meeting held on "
                     f"{fmt_date(previous)} be approved as a true record.", kind="agreed")
        else:
            add_note(self.session, item.id, "The minutes of the previous meeting were approved.")
        item = add_item(self.session, meeting.id, "actions", "Action log")
        still_open = self._review_actions(meeting.id, day, carried)
        if carried:
            done = len(carried) - len(still_open)
            add_note(self.session, item.id, f"Updates on the actions from the meeting held on "
                     f"{fmt_date(previous)} were reviewed: {done} complete, "
                     f"{len(still_open)} carried forward.")
        else:
            add_note(self.session, item.id, "There were no outstanding actions from the previous meeting.")
        raised = self._case_items(meeting.id, day, group, previous)
        item = add_item(self.session, meeting.id, "aob", "Any other business")
        for text in rng.sample(AOB_POINTS, k=2):
            add_note(self.session, item.id, text)
        item = add_item(self.session, meeting.id, "next meeting", "Date of next meeting")
        add_note(self.session, item.id, f"The next meeting will be held on {fmt_date(next_on)} at "
                 f"{cfg.meetings.default_start}, {cfg.meetings.default_place}.")
        meeting.status = "final"
        meeting.confidentiality_ack_at = start + timedelta(minutes=rng.randint(1, 4))
        meeting.ended_at = start + timedelta(minutes=rng.randint(95, 140))
        meeting.next_meeting_on = next_on
        self.session.flush()
        return still_open + raised

    def _review_actions(self, meeting_id: int, day: date, carried: list[Action]) -> list[Action]:
        rng = self.rng
        still_open = []
        for action in carried:
            if action.status != "open":
                continue
            done = rng.random() < 0.6
            add_update(self.session, action.id, day,
                       rng.choice(ACTION_DONE if done else ACTION_PROGRESS),
                       status="complete" if done else "open", meeting_id=meeting_id)
            if not done:
                still_open.append(action)
        return still_open

    def _case_items(self, meeting_id: int, day: date, group: str, previous: date | None) -> list[Action]:
        rng = self.rng
        since = previous or day - self.cadence
        if group == self.main_group:
            pool = [s for s in self.specs if s.subgroup != self.youth_group]
        else:
            pool = [s for s in self.specs if s.subgroup == group]
        open_now = [s for s in pool if self._open_at(s, day)]
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
                item = add_item(self.session, meeting_id, kind, title, case_id=spec.case.id)
                raised += self._discuss(item, kind, spec, day, since, meeting_id)
        return raised

    def _owner(self, preferences: tuple[str, ...]) -> _Officer:
        """Someone at the meeting from the preferred agencies, else anyone there."""
        agencies = {self._agency(key) for key in preferences if key in self.agency_keys}
        here = [o for o in self.present if o.agency in agencies]
        return self.rng.choice(here or self.present)

    def _discuss(self, item, kind: str, spec: _Spec, day: date, since: date,
                 meeting_id: int) -> list[Action]:
        rng = self.rng
        agency = self.cfg.agency_name(spec.lead_agency)
        speaker = (spec.lead_officer if any(o.name == spec.lead_officer for o in self.present)
                   else f"The Chair, for {agency},")
        recent = [d for d in spec.incident_dates if since < d <= day]
        last_six = [d for d in spec.incident_dates if months_before(day, 6) <= d <= day]
        who = {"victim": "the victim", "perpetrator": "the young people" if spec.issue.kind == "group"
               else "the person", "location": "the location"}[spec.case_type]
        note = lambda text, k="point": add_note(self.session, item.id, text, kind=k)  # noqa: E731
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
            officer = self._owner(preferences)
            note(f"That {officer.name} {phrase}.", "agreed")
            raised.append(add_action(
                self.session, ref=action_ref(day, item.number), text=f"{officer.name} to {phrase}",
                owner=officer.name, owner_agency=officer.agency,
                due_on=day + timedelta(days=rng.choice((14, 21, 28, 42))),
                case_id=spec.case.id, meeting_id=meeting_id, item_id=item.id,
            ))
        return raised

    # --- partnership plan ----------------------------------------------------------------------

    def _plan(self) -> None:
        rng, today = self.rng, self.today
        quarters = [financial_quarter(months_before(today, 6)), financial_quarter(months_before(today, 3)),
                    financial_quarter(today)]
        year_end = date(today.year if today.month < 4 else today.year + 1, 3, 31)
        for priority in self.cfg.priorities:
            row = add_priority(self.session, priority.key, priority.title, PLAN_PERIOD)
            objectives = PLAN.get(priority.key) or (
                (f"Deliver the priority: {priority.title}",
                 "Tactical plans are developed by the Joint Action Group and implemented through "
                 "the CSP's operating model.",
                 ((f"Report progress on {priority.title.lower()} to each Strategic Group meeting.",
                   "Strategic Group", "Officer time", "Quarterly progress report received."),
                  ("Raise cases and locations linked to this priority at the Joint Action Group.",
                   "Joint Action Group", "Officer time", "Number of cases referred.")),),
            )
            for number, (title, strategy, actions) in enumerate(objectives, start=1):
                objective = add_objective(self.session, row.id, number, title, strategy)
                for n, (text, lead, resources, measures) in enumerate(actions, start=1):
                    lead_name = self.cfg.agency_name(lead) if lead in self.agency_keys else lead
                    ends = year_end if rng.random() < 0.7 else year_end + relativedelta(years=1)
                    action = add_plan_action(self.session, objective.id, n, text, lead=lead_name,
                                             ends_on=ends, resources=resources, measures=measures)
                    path = rng.choice(STATUS_PATHS)
                    for quarter, status in zip(quarters, path):
                        if quarter == quarters[-1] and rng.random() < 0.4:
                            continue  # this quarter's update not in yet
                        assert status in PLAN_STATUSES
                        set_update(self.session, action.id, quarter, status,
                                   rng.choice(PLAN_TEXT[status]))
