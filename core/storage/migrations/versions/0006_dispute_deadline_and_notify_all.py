"""dispute deadline and fallback rule, per-community dispute deadline, notify=all

- dispute.decide_by / dispute.fallback_share_minor: when an unresolved dispute is
  settled by the clock and the freelancer's share it then gets (stated when the
  dispute opens);
- community.dispute_decide_hours: a board's own deadline for that;
- profile.notify_all_gigs: the freelancer asked for every new gig, skills or not.

Plain ADD/DROP COLUMN (SQLite >= 3.35 drops natively): no table is rebuilt, so the
match-log triggers on profile stay in place.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('dispute', sa.Column('decide_by', sqlmodel.sql.sqltypes.UTCDateTime(),
                                       nullable=True))
    op.add_column('dispute', sa.Column('fallback_share_minor', sa.Integer(), nullable=True))
    op.add_column('community', sa.Column('dispute_decide_hours', sa.Integer(), nullable=True))
    op.add_column('profile', sa.Column('notify_all_gigs', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('profile', 'notify_all_gigs')
    op.drop_column('community', 'dispute_decide_hours')
    op.drop_column('dispute', 'fallback_share_minor')
    op.drop_column('dispute', 'decide_by')
