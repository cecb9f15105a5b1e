"""match change log: matchchange table and its triggers; profileskill dropped

The ranking now reads an in-memory index per process (core.matching.index) that
refreshes from ``matchchange``; the per-tag rows it used to join are gone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from core.storage.triggers import MATCH_SOURCES, install_match_log


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matchchange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('profileskill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profileskill_tag'))
    op.drop_table('profileskill')
    install_match_log(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    for table, events, _column in MATCH_SOURCES:
        if bind.dialect.name == "sqlite":
            for event in events.split(" OR "):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_match_{event.split()[0].lower()}")
        else:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_match ON "{table}"')
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS gigbroker_match_changed()")
    op.create_table('profileskill',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'tag')
    )
    with op.batch_alter_table('profileskill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profileskill_tag'), ['tag'], unique=False)
    op.drop_table('matchchange')
