"""dispute statements and answer deadline, a board's dispute rule, automatic receipts

- dispute_statement: each party's one statement with its evidence files;
- dispute.answer_by: until when the parties may add their statement (stated when the
  dispute opens, before the decision deadline);
- community.dispute_answer_hours / community.dispute_fallback_bps: a board's own time
  to answer and the split applied when nobody decides (basis points to the freelancer);
- profile.auto_receipts: send a PDF receipt in chat for every payment, payout and refund.

Revision ID: 0013
Revises: 0015
Create Date: 2026-12-03 12:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'disputestatement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('files_json', sa.Text(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['dispute_id'], ['dispute.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dispute_id', 'author_id'),
    )
    op.add_column('dispute', sa.Column('answer_by', sqlmodel.sql.sqltypes.UTCDateTime(),
                                       nullable=True))
    op.add_column('community', sa.Column('dispute_answer_hours', sa.Integer(), nullable=True))
    op.add_column('community', sa.Column('dispute_fallback_bps', sa.Integer(), nullable=True))
    op.add_column('profile', sa.Column('auto_receipts', sa.Boolean(), nullable=False,
                                       server_default=sa.true()))


def downgrade() -> None:
    op.drop_column('profile', 'auto_receipts')
    op.drop_column('community', 'dispute_fallback_bps')
    op.drop_column('community', 'dispute_answer_hours')
    op.drop_column('dispute', 'answer_by')
    op.drop_table('disputestatement')
