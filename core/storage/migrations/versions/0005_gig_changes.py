"""gig changes: gigextra (slots added and tips, paid like funding) and
gigrecurrence (a gig posted again every N days)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:05:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gigextra',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gig_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('reward_minor', sa.Integer(), nullable=False),
    sa.Column('fee_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('provider_ref', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['gig_id'], ['gig.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider_ref')
    )
    with op.batch_alter_table('gigextra', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gigextra_gig_id'), ['gig_id'], unique=False)

    op.create_table('gigrecurrence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gig_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('every_days', sa.Integer(), nullable=False),
    sa.Column('next_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('last_gig_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('stopped_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['gig_id'], ['gig.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('gig_id')
    )
    with op.batch_alter_table('gigrecurrence', schema=None) as batch_op:
        batch_op.create_index('ix_gigrecurrence_due', ['active', 'next_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('gigrecurrence', schema=None) as batch_op:
        batch_op.drop_index('ix_gigrecurrence_due')
    op.drop_table('gigrecurrence')
    with op.batch_alter_table('gigextra', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gigextra_gig_id'))
    op.drop_table('gigextra')
