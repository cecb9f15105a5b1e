"""push budget: how many "new gig for you" pushes each freelancer got this hour

Past the hourly cap, matches are held and one digest goes out at the end of the
hour instead of a push per gig (mass posting must not flood anyone).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:35:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pushbudget',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('window_start', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('pushbudget')
