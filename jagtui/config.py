"""Configuration: the partnership's local choices, read from TOML and validated.

The shipped ``config.toml`` holds every default. A user file (``--config``,
``JAGTUI_CONFIG`` or the per-user config directory) is merged over it, so a
partial file is enough. Any problem becomes one :class:`ConfigError` naming the
file, the key and what was expected.
"""

from __future__ import annotations

import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

APP_NAME = "jagtui"
DEFAULTS_PATH = Path(__file__).with_name("config.toml")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is for the user."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Partnership(_Section):
    name: str
    short_name: str
    group: str
    protective_marking: str
    confidentiality_statement: str


class Database(_Section):
    url: str = ""
    busy_timeout_ms: int = Field(ge=0)
    # PostgreSQL: give up on a server that does not answer, and on a statement
    # (a wait for another user's lock included) that runs longer; 0 = no limit.
    connect_timeout_s: int = Field(default=5, ge=1, le=300)
    statement_timeout_ms: int = Field(default=30000, ge=0)

    def engine_options(self) -> dict[str, int]:
        """What ``jagtui.store.db.make_engine`` takes from this section."""
        return {"busy_timeout_ms": self.busy_timeout_ms,
                "connect_timeout_s": self.connect_timeout_s,
                "statement_timeout_ms": self.statement_timeout_ms}


class Exports(_Section):
    directory: str = ""


class Meetings(_Section):
    cadence_weeks: int = Field(ge=1, le=52)
    default_place: str
    default_start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class Retention(_Section):
    closed_case_years: int = Field(ge=1, le=100)


class Redaction(_Section):
    # Name parts that are also ordinary words: redacted alone only when written as a name.
    common_words: list[str] = Field(default_factory=list)


class PlanSettings(_Section):
    # The CSP plan's own baseline year for its measures ("2022/23"); "" means the
    # earliest full financial year in the JAG's records.
    baseline: str = Field(default="", pattern=r"^(\d{4}/\d{2})?$")


class Keyed(_Section):
    key: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Beat(_Section):
    code: str = Field(min_length=1)
    localities: list[str] = Field(min_length=1)


class Priority(_Section):
    key: str = Field(min_length=1)
    title: str = Field(min_length=1)


class Category(Keyed):
    harm_weight: float = Field(ge=0)
    asb: bool


class Harm(_Section):
    window_days: int = Field(ge=1, le=3660)


class Question(_Section):
    key: str = Field(min_length=1)
    text: str = Field(min_length=1)
    kind: Literal["yn", "scale"]
    weight: float = Field(ge=0)
    max: int = Field(default=1, ge=1, le=9)


class ReviewDays(_Section):
    standard: int = Field(ge=0)
    medium: int = Field(ge=0)
    high: int = Field(ge=0)


class Risk(_Section):
    medium_from: float = Field(gt=0)
    high_from: float = Field(gt=0)
    review_days: ReviewDays
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _thresholds_rise(self) -> Risk:
        if self.high_from <= self.medium_from:
            raise ValueError("high_from must be greater than medium_from")
        _unique([q.key for q in self.questions], "question key")
        return self


class CountRule(_Section):
    count: int = Field(ge=1)
    months: int = Field(ge=1, le=120)


class RepeatVictimRule(CountRule):
    same_category: bool = False


class TriggerRule(CountRule):
    hate_count: int = Field(ge=1)


class Flags(_Section):
    repeat_victim: RepeatVictimRule
    community_trigger: TriggerRule
    repeat_location: CountRule
    youth_under: int = Field(ge=1, le=30)


class Timescale(_Section):
    """A step's time limit in working days, and whose limit it is."""

    days: int = Field(ge=0, le=260)
    basis: Literal["statutory", "local"] = "local"


