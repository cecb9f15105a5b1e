"""What the delivery layer records and looks up to reach people and show cards:
card references (``MessageRef``: which platform messages show a card; several
per card, in several chats, several in one chat), a user's platform identities,
and a community's board chat.

A ``MessageRef`` is unique per message (platform, chat, message id): showing a
card again in the same chat adds a reference instead of replacing the first,
so every message that shows the card keeps being edited."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, select

from core.domain.records import Community, Gig, Identity, MessageRef, Profile, User
from core.lifecycle import people
from core.lifecycle.tx import Tx


@dataclass(frozen=True)
class Recipient:
    """Who a notification goes to: their language and their identity on each platform."""

    user_id: int
    locale: str
    identities: dict[str, list[str]] = field(default_factory=dict)  # platform -> user ids
    timezone: str = "UTC"  # their profile's: reminders and deadlines are shown in it


@dataclass(frozen=True)
class CardSubject:
    """A gig as its card's delivery needs it: whether it is listed and where its board is."""

    gig: Gig
    board_platform: str | None
    board_chat_id: str | None
    language: str = "en"  # the community's (/board language=), English without one


def remember_card(tx: Tx, platform: str, card_key: str, chat_id: str, message_id: str) -> None:
    ref = tx.s.scalar(select(MessageRef).where(
        MessageRef.platform == platform, MessageRef.chat_id == chat_id,
        MessageRef.message_id == message_id))
    if ref is None:
        tx.s.add(MessageRef(platform=platform, card_key=card_key, chat_id=chat_id,
                            message_id=message_id, updated_at=tx.now))
    else:
        ref.card_key, ref.updated_at = card_key, tx.now


def forget_card(tx: Tx, platform: str, card_key: str, chat_id: str,
                message_id: str | None = None) -> int:
    """Forget one message of a card (or, with no ``message_id``, all of it in the chat)."""
    stmt = delete(MessageRef).where(MessageRef.platform == platform,
                                    MessageRef.card_key == card_key, MessageRef.chat_id == chat_id)
    if message_id is not None:
        stmt = stmt.where(MessageRef.message_id == message_id)
    return int(tx.s.execute(stmt).rowcount or 0)


def card_refs(tx: Tx, platform: str, card_key: str) -> list[MessageRef]:
    return list(tx.s.scalars(select(MessageRef).where(
        MessageRef.platform == platform, MessageRef.card_key == card_key)
        .order_by(MessageRef.id)))


def card_in_chat(tx: Tx, platform: str, chat_id: str, key_suffix: str = "") -> str | None:
    """The key of a card shown in ``chat_id`` (ending with ``key_suffix``), if any."""
    stmt = select(MessageRef.card_key).where(MessageRef.platform == platform,
                                             MessageRef.chat_id == chat_id)
    if key_suffix:
        stmt = stmt.where(MessageRef.card_key.like("%" + key_suffix))
    return tx.s.scalar(stmt.order_by(MessageRef.id).limit(1))


# read for every notification: built once, two queries
_RECIPIENT = (select(User.id, User.locale, Profile.timezone)
              .outerjoin(Profile, Profile.user_id == User.id)
              .where(User.id == bindparam("user_id")))
_IDENTITIES = (select(Identity.platform, Identity.platform_user_id)
               .where(Identity.user_id == bindparam("user_id")).order_by(Identity.id))


def recipient(tx: Tx, user_id: int) -> Recipient | None:
    row = tx.s.execute(_RECIPIENT, {"user_id": user_id}).first()
    if row is None:
        return None
    ids: dict[str, list[str]] = {}
    for platform, platform_user_id in tx.s.execute(_IDENTITIES, {"user_id": user_id}):
        ids.setdefault(platform, []).append(platform_user_id)
    return Recipient(row.id, row.locale, ids, row.timezone or "UTC")


def timezone_of(tx: Tx, user_id: int) -> str:
    return tx.s.scalar(select(Profile.timezone).where(Profile.user_id == user_id)) or "UTC"


def community_language(tx: Tx, community_id: int) -> str:
    return tx.s.scalar(select(Community.language).where(Community.id == community_id)) or "en"


def platform_identity(tx: Tx, user_id: int, platform: str) -> str | None:
    return tx.s.scalar(select(Identity.platform_user_id).where(
        Identity.user_id == user_id, Identity.platform == platform)
        .order_by(Identity.id).limit(1))


def board_chat(tx: Tx, community_id: int, platform: str) -> str | None:
    """The board chat of a community on ``platform`` (None: none there, or not set up)."""
    community = tx.s.get(Community, community_id)
    if community is None or community.platform != platform:
        return None
    return community.board_channel_id or None


def card_subject(tx: Tx, gig_id: int) -> CardSubject | None:
    gig = tx.s.get(Gig, gig_id)
    if gig is None:
        return None
    community = tx.s.get(Community, gig.community_id) if gig.community_id else None
    return CardSubject(gig, community.platform if community else None,
                       (community.board_channel_id or None) if community else None,
                       (community.language or "en") if community else "en")


def ensure_board(tx: Tx, platform: str, platform_id: str, name: str,
                 board_chat_id: str) -> Community:
    """A community whose board is ``board_chat_id`` unless it already has one."""
    community = people.ensure_community(tx, platform, platform_id, name)
    community.board_channel_id = community.board_channel_id or board_chat_id
    return community
