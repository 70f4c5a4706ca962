"""partners' updates between meetings: accepted action updates, agency and subgroup reports

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _tracked() -> list[sa.Column]:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('accepted_updates',
    *_tracked(),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('minuted_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['update_id'], ['action_updates.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['minuted_id'], ['action_updates.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('accepted_updates', schema=None) as batch_op:
        batch_op.create_index('ix_accepted_updates_update', ['update_id'], unique=True)
        batch_op.create_index('ix_accepted_updates_meeting', ['meeting_id'], unique=False)

    op.create_table('partner_reports',
    *_tracked(),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.Column('priorities', sa.Text(), nullable=False),
    sa.Column('risks', sa.Text(), nullable=False),
    sa.Column('next_quarter', sa.Text(), nullable=False),
    sa.Column('gaps', sa.Text(), nullable=False),
    sa.Column('accepted_item_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('agency', 'subgroup')", name='ck_partner_reports_kind'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['accepted_item_id'], ['meeting_items.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partner_reports', schema=None) as batch_op:
        batch_op.create_index('ix_partner_reports_meeting', ['meeting_id', 'kind', 'source'],
                              unique=True)


def downgrade() -> None:
    with op.batch_alter_table('partner_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_reports_meeting')
    op.drop_table('partner_reports')
    with op.batch_alter_table('accepted_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_accepted_updates_meeting')
        batch_op.drop_index('ix_accepted_updates_update')
    op.drop_table('accepted_updates')
