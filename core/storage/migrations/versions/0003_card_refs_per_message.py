"""card references per message: messageref unique on (platform, chat_id, message_id)

Several messages in one chat may show the same card (a board card and a
``/gig N`` answered in that board); each is a reference that is edited on every
change. The table is rebuilt (SQLite cannot drop the unnamed constraint), rows
copied over.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

COLUMNS = "platform, card_key, chat_id, message_id, updated_at"


def _table(name: str, *unique: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('card_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint(*unique),
    )


def _rebuild(*unique: str, keep: str) -> None:
    _table('messageref_rebuilt', *unique)
    op.execute(f"INSERT INTO messageref_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM messageref "
               f"WHERE id IN (SELECT MIN(id) FROM messageref GROUP BY {keep}) ORDER BY id")
    op.drop_index('ix_messageref_card_key', table_name='messageref')
    op.drop_table('messageref')
    op.rename_table('messageref_rebuilt', 'messageref')
    op.create_index('ix_messageref_card_key', 'messageref', ['card_key'], unique=False)


def upgrade() -> None:
    _rebuild('platform', 'chat_id', 'message_id', keep="platform, chat_id, message_id")


def downgrade() -> None:
    _rebuild('platform', 'card_key', 'chat_id', keep="platform, card_key, chat_id")
