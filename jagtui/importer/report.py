"""What an import found and did, as plain data, and its text rendering.

The same :class:`ImportReport` is printed by ``jagtui import`` and shown by the
Import screen, so both say exactly the same thing. Row numbers are the ones the
user sees in the spreadsheet: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jagtui.rules.dates import fmt_date

SHOWN_VALUE = 40


def visible(text: str) -> str:
    """Text from a file as it may be printed: control characters and bidi overrides as
    escapes (a file name or reference cannot move the terminal)."""
    return text if text.isprintable() else repr(text)[1:-1]


def shown(value: object) -> str:
    """A cell value short enough for one report line, quoted so blanks are visible."""
    text = "" if value is None else str(value)
    if len(text) > SHOWN_VALUE:
        text = text[: SHOWN_VALUE - 3] + "..."
    return repr(text)


@dataclass(frozen=True)
class Problem:
    """Something that stops a row (``row`` set) or the whole file (``row`` None) importing."""

    row: int | None
    column: str
    message: str

    @property
    def where(self) -> str:
        if self.row is None:
            return "file"
        return f"row {self.row}" + (f", {self.column}" if self.column else "")


@dataclass(frozen=True)
class Candidate:
    """An existing person who may be the one named in the file."""

    person_id: int
    name: str
    date_of_birth: date | None
    address: str
    score: float
    why: str


@dataclass(frozen=True)
class PossibleMatch:
    """A person in the file who resembles existing people: linked only once confirmed.

    ``key`` is what ``--confirm-matches`` takes (``12`` or ``12b``); the decision
    covers every row naming the same person (``rows``).
    """

    key: str
    rows: tuple[int, ...]
    role: str
    column: str
    name: str
    date_of_birth: date | None
    address: str
    candidates: tuple[Candidate, ...]
    decision: str = ""  # "" undecided, "new", or a person id as text


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class Update:
    row: int
    ref: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Skip:
    row: int
    ref: str
    reason: str


@dataclass
class ImportReport:
    file_name: str
    sha256: str = ""
    mapping: str = ""
    mapping_title: str = ""
    source: str = ""
    rows: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    unchanged: int = 0
    updates: list[Update] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    possible_matches: list[PossibleMatch] = field(default_factory=list)
    people_matched: int = 0
    people_created: int = 0
    people_updated: int = 0
    locations_matched: int = 0
    locations_created: int = 0
    applied: bool = False
    dry_run: bool = False
    skip_invalid: bool = False

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def readable(self) -> bool:
        """False when the file itself cannot be imported (no rows could be trusted)."""
        return not self.file_problems

    @property
    def blocked(self) -> bool:
        """True when the import must not be written as it stands."""
        return not self.readable or (bool(self.problems) and not self.skip_invalid)

    @property
    def unresolved(self) -> list[PossibleMatch]:
        return [m for m in self.possible_matches if not m.decision]

    def counts(self) -> dict[str, int]:
        """The numbers the audit trail keeps."""
        return {
            "rows": self.rows, "created": self.created, "updated": len(self.updates),
            "unchanged": self.unchanged, "skipped": len(self.skipped),
            "problems": len(self.problems), "people_matched": self.people_matched,
            "people_created": self.people_created, "people_updated": self.people_updated,
            "locations_matched": self.locations_matched,
            "locations_created": self.locations_created,
            "possible_matches": len(self.possible_matches),
            "unresolved_matches": len(self.unresolved),
        }

    def summary(self) -> str:
        verb = ("would be " if not self.applied else "")
        with_problems = "" if self.skip_invalid else f", {len(self.invalid_rows)} with problems"
        return (f"{self.rows} rows: {self.created} {verb}created, {len(self.updates)} {verb}updated, "
                f"{self.unchanged} unchanged (already imported){with_problems}, "
                f"{len(self.skipped)} skipped")

    def people_summary(self) -> str:
        matches = len(self.possible_matches)
        return (f"People: {self.people_matched} matched to existing records, "
                f"{self.people_created} new, {matches} possible match{'es' if matches != 1 else ''} "
                f"({len(self.unresolved)} to confirm). Locations: {self.locations_matched} matched, "
                f"{self.locations_created} new.")

    def outcome(self) -> str:
        if not self.readable:
            return "Nothing imported: the file cannot be read as it stands."
        if self.applied:
            return "Imported." if not self.skipped else "Imported; the rows listed were skipped."
        if self.dry_run:
            if self.problems:
                return ("Dry run: nothing written. Fix the problems, or import with "
                        "--skip-invalid to leave those rows out.")
            return "Dry run: nothing written."
        if self.problems and not self.skip_invalid:
            return ("Nothing imported: fix the problems above, or import with --skip-invalid "
                    "to leave those rows out.")
        return "Nothing imported."


def person_text(name: str, dob: date | None, address: str) -> str:
    parts = [repr(name)]
    if dob:
        parts.append(f"born {fmt_date(dob)}")
    if address:
        parts.append(shown(address))
    return ", ".join(parts)


def decision_text(match: PossibleMatch) -> str:
    if not match.decision:
        return "undecided: not linked"
    if match.decision == "new":
        return "confirmed: a new person"
    return f"confirmed: person {match.decision}"


def heading(report: ImportReport) -> list[str]:
    """What was read and how: file, mapping, checksum and notes."""
    lines = [f"Import of {visible(report.file_name)}"]
    if report.mapping:
        lines.append(f"Mapping: {report.mapping} ({report.mapping_title}), source {report.source}")
    if report.sha256:
        lines.append(f"SHA-256: {report.sha256}")
    return lines + [f"Note: {note}" for note in report.notes]


def totals(report: ImportReport) -> list[str]:
    """The counts and what happened (or would happen)."""
    if not report.readable:
        return [report.outcome()]
    return [report.summary(), report.people_summary(), report.outcome()]


def render_text(report: ImportReport, limit: int = 50) -> str:
    """The report as plain lines. Lists longer than ``limit`` are cut, saying how many more."""
    lines = heading(report)

    def section(title: str, items: list[list[str]]) -> None:
        if not items:
            return
        lines.extend(["", f"{title} ({len(items)}):"])
        for item in items[:limit]:
            lines.extend(f"  {line}" for line in item)
        if len(items) > limit:
            lines.append(f"  ... and {len(items) - limit} more")

    section("Problems", [[f"{p.where}: {p.message}"] for p in report.problems])
    if report.readable:
        section("Updates", [[f"row {u.row} ({visible(u.ref)}): " + "; ".join(
            f"{c.name} {shown(c.before)} -> {shown(c.after)}" for c in u.changes)]
            for u in report.updates])
        section("Skipped", [[f"row {s.row} ({visible(s.ref) or 'no reference'}): {s.reason}"]
                            for s in report.skipped])
        section("Possible matches", [[
            f"[{m.key}] {m.role} {person_text(m.name, m.date_of_birth, m.address)} "
            f"(row{'s' if len(m.rows) > 1 else ''} {', '.join(str(r) for r in m.rows)}, "
            f"{m.column}): {decision_text(m)}",
            *(f"    could be person {c.person_id} "
              f"{person_text(c.name, c.date_of_birth, c.address)} ({c.why})" for c in m.candidates),
        ] for m in report.possible_matches])
        if report.unresolved:
            example = ",".join(f"{m.key}={m.candidates[0].person_id}" for m in report.unresolved[:2])
            lines.append(f"  Link them with --confirm-matches KEY=PERSON_ID (or KEY=new for a "
                         f"new person), e.g. --confirm-matches {example}")
        lines.append("")
    lines.extend(totals(report))
    return "\n".join(lines)
