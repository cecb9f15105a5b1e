"""identity.account_created_at: when the platform says the account was made

Discord derives it from the account's snowflake id; Telegram reports nothing (first
seen counts there). Posting limits for new accounts use the older of the two.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('identity', sa.Column('account_created_at',
                                        sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column('identity', 'account_created_at')
