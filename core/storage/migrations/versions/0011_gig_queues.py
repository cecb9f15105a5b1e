"""gig queues: gig.repeat (one freelancer may take several slots), gig.item_count and
the gigitem table (a queue's items), and the per-freelancer claim index narrowed
to the claim being worked on (a freelancer of a repeat gig delivers one item and
takes the next while the first waits for review)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 12:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_LIVE = "status IN ('active', 'delivered', 'revision_requested', 'rejected', 'disputed')"
_ACTIVE = "status IN ('active')"


def upgrade() -> None:
    with op.batch_alter_table('gig', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('item_count', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.create_table('gigitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gig_id', sa.Integer(), nullable=False),
    sa.Column('item_no', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['gig_id'], ['gig.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('gig_id', 'item_no')
    )
    with op.batch_alter_table('gigitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gigitem_gig_id'), ['gig_id'], unique=False)
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('uq_claim_live_per_freelancer', sqlite_where=sa.text(_LIVE),
                            postgresql_where=sa.text(_LIVE))
        batch_op.create_index('uq_claim_active_per_freelancer', ['gig_id', 'freelancer_id'],
                              unique=True, sqlite_where=sa.text(_ACTIVE),
                              postgresql_where=sa.text(_ACTIVE))


def downgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('uq_claim_active_per_freelancer', sqlite_where=sa.text(_ACTIVE),
                            postgresql_where=sa.text(_ACTIVE))
        batch_op.create_index('uq_claim_live_per_freelancer', ['gig_id', 'freelancer_id'],
                              unique=True, sqlite_where=sa.text(_LIVE),
                              postgresql_where=sa.text(_LIVE))
    with op.batch_alter_table('gigitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gigitem_gig_id'))
    op.drop_table('gigitem')
    with op.batch_alter_table('gig', schema=None) as batch_op:
        batch_op.drop_column('item_count')
        batch_op.drop_column('repeat')
