"""Platform-neutral conversation types. Adapters turn platform events into
``Actor``/``Place`` + an event, and render the ``Reply`` objects that come back.

A reply carries what Telegram, Discord and the console can all express: rich
text as spans (each adapter escapes user text for its own markup), rows of
action buttons (short opaque payloads) and URL buttons, where it should go
(this conversation, a user's DM, a community board), whether it is private
(Discord ephemeral), a card key for edit-in-place, attachments, and an optional
form to open (a Discord modal / Telegram step-by-step prompts)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable


class PlaceKind(StrEnum):
    dm = "dm"  # a private chat with the bot
    group = "group"  # a group chat / server channel that is not a board
    board = "board"  # a community's gig board channel


@dataclass(frozen=True)
class Actor:
    """Who acts: a core user resolved from a platform identity."""

    user_id: int
    platform: str
    platform_user_id: str
    display_name: str
    locale: str = "en"
    is_platform_admin: bool = False  # chat admin / Manage Server, as the platform reports it
    timezone: str = "UTC"  # their profile's: times in replies are shown in it


@dataclass(frozen=True)
class Place:
    """Where the event happened."""

    platform: str
    kind: PlaceKind
    chat_id: str
    community_id: int | None = None
    community_name: str | None = None
    thread_id: str | None = None


@dataclass(frozen=True)
class Span:
    """A run of text. ``style``: plain | bold | italic | code | pre | link (``url``)."""

    text: str
    style: str = "plain"
    url: str | None = None


class Rich:
    """A small builder of spans; user-supplied text stays a plain span so every
    adapter escapes it and no markup or mention in it takes effect."""

    def __init__(self) -> None:
        self.spans: list[Span] = []

    def add(self, text: str, style: str = "plain", url: str | None = None) -> "Rich":
        if text:
            self.spans.append(Span(str(text), style, url))
        return self

    def bold(self, text: str) -> "Rich":
        return self.add(text, "bold")

    def italic(self, text: str) -> "Rich":
        return self.add(text, "italic")

    def code(self, text: str) -> "Rich":
        return self.add(text, "code")

    def line(self, text: str = "", style: str = "plain") -> "Rich":
        if self.spans:
            self.add("\n")
        return self.add(text, style)

    def link(self, text: str, url: str) -> "Rich":
        return self.add(text, "link", url)

    def plain_text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Button:
    """An action button (``payload``, <= 64 bytes) or a URL button (``url``)."""

    label: str
    payload: str | None = None
    style: str = "secondary"  # primary | secondary | danger | success
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.payload is None) == (self.url is None):
            raise ValueError("a button has either a payload or a url")


class TargetKind(StrEnum):
    same = "same"  # answer in the conversation the event came from
    user = "user"  # a user's direct messages
    board = "board"  # a community's board channel


@dataclass(frozen=True)
class Target:
    kind: TargetKind = TargetKind.same
    user_id: int | None = None
    community_id: int | None = None


SAME = Target()


def to_user(user_id: int) -> Target:
    return Target(TargetKind.user, user_id=user_id)


def to_board(community_id: int) -> Target:
    return Target(TargetKind.board, community_id=community_id)


@dataclass(frozen=True)
class Attachment:
    """A file relayed from a delivery: a platform file reference, usable as such on
    the same platform, otherwise shown as a link/name. A file the bot made itself
    (a receipt PDF) carries its bytes in ``data``; adapters upload those."""

    platform: str
    file_ref: str
    name: str = "file"
    kind: str = "document"  # document | photo
    url: str | None = None
    data: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # short (Discord: 45 chars)
    prompt: str  # what to ask in step-by-step mode
    kind: str = "text"  # text | long | choice
    required: bool = True
    max_len: int = 200
    placeholder: str = ""
    choices: tuple[str, ...] = ()
    # A file sent at this step (step-by-step mode) is the answer: its bytes, which
    # the platform fetched, become the answer's text through this reader (which
    # raises ValidationError for a file it cannot read). None: files are kept as
    # attachments of the form, as a delivery's are.
    read_file: Callable[[bytes], str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FormSpec:
    name: str
    title: str
    fields: tuple[FieldSpec, ...]

    def pages(self, per_page: int = 5) -> list[tuple[FieldSpec, ...]]:
        return [self.fields[i:i + per_page] for i in range(0, len(self.fields), per_page)]


@dataclass(frozen=True)
class FormRequest:
    """Ask the platform to open a form (modal or prompts). ``context`` travels with it."""

    form: FormSpec
    context: dict = field(default_factory=dict)
    page: int = 0
    values: dict = field(default_factory=dict)


@dataclass
class Reply:
    text: Rich
    buttons: list[list[Button]] = field(default_factory=list)
    target: Target = SAME
    private: bool = False
    card_key: str | None = None  # edit the existing message for this card if there is one
    attachments: list[Attachment] = field(default_factory=list)
    form: FormRequest | None = None
    alert: bool = False  # a short refusal to a button press (Telegram alert / ephemeral)

    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]
