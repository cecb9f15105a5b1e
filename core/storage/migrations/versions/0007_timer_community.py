"""timer.community_id: timers that belong to a community, not a gig or claim

The weekly summary a board can turn on (/stats weekly=on) is a timer of its
community, fired by the clock worker like every other timer.

Plain ADD/DROP COLUMN (SQLite >= 3.35 drops natively): no table is rebuilt.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('timer', sa.Column('community_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('timer', 'community_id')