class CaseReviews(_Section):
    """``[case_reviews]``: ASB case reviews (the Community Trigger)."""

    reference_prefix: str = Field(default="ASBR", min_length=1, max_length=8, pattern=r"^[A-Z]+$")
    # A TOML file of bank holidays (see jagtui/rules/bank_holidays_england.toml); "" = England's.
    bank_holidays: str = ""
    decision: Timescale = Timescale(days=10)     # received -> threshold decided, applicant told
    review: Timescale = Timescale(days=20)       # threshold met -> review meeting held
    outcome: Timescale = Timescale(days=5)       # review meeting -> applicant told the outcome
    escalation: Timescale = Timescale(days=20)   # escalation asked for -> its outcome
    # Who hears an applicant dissatisfied with the review (told to them, printed on the record).
    escalation_route: str = ("The Police and Crime Commissioner for Leicester, Leicestershire "
                             "and Rutland")


class LadderStep(Keyed):
    review_months: int = Field(ge=0, le=120)


class ReferralMeasure(Keyed):
    """A plan measure counted from referrals: those made to ``services``, by quarter."""

    services: list[str] = Field(min_length=1)


class Referrals(_Section):
    """``[referrals]``: the services referred to, the follow-up default, the counted measures."""

    follow_up_days: int = Field(default=14, ge=1, le=365)
    services: list[Keyed] = Field(default_factory=list)
    measures: list[ReferralMeasure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_services(self) -> Referrals:
        _unique([s.key for s in self.services], "referrals.services key")
        _unique([m.key for m in self.measures], "referrals.measures key")
        known = {s.key for s in self.services}
        for measure in self.measures:
            unknown = [key for key in measure.services if key not in known]
            if unknown:
                raise ValueError(f"referrals.measures {measure.key!r}: no service with key "
                                 f"{unknown[0]!r}")
        return self

    def service_name(self, key: str | None) -> str:
        return next((s.name for s in self.services if s.key == key), key or "")


# Day-first, as UK extracts write dates; tried in order, ISO always last.
UK_DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y %H:%M", "%d/%m/%y",
                   "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y")


class ImportPerson(_Section):
    """One person column of an extract: who they are to the incident."""

    role: Literal["victim", "perpetrator", "witness", "reporter"]
    name: str = Field(min_length=1)
    date_of_birth: str = ""
    address: str = ""
    postcode: str = ""


class ImportSettings(_Section):
    """``[import]``: what an import may open (see jagtui.importer.sandbox)."""

    max_mb: int = Field(default=50, ge=1, le=1024)
    # Extracts are read only from inside these folders; empty means any folder.
    folders: list[str] = Field(default_factory=list)


class ImportMapping(_Section):
    """How one partner's extract maps onto incidents. Values name column headers
    (matched ignoring case and extra spaces); "" means the extract has no such column."""

    title: str = Field(min_length=1)
    source: Literal["police", "council", "housing", "sentinel"]
    sheet: str = ""
    reference: str = Field(min_length=1)
    date: str = Field(min_length=1)
    date_formats: list[str] = Field(default=list(UK_DATE_FORMATS), min_length=1)
    category: str = Field(min_length=1)
    # The extract's category text (any case) -> a [[categories]] key.
    categories: dict[str, str] = Field(default_factory=dict)
    location: str = ""
    postcode: str = ""
    locality: str = ""
    beat: str = ""
    hate: str = ""
    hate_values: list[str] = Field(default=["y", "yes", "true", "1"])
    description: str = ""
    people: list[ImportPerson] = Field(default_factory=list)
    # Name cells (any case) that name nobody: no person is created for them.
    placeholder_names: list[str] = Field(
        default=["anon", "anonymous", "withheld", "not known", "unknown", "n/a", "none"])


