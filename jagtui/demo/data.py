"""The demo's invented people, places and stories, read from the TOML files beside this
module (``people.toml``, ``places.toml``, ``stories.toml``, ``plan.toml``).

Kept as data so they can be read and changed without reading the builder; the builder
draws from them in order with a seeded generator, so the same files, seed and day
always give the same database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


def _read(name: str) -> dict:
    with (Path(__file__).with_name(name)).open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class Issue:
    """What a case is about: its title, the incident categories it sees, its priority."""

    title: str
    categories: tuple[str, ...]
    priority: str
    kind: str = ""  # victim: older / child / at_risk / student / hate; perpetrator: group / youth / adult


def _issues(rows: list[dict]) -> tuple[Issue, ...]:
    return tuple(Issue(row["title"], tuple(row["categories"]), row["priority"], row.get("kind", ""))
                 for row in rows)


_people = _read("people.toml")
FIRST_NAMES = tuple(_people["names"]["first"])
ELDER_NAMES = tuple(_people["names"]["elder"])
YOUNG_NAMES = tuple(_people["names"]["young"])
SURNAMES = tuple(_people["names"]["surnames"])
OLDER_VULNERABILITIES = tuple(_people["vulnerabilities"]["older"])
AT_RISK_VULNERABILITIES = tuple(_people["vulnerabilities"]["at_risk"])
GENERAL_VULNERABILITIES = tuple(_people["vulnerabilities"]["general"])
CHILD_VULNERABILITIES = tuple(_people["vulnerabilities"]["child"])
YOUTH_VULNERABILITIES = tuple(_people["vulnerabilities"]["youth"])
OFFICERS = tuple((row["name"], row["agency"]) for row in _people["staff"]["officers"])
MINUTE_TAKER = _people["minute_taker"]
DEMO_USERS = tuple((row["login"], row["name"], row["agency"], row["role"])  # login, name, agency, role
                   for row in _people["staff"]["users"])

_places = _read("places.toml")
STREET_STEMS = tuple(_places["street_stems"])
STREET_SUFFIXES = tuple(_places["street_suffixes"])
DISTRICTS: dict[str, str] = _places["districts"]
BUSY_BEATS: dict[str, int] = _places["busy_beats"]
# (kind, name pattern, issue title, categories)
LOCATION_KINDS = tuple((row["kind"], row["name"], row["issue"], tuple(row["categories"]))
                       for row in _places["location_kinds"])
LOCATION_NOTES = tuple(_places["location_notes"])

_stories = _read("stories.toml")
DESCRIPTIONS = {category: tuple(texts) for category, texts in _stories["descriptions"].items()}
HATE_CAPABLE = tuple(_stories["hate_capable"])
VICTIM_ISSUES = _issues(_stories["victim_issues"])
PERPETRATOR_ISSUES = _issues(_stories["perpetrator_issues"])
CLOSURE_REASONS = tuple(_stories["closure_reasons"])
# (agency preferences, what the owner is to do: a base-form verb phrase)
CASE_ACTIONS = {kind: tuple((tuple(row["agencies"]), row["phrase"]) for row in rows)
                for kind, rows in _stories["case_actions"].items()}
ACTION_PROGRESS = tuple(_stories["action_progress"])
ACTION_DONE = tuple(_stories["action_done"])
AOB_POINTS = tuple(_stories["aob_points"])
BREACHES = tuple(_stories["breaches"])

_plan = _read("plan.toml")
PLAN_PERIOD = _plan["period"]
PLAN_TEXT = {status: tuple(texts) for status, texts in _plan["progress"].items()}
STATUS_PATHS = tuple(tuple(path) for path in _plan["status_paths"])
# Per priority: (objective, strategy, ((text, lead, resources, measures), ...)), ...
PLAN = {
    key: tuple((row["objective"], row["strategy"],
                tuple((a["text"], a["lead"], a["resources"], a["measures"]) for a in row["actions"]))
               for row in objectives)
    for key, objectives in _plan["priorities"].items()
}
