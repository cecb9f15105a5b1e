"""send budgets shared by every process, and users' direct-message channels

``sendbudget``: one GCRA bucket per platform rate limit (Telegram's global, per-chat
and per-group limits, Discord's global limit), so several processes on one
PostgreSQL share one budget. ``directchannel``: a Discord user's DM channel id, so a
DM to someone already contacted is one request.

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-03 12:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0016'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sendbudget',
                    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
                    sa.Column('tat', sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint('key'))
    op.create_table('directchannel',
                    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16),
                              nullable=False),
                    sa.Column('platform_user_id', sqlmodel.sql.sqltypes.AutoString(length=64),
                              nullable=False),
                    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=64),
                              nullable=False),
                    sa.PrimaryKeyConstraint('platform', 'platform_user_id'))


def downgrade() -> None:
    op.drop_table('directchannel')
    op.drop_table('sendbudget')