class Config(_Section):
    """The validated configuration. Lists keep file order (the ladder is ordered)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    partnership: Partnership
    database: Database
    exports: Exports
    meetings: Meetings
    retention: Retention
    redaction: Redaction = Redaction()
    plan: PlanSettings = PlanSettings()
    subgroups: list[Keyed] = Field(min_length=1)
    agencies: list[Keyed] = Field(min_length=1)
    beats: list[Beat] = Field(min_length=1)
    priorities: list[Priority] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    harm: Harm
    risk: Risk
    flags: Flags
    ladder: list[LadderStep] = Field(min_length=2)
    case_reviews: CaseReviews = CaseReviews()
    referrals: Referrals = Field(default_factory=Referrals)
    imports: dict[str, ImportMapping] = Field(default_factory=dict)
    # ``[import]`` in the file ("import" is a Python keyword).
    import_settings: ImportSettings = Field(default_factory=ImportSettings, alias="import")
    source: str = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _keys_unique(self) -> Config:
        for name in ("subgroups", "agencies", "categories", "ladder", "priorities"):
            _unique([item.key for item in getattr(self, name)], f"{name} key")
        _unique([b.code for b in self.beats], "beats code")
        for name, mapping in self.imports.items():
            unknown = sorted(set(mapping.categories.values()) - self.category_by_key.keys())
            if unknown:
                raise ValueError(f"imports.{name}.categories: no category with key {unknown[0]!r}")
        return self

    @cached_property
    def category_by_key(self) -> dict[str, Category]:
        return {c.key: c for c in self.categories}

    @cached_property
    def locality_beat(self) -> dict[str, str]:
        """Locality name (lower case) -> beat code."""
        return {loc.lower(): b.code for b in self.beats for loc in b.localities}

    def beat_label(self, code: str | None) -> str:
        for beat in self.beats:
            if beat.code == code:
                return f"Beat {code} ({beat.localities[0]})"
        return f"Beat {code}" if code else ""

    def agency_name(self, key: str | None) -> str:
        return next((a.name for a in self.agencies if a.key == key), key or "")


def _unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"duplicate {what} {key!r}")
        seen.add(key)


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, expected a TOML file") from None
    except PermissionError:
        raise ConfigError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _merge(base: dict, override: dict) -> dict:
    """Tables merge key by key; arrays and values replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: dict) -> str:
    # Key names come from the file: shown escaped, never as terminal control codes.
    key = ".".join(str(part) if str(part).isprintable() else repr(str(part))
                   for part in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"key {key}: unknown key (check the spelling)"
    if kind == "missing":
        return f"key {key}: missing"
    given = error.get("input")
    shown = repr(given) if not isinstance(given, (dict, list)) else type(given).__name__
    message = error["msg"].removeprefix("Value error, ")
    return f"key {key}: {message}, got {shown}"


def load_config(path: str | Path | None = None) -> Config:
    """Load the defaults, merged with the user's file if there is one.

    ``path`` (or ``JAGTUI_CONFIG``) must exist when given; the per-user file is
    used only if present.
    """
    data = _read_toml(DEFAULTS_PATH)
    chosen = path or os.environ.get("JAGTUI_CONFIG")
    user_path = Path(chosen) if chosen else user_config_path()
    source = str(DEFAULTS_PATH)
    if chosen or user_path.exists():
        data = _merge(data, _read_toml(user_path))
        source = str(user_path)
    try:
        return Config.model_validate({**data, "source": source})
    except ValidationError as exc:
        first = exc.errors()[0]
        more = len(exc.errors()) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(f"{source}: {_describe(first)}{tail}") from None


def write_user_config(path: Path | None = None, force: bool = False) -> Path:
    """Write a full, editable copy of the defaults for this user: the shipped file
    itself, so every comment explaining a value (and what is not official) stays."""
    target = path or user_config_path()
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists (use --force to overwrite)")
    shipped = DEFAULTS_PATH.read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    header = (
        "# jagtui configuration, written by `jagtui config init` from the shipped defaults.\n"
        "# Edit any value; delete a key to fall back to the shipped default.\n\n"
    )
    target.write_text(header + shipped, encoding="utf-8")
    return target
