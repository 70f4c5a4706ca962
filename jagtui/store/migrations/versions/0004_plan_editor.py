"""the plan editor: order, retirement, time scales, baseline, target, measure key

Priorities gain a position (the editor's order; existing ones keep their key order)
and priorities, objectives and actions a retired marker, so a retired item stays in
history and out of progress. Actions gain the plan's "Time Scales" in words, the
outcome/measure's baseline and target, and the key of the measure they are tracked by.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_priorities = sa.table("plan_priorities", sa.column("id", sa.Integer), sa.column("key", sa.String),
                       sa.column("position", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table('plan_priorities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('plan_priorities', schema=None) as batch_op:
        batch_op.alter_column('position', server_default=None)
    with op.batch_alter_table('plan_objectives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('plan_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_scales', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('baseline', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('measure_key', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('plan_actions', schema=None) as batch_op:
        for name in ('time_scales', 'baseline', 'target', 'measure_key'):
            batch_op.alter_column(name, server_default=None)
    # Existing priorities keep the order they had (by key): positions 1..n.
    bind = op.get_bind()
    keys = [row.id for row in bind.execute(sa.select(_priorities.c.id).order_by(_priorities.c.key))]
    for position, row_id in enumerate(keys, start=1):
        bind.execute(_priorities.update().where(_priorities.c.id == row_id).values(position=position))


def downgrade() -> None:
    with op.batch_alter_table('plan_actions', schema=None) as batch_op:
        for name in ('retired_at', 'measure_key', 'target', 'baseline', 'time_scales'):
            batch_op.drop_column(name)
    with op.batch_alter_table('plan_objectives', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
    with op.batch_alter_table('plan_priorities', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
        batch_op.drop_column('position')
