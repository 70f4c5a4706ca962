"""ASB case reviews (the Community Trigger) and the actions of their recommendations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
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
    op.create_table('case_reviews',
    *_tracked(),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('applicant_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('applicant_relation', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('threshold', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('lead_agency', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('told_decision_on', sa.Date(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('told_outcome_on', sa.Date(), nullable=True),
    sa.Column('escalation_requested_on', sa.Date(), nullable=True),
    sa.Column('escalation_outcome', sa.Text(), nullable=False),
    sa.Column('escalation_decided_on', sa.Date(), nullable=True),
    sa.CheckConstraint("threshold IN ('', 'met', 'not met')", name='ck_case_reviews_threshold'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_case_reviews_received', ['received_on'], unique=False)
        batch_op.create_index('ix_case_reviews_person', ['person_id'], unique=False)

    op.create_table('case_review_actions',
    *_tracked(),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['case_reviews.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id', 'action_id', name='uq_case_review_actions')
    )
    with op.batch_alter_table('case_review_actions', schema=None) as batch_op:
        batch_op.create_index('ix_case_review_actions_action', ['action_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_review_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_case_review_actions_action')
    op.drop_table('case_review_actions')
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_case_reviews_person')
        batch_op.drop_index('ix_case_reviews_received')
    op.drop_table('case_reviews')
