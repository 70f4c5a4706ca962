"""What remote followers of a meeting send the chair (updates, corrections, presence)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('sender_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('update', 'correction', 'present')", name='ck_follow_messages_kind'),
    sa.CheckConstraint("status IN ('waiting', 'accepted', 'declined')",
                       name='ck_follow_messages_status'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['meeting_items.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['note_id'], ['item_notes.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('follow_messages', schema=None) as batch_op:
        batch_op.create_index('ix_follow_messages_meeting', ['meeting_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('follow_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_messages_meeting')
    op.drop_table('follow_messages')
