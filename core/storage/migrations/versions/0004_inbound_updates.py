"""inbound updates: every platform update is stored before it is confirmed

Telegram updates (polling and webhook) are written here, keyed on the platform's
own id, before the offset is confirmed or the webhook answered; a repeat is
ignored, and whatever a killed process had not finished is processed on restart.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inboundupdate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'key'),
    )
    op.create_index('ix_inbound_unfinished', 'inboundupdate', ['platform', 'status', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbound_unfinished', table_name='inboundupdate')
    op.drop_table('inboundupdate')
