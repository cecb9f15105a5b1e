"""badges: communitybadge (a community's badge for a skill, with its Discord
role), memberbadge (who holds it), gig.qualifies_skill and gig.requires_badge

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('communitybadge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('skill', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('role_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('role_problem', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('role_problem_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('community_id', 'skill')
    )
    op.create_table('memberbadge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('gig_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('role_synced', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['badge_id'], ['communitybadge.id'], ),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['gig_id'], ['gig.id'], ),
    sa.ForeignKeyConstraint(['revoked_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('badge_id', 'user_id')
    )
    with op.batch_alter_table('memberbadge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberbadge_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('gig', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qualifies_skill',
                                      sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('requires_badge',
                                      sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('gig', schema=None) as batch_op:
        batch_op.drop_column('requires_badge')
        batch_op.drop_column('qualifies_skill')
    with op.batch_alter_table('memberbadge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberbadge_user_id'))
    op.drop_table('memberbadge')
    op.drop_table('communitybadge')
