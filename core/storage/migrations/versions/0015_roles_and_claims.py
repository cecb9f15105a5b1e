"""several processes: claimed events, per-sender inbox leases, form state versions

``claimedevent`` keeps the Discord interactions and messages one process has taken
(a unique key: a second process receiving the same event leaves it);
``inboundupdate`` gets the sender of each update and a lease, so one sender's
updates are handled in order by one process at a time; ``conversationstate``
gets a version for compare-and-swap saves.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-03 12:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('claimedevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'key'),
    )
    op.create_index('ix_claimedevent_at', 'claimedevent', ['claimed_at'], unique=False)
    with op.batch_alter_table('inboundupdate') as batch:
        batch.add_column(sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=64),
                                   nullable=True))
        batch.add_column(sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=64),
                                   nullable=True))
        batch.add_column(sa.Column('lease_until', sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
    op.create_index('ix_inbound_sender', 'inboundupdate', ['platform', 'sender', 'status'],
                    unique=False)
    with op.batch_alter_table('conversationstate') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('conversationstate') as batch:
        batch.drop_column('version')
    op.drop_index('ix_inbound_sender', table_name='inboundupdate')
    with op.batch_alter_table('inboundupdate') as batch:
        batch.drop_column('lease_until')
        batch.drop_column('lease_owner')
        batch.drop_column('sender')
    op.drop_index('ix_claimedevent_at', table_name='claimedevent')
    op.drop_table('claimedevent')
