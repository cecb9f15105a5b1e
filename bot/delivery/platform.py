"""The platform contract: what a chat platform adapter (adapters/<platform>/)
implements so the delivery layer (``bot.delivery``) can reach people, boards
and cards on it, and the typed outcomes the adapter raises when the platform
says no.

An adapter provides two things:

- a ``Platform``: outbound operations that need no incoming event (send into a
  chat, send to a user's private chat, edit, delete, upload a file) and the
  ``Capabilities`` that tell the neutral code what the platform can do;
- for each incoming event it answers, an ``Exchange``: the way to answer that
  event in place (Telegram: a message in the same chat, replying to the command;
  Discord: the interaction's response or followup, ephemeral when private) and
  to open a form there (Discord: a modal).

The delivery layer decides *where* each reply goes (``bot.delivery.routing``),
which messages show a card (``bot.delivery.cards``), dedup and per-card locking;
the adapter only renders and talks to its API. Outcomes map to the outbox in
one place (``bot.delivery.outcomes``):

- ``TryLater(seconds)``: rate limited / not connected -> ``core.api.RetryLater``;
- ``RecipientUnreachable``: blocked, DMs closed, chat unknown, no permission ->
  the notification is dropped with a log line (retrying cannot help);
- ``RecipientNotStarted``: the user never opened a private chat with the bot
  (Telegram) -> held and retried later (released early when they /start);
- ``MessageGone``: the message to edit or delete no longer exists -> its card
  reference is forgotten (a board card is posted again);
- ``RoleRefused``: a member's role cannot be changed until a moderator fixes the
  bot's permissions (``ManagesRoles``) -> the moderators are told, once.
Any other exception is a transient failure: the outbox retries with backoff."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from bot.conversation import Actor, Attachment, Place, Reply


# -- what the platform can do -----------------------------------------------------
@dataclass(frozen=True)
class Capabilities:
    modals: bool = False  # a form opens as one dialog; else step-by-step prompts in chat
    ephemeral: bool = False  # an interaction can be answered so only the actor sees it
    threads: bool = False  # a card posted on a board gets a discussion thread
    dm_needs_start: bool = False  # the bot cannot write first: the user must open the DM
    cards_in_direct_chats: bool = False  # cards shown in a private chat are edited too
    max_buttons_per_row: int = 5
    max_button_rows: int = 5
    max_message_length: int = 2000  # characters of one message (longer replies are split)
    max_upload_bytes: int = 8 * 1024 * 1024
    native_timestamps: bool = False  # shows <t:unix:f> in each reader's own time (Discord)


# -- addresses and handles ----------------------------------------------------------
@dataclass(frozen=True)
class Chat:
    """A conversation on the platform: a private chat, a group, a channel; with
    ``thread_id`` a topic / thread inside it."""

    id: str
    thread_id: str | None = None


@dataclass(frozen=True)
class Posted:
    """A message the bot sent: what editing or deleting it later needs."""

    chat_id: str
    message_id: str


@dataclass
class Progress:
    """How many parts (messages, files) of one reply have been sent already, so
    a retried delivery resumes instead of repeating what the user has. The
    platform skips the first ``done`` parts and calls ``part_sent`` after each."""

    done: int = 0

    def part_sent(self) -> None:
        self.done += 1


# -- typed outcomes ------------------------------------------------------------------
class PlatformOutcome(Exception):
    """Base of what a platform adapter raises when the platform refuses."""


class TryLater(PlatformOutcome):
    """Rate limited, or not connected yet: try again after ``seconds``."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"try again after {seconds}s")
        self.seconds = seconds


class RecipientUnreachable(PlatformOutcome):
    """The user or chat cannot be reached this way, for good (blocked the bot,
    closed DMs, deleted, chat unknown, no permission to post)."""


class RecipientNotStarted(PlatformOutcome):
    """The user has not opened a private chat with the bot yet (``dm_needs_start``)."""


class MessageGone(PlatformOutcome):
    """The message to edit or delete no longer exists (deleted, chat left)."""


class RoleRefused(PlatformOutcome):
    """The platform will not change a member's role until someone fixes it:
    ``problem`` is missing_permissions (the bot lacks Manage Roles, or its role is
    not above ``role_name``) or unknown_role (the role was deleted)."""

    def __init__(self, problem: str, *, role_name: str = "", bot_role_name: str = "") -> None:
        super().__init__(f"{problem}: {role_name or '?'}")
        self.problem = problem
        self.role_name = role_name
        self.bot_role_name = bot_role_name


@runtime_checkable
class ManagesRoles(Protocol):
    """A platform whose communities have roles the bot can give (Discord)."""

    async def set_member_role(self, community_id: str, user_id: str, role_id: str, *,
                              grant: bool) -> None:
        """Give (``grant``) or take back a role; ``RoleRefused``, ``RecipientUnreachable``
        (the member left), ``TryLater``; anything else is transient."""


# -- one incoming event being answered -----------------------------------------------
@dataclass
class Origin:
    """Where the event being answered came from, as routing needs it."""

    actor: Actor
    place: Place
    chat: Chat  # the chat the event came from
    direct: bool  # a private chat between the actor and the bot
    speaker_id: str | None  # the actor's platform user id; None when the chat speaks as itself
    gig_id: int | None = None  # what a link to the private chat should open
    mention_url: str | None = None  # a link that names the actor in a group (tg://user?id=)
    facts: dict = field(default_factory=dict)  # adapter-specific extras (not read by bot/)


@runtime_checkable
class Exchange(Protocol):
    """The platform's way to answer one incoming event in place."""

    origin: Origin
    ephemeral: bool  # this event can be answered privately in place (Discord interactions)

    async def answer(self, reply: Reply, *, private: bool) -> list[Posted]:
        """Answer in the chat the event came from (``private`` only when ``ephemeral``)."""

    async def open_form(self, reply: Reply) -> None:
        """Open ``reply.form`` for the actor (a modal, or a button that opens one)."""

    async def finish(self) -> None:
        """Everything is answered; the platform may need a final acknowledgement."""


# -- the platform ------------------------------------------------------------------
@runtime_checkable
class Platform(Protocol):
    name: str  # "telegram", "discord", "console": the Identity / MessageRef platform
    capabilities: Capabilities

    async def send(self, chat: Chat, reply: Reply, *,
                   progress: Progress | None = None) -> list[Posted]:
        """Post ``reply`` into ``chat`` (a card is always one message); returns what was sent."""

    async def send_direct(self, user_id: str, reply: Reply, *,
                          progress: Progress | None = None) -> list[Posted]:
        """Send ``reply`` to the private chat of platform user ``user_id``."""

    async def edit(self, message: Posted, reply: Reply) -> None:
        """Show ``reply`` in ``message`` (unchanged content is fine); ``MessageGone``."""

    async def delete(self, message: Posted) -> None:
        """Delete a message the bot sent (``MessageGone`` if it is not there)."""

    async def upload(self, chat: Chat, attachment: Attachment) -> Posted:
        """Send one file into ``chat``."""

    def start_link(self, gig_id: int | None = None) -> str | None:
        """A link that opens the private chat with the bot (``dm_needs_start``), else None."""

    async def card_posted(self, card_key: str, message: Posted, reply: Reply) -> None:
        """A card was newly posted on a board (``threads``: open its thread)."""

    async def card_closed(self, card_key: str) -> None:
        """The card's subject is over (``threads``: archive and lock its thread)."""
