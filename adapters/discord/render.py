"""Neutral replies as Discord messages.

Rich spans become markdown in which every piece of text is escaped
(``escape_markdown`` + ``escape_mentions``), so user text can neither format nor
ping; on top of that every send carries ``AllowedMentions.none()``. Gig cards
(replies with a ``card_key``) and long texts become embeds. Buttons become
components: action buttons are ``ActionButton`` dynamic items whose custom_id
carries the neutral payload, URL buttons are link buttons. Discord's limits
(2,000-char content, 4,096-char embed description, 256-char title, 5 rows of 5
buttons, 80-char labels) are respected: text that does not fit is cut at a span
boundary and the whole text travels as a file."""
from __future__ import annotations

import io
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import quote

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.conversation import Button, Reply, Span
from bot.delivery.text import linkable, plain as plain_text

from adapters.discord.command_names import (
    GROUP_HELP, SUBCOMMANDS, discord_name, subcommand_path,
)
from adapters.discord.components import ActionButton

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256
LABEL_LIMIT = 80
MAX_ROWS = 5
PER_ROW = 5
NO_PINGS = discord.AllowedMentions.none()
OPEN_COLOUR = discord.Colour.green()
CLOSED_COLOUR = discord.Colour.light_grey()
STYLES = {
    "primary": discord.ButtonStyle.primary, "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success, "danger": discord.ButtonStyle.danger,
}
_URL_SAFE = ":/?#[]@!$&'*+,;=%~-._"


# a command, and the word after it (to tell "/gig 42" from an already Discord-style "/gig deliver")
_COMMAND_RE = re.compile(r"(?<![\w/])/([a-z]+)\b(?:(\s+)([a-z]+)\b)?")
# The bot's slash command ids by top-level name (gig, me, mod), for the ``render`` under
# way: set by the adapter that knows them (``GigClient.command_ids``); empty: plain names.
_COMMAND_IDS: ContextVar[Mapping[str, int]] = ContextVar("discord_command_ids", default={})


def discord_commands(text: str, *, mentions: bool = True) -> str:
    """Bot texts name commands as ``/deliver``; on Discord they live under ``/gig``,
    ``/me`` or ``/mod`` (adapters/discord/command_names.py). Texts already written the
    Discord way (``/gig deliver``, ``/gig show 3``) keep their command. With the
    commands' ids known (and ``mentions``), each becomes a mention (``</gig
    deliver:ID>``): Discord shows it in the reader's language, and a click starts it."""
    from bot.commands import load_all
    load_all()
    ids = _COMMAND_IDS.get() if mentions else {}

    def named(path: str) -> str:  # "/gig deliver"
        group, _, sub = path[1:].partition(" ")
        command_id = ids.get(group)
        return f"</{group} {sub}:{command_id}>" if command_id and sub else path

    def swap(m: re.Match) -> str:
        name, space, after = m.group(1), m.group(2) or "", m.group(3) or ""
        if name in GROUP_HELP and after and (discord_name(after) or after in SUBCOMMANDS):
            # already "/gig deliver", "/me wallet", "/gig show"
            real = discord_name(after) or "/{} {}".format(*subcommand_path(after))
            return named(real) if real == f"/{name} {after}" else m.group(0)
        path = discord_name(name)
        return named(path) + space + after if path else m.group(0)
    return _COMMAND_RE.sub(swap, text)


def escape(text: str, *, mentions: bool = True) -> str:
    """User or bot text made inert: no markdown, no mentions of people or roles (of
    commands, with ``mentions``: see ``discord_commands``)."""
    return escape_mentions(escape_markdown(discord_commands(str(text), mentions=mentions)))


def clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:max(limit - 1, 0)].rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with the characters that could break markdown encoded, else None."""
    url = linkable(url)
    return quote(url, safe=_URL_SAFE) if url else None


def _wrap(text: str, marker: str) -> str:
    """``**bold**`` around the text but outside its surrounding whitespace (markdown
    does not render ``** x**``)."""
    core = text.strip()
    if not core:
        return text
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{marker}{escape(core)}{marker}{trail}"


def span_markdown(span: Span) -> str:
    if span.style == "bold":
        return _wrap(span.text, "**")
    if span.style == "italic":
        return _wrap(span.text, "*")
    if span.style == "code":
        return f"`{escape_mentions(span.text.replace('`', 'ˋ'))}`" if span.text.strip() else ""
    if span.style == "pre":
        return f"```\n{escape_mentions(span.text.replace('```', 'ˋˋˋ'))}\n```"
    if span.style == "link":
        url = safe_url(span.url)
        if url is None:
            return escape(span.text)
        if span.text.strip() == (span.url or "").strip():
            return f"<{url}>"
        return f"[{escape(span.text).replace(']', '')}]({url})"
    return escape(span.text)


def markdown(spans: list[Span], limit: int) -> tuple[str, bool]:
    """Markdown of ``spans`` within ``limit`` characters; True when it had to cut.
    What is cut is the longest text (a gig's description, a delivery), not the end,
    so status lines, totals and the context of the buttons stay."""
    spans = list(spans)
    pieces = [span_markdown(s) for s in spans]
    cut = False
    while sum(map(len, pieces)) > limit:
        cuttable = [i for i, s in enumerate(spans) if s.style in ("plain", "bold", "italic")
                    and len(s.text.strip()) > 1]
        if not cuttable:
            return "".join(pieces)[:max(limit - 1, 0)] + "…", True
        i = max(cuttable, key=lambda k: len(pieces[k]))
        excess = sum(map(len, pieces)) - limit
        text = spans[i].text
        keep = max(len(text) - excess - 1, 0)
        while True:
            shorter = Span(text[:keep].rstrip() + "…", spans[i].style) if keep else \
                Span("…", "plain")
            piece = span_markdown(shorter)
            if len(piece) <= len(pieces[i]) - excess or keep == 0:
                break
            keep = max(keep - max((len(piece) - len(pieces[i]) + excess), 1), 0)
        spans[i], pieces[i] = shorter, piece
        cut = True
    return "".join(pieces), cut


def split_first_line(spans: list[Span]) -> tuple[list[Span], list[Span]]:
    """(spans of the first line, spans after its newline)."""
    for i, span in enumerate(spans):
        if "\n" in span.text:
            head, _, tail = span.text.partition("\n")
            first = spans[:i] + ([Span(head, span.style, span.url)] if head else [])
            rest = ([Span(tail, span.style, span.url)] if tail else []) + spans[i + 1:]
            return first, rest
    return list(spans), []


def _title(spans: list[Span]) -> str | None:
    """An embed title (markdown is rendered there too, links are not): escaped text
    of the spans, cut to fit."""
    text = plain(spans).strip()
    if not text:
        return None
    escaped = escape(text, mentions=False)  # titles show a mention as its raw text
    while len(escaped) > TITLE_LIMIT and text:
        text = text[:-max(len(text) // 10, 1)]
        escaped = escape(text.rstrip() + "…", mentions=False)
    return escaped


plain = plain_text  # spans as plain text (bot.delivery.text)


def build_view(rows: list[list[Button]]) -> discord.ui.View | None:
    """Rows of neutral buttons as a view (at most 5 rows of 5; longer rows wrap).
    The view is stopped before sending so discord.py does not keep it in memory:
    presses are dispatched by the ``ActionButton`` dynamic item, also after a restart."""
    flat_rows: list[list[Button]] = []
    for row in rows:
        for i in range(0, len(row), PER_ROW):
            flat_rows.append(row[i:i + PER_ROW])
    view = discord.ui.View(timeout=None)
    for r, row in enumerate(flat_rows[:MAX_ROWS]):
        for b in row:
            label = clip(b.label, LABEL_LIMIT) or "…"
            if b.url:
                url = safe_url(b.url)
                if url is not None:
                    view.add_item(discord.ui.Button(label=label, url=url, row=r))
            elif b.payload:
                view.add_item(ActionButton(b.payload, label=label, row=r, style=STYLES.get(
                    b.style, discord.ButtonStyle.secondary)))
    view.stop()
    return view if view.children else None


@dataclass
class Rendered:
    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    full_text: str | None = None  # set when the text was cut: send it as a file
    files: list[discord.File] = field(default_factory=list)

    def kwargs(self, *, edit: bool = False) -> dict[str, Any]:
        """Keyword arguments for send / followup.send / edit (``edit`` clears what
        the new version does not have)."""
        kw: dict[str, Any] = {"allowed_mentions": NO_PINGS}
        if edit:
            kw["content"] = self.content
            kw["embed"] = self.embed
            kw["view"] = self.view
            return kw
        if self.content:
            kw["content"] = self.content
        if self.embed is not None:
            kw["embed"] = self.embed
        if self.view is not None:
            kw["view"] = self.view
        files = list(self.files)
        if self.full_text:
            files.append(discord.File(io.BytesIO(self.full_text.encode()), filename="full-text.txt"))
        if files:
            kw["files"] = files[:10]
        return kw


def render(reply: Reply, *, extra_lines: list[str] | None = None,
           command_ids: Mapping[str, int] | None = None) -> Rendered:
    """A reply as a message: an embed for a card (title = its first line) or a text
    longer than a message; otherwise plain content. ``extra_lines`` are bot-made
    markdown lines appended (e.g. links to files that could not be attached).
    ``command_ids``: the bot's command ids, to mention the commands the text names."""
    token = _COMMAND_IDS.set(command_ids or {})
    try:
        return _render(reply, extra_lines)
    finally:
        _COMMAND_IDS.reset(token)


def _render(reply: Reply, extra_lines: list[str] | None) -> Rendered:
    spans = list(reply.text.spans)
    tail = ("\n" + "\n".join(extra_lines)) if extra_lines else ""
    view = build_view(reply.buttons)
    if reply.card_key is None:
        text, cut = markdown(spans, CONTENT_LIMIT - len(tail))
        if not cut:
            return Rendered(content=(text + tail) or "\u200b", view=view)
    first, rest = split_first_line(spans) if reply.card_key else ([], spans)
    title = _title(first)
    text, cut = markdown(rest, DESCRIPTION_LIMIT - len(tail))
    has_action = any(b.style == "primary" and b.payload for row in reply.buttons for b in row)
    embed = discord.Embed(title=title or None, description=(text + tail) or None,
                          colour=OPEN_COLOUR if has_action else CLOSED_COLOUR)
    full = plain(spans) if cut and reply.card_key is None else None
    return Rendered(embed=embed, view=view, full_text=full)
