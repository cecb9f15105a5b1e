"""gigextra.funding_ref: the charge that paid for added slots or a tip, so that
transfers and refunds are drawn from a charge that still has room

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 07:50:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gigextra', schema=None) as batch_op:
        batch_op.add_column(sa.Column('funding_ref', sqlmodel.sql.sqltypes.AutoString(length=128),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('gigextra', schema=None) as batch_op:
        batch_op.drop_column('funding_ref')
