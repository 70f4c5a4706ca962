"""numbers that cannot collide; audit rows that cannot be replaced

Meeting items are unique by (meeting, number) and discussion points and AGREED
decisions by (item, number); case references come from a locked counter. Any
duplicates an older jagtui let through under concurrent writes are renumbered
first (in their existing order, ties by when they were added), action refs that
followed an item's old number follow its new one, and each repair is audited.
On SQLite, INSERT OR REPLACE / UPSERT onto an existing audit row is refused.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import json
from collections import defaultdict
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

WHO = "jagtui db upgrade"
_REFUSE = "audit_log is append-only: rows cannot be replaced"

_items = sa.table("meeting_items", sa.column("id", sa.Integer), sa.column("meeting_id", sa.Integer),
                  sa.column("number", sa.Integer), sa.column("version", sa.Integer),
                  sa.column("case_id", sa.Integer))
_notes = sa.table("item_notes", sa.column("id", sa.Integer), sa.column("item_id", sa.Integer),
                  sa.column("number", sa.Integer), sa.column("version", sa.Integer))
_meetings = sa.table("meetings", sa.column("id", sa.Integer), sa.column("held_on", sa.Date))
_actions = sa.table("actions", sa.column("id", sa.Integer), sa.column("item_id", sa.Integer),
                    sa.column("ref", sa.String), sa.column("version", sa.Integer),
                    sa.column("case_id", sa.Integer))
_audit = sa.table("audit_log", sa.column("at", sa.DateTime), sa.column("login", sa.String),
                  sa.column("operation", sa.String), sa.column("table_name", sa.String),
                  sa.column("record_id", sa.Integer), sa.column("case_id", sa.Integer),
                  sa.column("detail", sa.JSON))


def _renumber(bind, table, parent: str) -> dict[int, tuple[int, int]]:
    """Number each parent's rows 1..n where any number repeats; id -> (old, new)."""
    groups = defaultdict(list)
    for row in bind.execute(sa.select(table.c.id, table.c[parent], table.c.number)
                            .order_by(table.c[parent], table.c.number, table.c.id)):
        groups[row[1]].append((row[0], row[2]))
    moved = {}
    for rows in groups.values():
        numbers = [number for _, number in rows]
        if len(set(numbers)) == len(numbers):
            continue
        for new, (row_id, old) in enumerate(rows, start=1):
            if new != old:
                moved[row_id] = (old, new)
    for row_id, (_old, new) in moved.items():
        bind.execute(table.update().where(table.c.id == row_id)
                     .values(number=new, version=table.c.version + 1))
    return moved


def _audit_rows(table_name: str, changes: dict[int, dict], case_ids: dict[int, int | None]):
    now = datetime.now(timezone.utc)
    return [{"at": now, "login": WHO, "operation": "update", "table_name": table_name,
             "record_id": record_id, "case_id": case_ids.get(record_id),
             "detail": json.loads(json.dumps(detail))} for record_id, detail in changes.items()]


def _repair_duplicates(bind) -> None:
    audit = []
    moved_items = _renumber(bind, _items, "meeting_id")
    if moved_items:
        item_rows = {row.id: row for row in bind.execute(
            sa.select(_items.c.id, _items.c.meeting_id, _items.c.case_id)
            .where(_items.c.id.in_(list(moved_items))))}
        held = dict(bind.execute(sa.select(_meetings.c.id, _meetings.c.held_on)).all())
        audit += _audit_rows("meeting_items", {
            item_id: {"number": {"before": old, "after": new}}
            for item_id, (old, new) in moved_items.items()},
            {item_id: row.case_id for item_id, row in item_rows.items()})
        refs = {}
        for action in bind.execute(sa.select(_actions).where(
                _actions.c.item_id.in_(list(moved_items)))):
            old, new = moved_items[action.item_id]
            day = held[item_rows[action.item_id].meeting_id]
            code = f"{day.day:02d}{day.month:02d}{day.year % 100:02d}"
            if action.ref == f"{code} Item {old}":
                bind.execute(_actions.update().where(_actions.c.id == action.id)
                             .values(ref=f"{code} Item {new}", version=_actions.c.version + 1))
                refs[action.id] = {"ref": {"before": action.ref, "after": f"{code} Item {new}"}}
                audit += _audit_rows("actions", {action.id: refs[action.id]},
                                     {action.id: action.case_id})
    moved_notes = _renumber(bind, _notes, "item_id")
    audit += _audit_rows("item_notes", {
        note_id: {"number": {"before": old, "after": new}}
        for note_id, (old, new) in moved_notes.items()}, {})
    if audit:
        bind.execute(_audit.insert(), audit)


def upgrade() -> None:
    bind = op.get_bind()
    _repair_duplicates(bind)
    with op.batch_alter_table('meeting_items', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_items_meeting')
        batch_op.create_index('ix_meeting_items_meeting', ['meeting_id', 'number'], unique=True)
    with op.batch_alter_table('item_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_item_notes_item')
        batch_op.create_index('ix_item_notes_item', ['item_id', 'number'], unique=True)
    op.create_table('counters',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    if bind.dialect.name == "sqlite":
        # REPLACE deletes the old row without firing DELETE triggers (unless recursive
        # triggers are on), and an UPSERT is an insert first: refuse both up front.
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
    op.drop_table('counters')
    with op.batch_alter_table('item_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_item_notes_item')
        batch_op.create_index('ix_item_notes_item', ['item_id', 'number'], unique=False)
    with op.batch_alter_table('meeting_items', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_items_meeting')
        batch_op.create_index('ix_meeting_items_meeting', ['meeting_id', 'number'], unique=False)
