"""Numbers people quote, handed out so two people adding at once never get the same.

SQLite lets one writer at a time in (``BEGIN IMMEDIATE``), so "highest + 1" is
safe there; PostgreSQL runs writers side by side, so each series is allocated
under a row lock held to commit: the ``counters`` row for case references, the
parent row (the meeting for its items, the item for its notes) otherwise. The
schema backs both with unique constraints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select, update
from sqlmodel import Session

from jagtui.store.models import Case, Counter, ItemNote, Meeting, MeetingItem
from jagtui.store.records import fetch


def _insert(session: Session):
    """The dialect's INSERT (with ON CONFLICT) for the session's database.

    Imported here, for the database in use: SQLAlchemy's postgresql package loads every
    PostgreSQL driver's dialect (~20 ms), which a SQLite start has no use for; on
    PostgreSQL its engine has imported it already."""
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def allocate(session: Session, name: str, floor: Callable[[], int] = lambda: 0) -> int:
    """The next number in series ``name``: one more than both the last handed out
    and ``floor()`` (the highest already in use, read once the series is locked)."""
    session.execute(_insert(session)(Counter).values(name=name, value=0)
                    .on_conflict_do_nothing(index_elements=["name"]))
    last = session.scalar(select(Counter.value).where(Counter.name == name).with_for_update())
    value = max(last or 0, floor()) + 1
    session.execute(update(Counter).where(Counter.name == name).values(value=value))
    return value


def case_reference(session: Session, opened_on: date) -> str:
    """``JAG-26-0007``: year of opening and a running number within it."""
    prefix = f"JAG-{opened_on:%y}-"

    def highest() -> int:
        # Longest first: "JAG-26-10000" sorts before "JAG-26-9999" as text.
        last = session.scalar(
            select(Case.reference).where(Case.reference.like(f"{prefix}%"))
            .order_by(func.length(Case.reference).desc(), Case.reference.desc()).limit(1))
        suffix = last.removeprefix(prefix) if last else ""
        return int(suffix) if suffix.isdigit() else 0

    return f"{prefix}{allocate(session, f'case-ref:{opened_on:%y}', highest):04d}"


def next_item_number(session: Session, meeting_id: int) -> int:
    """The number after the meeting's last item, the meeting locked until commit."""
    fetch(session, Meeting, meeting_id, "meeting", lock=True)
    last = session.scalar(select(func.max(MeetingItem.number))
                          .where(MeetingItem.meeting_id == meeting_id))
    return (last or 0) + 1


def next_note_number(session: Session, item_id: int) -> int:
    """The number after the item's last point or decision, the item locked until commit."""
    fetch(session, MeetingItem, item_id, "meeting item", lock=True)
    last = session.scalar(select(func.max(ItemNote.number)).where(ItemNote.item_id == item_id))
    return (last or 0) + 1


def make_room(session: Session, moving: list[MeetingItem]) -> None:
    """Park the items about to be renumbered on negative numbers, so a swap never
    meets the unique (meeting, number) constraint half-way. Done behind the ORM's
    back: the flush that follows still sees (and audits) old number -> new."""
    for item in moving:
        session.execute(update(MeetingItem).where(MeetingItem.id == item.id)
                        .values(number=-item.number)
                        .execution_options(synchronize_session=False))
