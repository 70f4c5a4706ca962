"""referrals out and their history

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_STATUSES = "status IN ('made', 'accepted', 'declined', 'closed')"


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
    op.create_table('referrals',
    *_tracked(),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('made_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('made_by_agency', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(_STATUSES, name='ck_referrals_status'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['meeting_items.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_case', ['case_id', 'referred_on'], unique=False)
        batch_op.create_index('ix_referrals_status_follow_up', ['status', 'follow_up_on'],
                              unique=False)
        batch_op.create_index('ix_referrals_meeting', ['meeting_id'], unique=False)
        batch_op.create_index('ix_referrals_service_on', ['service', 'referred_on'], unique=False)

    op.create_table('referral_steps',
    *_tracked(),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('step_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint(_STATUSES, name='ck_referral_steps_status'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral_steps', schema=None) as batch_op:
        batch_op.create_index('ix_referral_steps_referral', ['referral_id', 'step_on'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_steps_referral')
    op.drop_table('referral_steps')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_service_on')
        batch_op.drop_index('ix_referrals_meeting')
        batch_op.drop_index('ix_referrals_status_follow_up')
        batch_op.drop_index('ix_referrals_case')
    op.drop_table('referrals')
