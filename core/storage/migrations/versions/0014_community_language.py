"""community.language, user.locale_chosen

community.language: the language of a community's board cards and posts, set with
/board language=es; English until then. user.locale_chosen: the user picked a
language with /settings locale=; until then their locale follows the language their
platform reports (issue 13).

Revision ID: 0014
Revises: 0016
Create Date: 2026-12-03 12:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN: a batch copy of the table would drop its triggers (matchchange)
    op.add_column('community', sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8),
                                         nullable=False, server_default='en'))
    op.add_column('user', sa.Column('locale_chosen', sa.Boolean(), nullable=False,
                                    server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('locale_chosen')
    with op.batch_alter_table('community') as batch:
        batch.drop_column('language')
