"""community.language: the language of a community's board cards and posts

Set with /board language=es; English until then (issue 13).

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-03 12:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('community') as batch:
        batch.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8),
                                   nullable=False, server_default='en'))


def downgrade() -> None:
    with op.batch_alter_table('community') as batch:
        batch.drop_column('language')
