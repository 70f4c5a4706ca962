"""How the case list filters and sorts its rows: pure functions over ``CaseRow``.

Status, subgroup, beat and lead agency are filtered in SQL (``case_rows``);
risk level and flag depend on computed facts, so they are filtered here, and a
search narrows the rows by their searchable text (``store.case_search``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from jagtui.display import FLAG_BADGES
from jagtui.store.case_search import search_key
from jagtui.store.caselist import RAG_RANK, RISK_RANK, CaseRow, highest_risk_first

DEFAULT_SORT = "risk-first"
STATUSES = ("open", "closed", "all")


@dataclass(frozen=True)
class CaseFilter:
    status: str = "open"
    subgroup: str = ""
    beat: str = ""
    lead_agency: str = ""
    risk: str = ""        # standard | medium | high | none (not assessed)
    flag: str = ""        # a flag code, e.g. community_trigger

    def sql(self) -> dict:
        """The keyword arguments ``case_rows`` filters on."""
        return dict(status=None if self.status == "all" else self.status,
                    subgroup=self.subgroup or None, beat=self.beat or None,
                    lead_agency=self.lead_agency or None)

    def keeps(self, row: CaseRow) -> bool:
        if self.risk and (row.risk_level or "none") != self.risk:
            return False
        return not self.flag or row.has_flag(self.flag)

    @property
    def active(self) -> bool:
        return self != CaseFilter()

    def describe(self) -> str:
        """The filter in words for the status line: 'closed · JAG · beat 62 · flag CT'."""
        parts = [] if self.status == "open" else [f"{self.status} cases"]
        parts += [self.subgroup] if self.subgroup else []
        parts += [f"beat {self.beat}"] if self.beat else []
        parts += [f"lead {self.lead_agency}"] if self.lead_agency else []
        parts += [f"risk {self.risk}"] if self.risk else []
        if self.flag:
            parts.append(FLAG_BADGES.get(self.flag, (self.flag, ""))[1] or self.flag)
        return " · ".join(parts)


def filter_rows(rows: list[CaseRow], case_filter: CaseFilter) -> list[CaseRow]:
    return [row for row in rows if case_filter.keeps(row)]


def search_rows(rows: list[CaseRow], texts: dict[int, str], search: str) -> list[CaseRow]:
    """The rows whose searchable text holds the search, in the order given; all of
    them for an empty search. Case-insensitive for every alphabet (casefolded)."""
    key = search_key(search)
    if not key:
        return rows
    return [row for row in rows if key in texts.get(row.id, "")]


_FAR = date.max

# Column key -> (words, sort key with the natural direction: most urgent first).
SORTS: dict[str, tuple[str, Callable[[CaseRow], tuple]]] = {
    DEFAULT_SORT: ("highest risk first", highest_risk_first),
    "ref": ("reference", lambda r: (r.reference,)),
    "subject": ("subject", lambda r: (r.subject.casefold(), r.reference)),
    "risk": ("risk level", lambda r: (-RISK_RANK.get(r.risk_level, 0), r.reference)),
    "harm": ("harm index", lambda r: (-r.harm.index, r.reference)),
    "flags": ("number of flags", lambda r: (-len(r.flags), r.reference)),
    "rag": ("RAG", lambda r: (-RAG_RANK.get(r.rag, 0), r.reference)),
    "review": ("next review", lambda r: (r.next_review or _FAR, r.reference)),
    "actions": ("overdue actions", lambda r: (-r.overdue_actions, -r.open_actions, r.reference)),
    "type": ("case type", lambda r: (r.case_type, r.reference)),
    "group": ("subgroup", lambda r: (r.subgroup, r.reference)),
    "beat": ("beat", lambda r: (r.beat, r.reference)),
    "lead": ("lead agency", lambda r: (r.lead_agency, r.reference)),
}


def sort_rows(rows: list[CaseRow], column: str = DEFAULT_SORT, reverse: bool = False) -> list[CaseRow]:
    """Rows sorted by a column; an unknown column falls back to highest risk first."""
    _, key = SORTS.get(column, SORTS[DEFAULT_SORT])
    return sorted(rows, key=key, reverse=reverse)


def sort_words(column: str, reverse: bool) -> str:
    words = SORTS.get(column, SORTS[DEFAULT_SORT])[0]
    return f"sorted by {words}{' (reversed)' if reverse else ''}" if column != DEFAULT_SORT or reverse \
        else "sorted highest risk first"
