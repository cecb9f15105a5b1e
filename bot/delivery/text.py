"""Text helpers every adapter shares: rich spans as plain text (a link shown
with its URL when they differ), the first line of a reply for a toast or a
title, and the check that a URL may be linked at all (scheme and host)."""
from __future__ import annotations

from urllib.parse import urlsplit

from bot.conversation import Span

ELLIPSIS = "…"
WEB = ("http", "https")


def plain(spans: list[Span]) -> str:
    return "".join(f"{s.text} ({s.url})" if s.style == "link" and s.url and s.url != s.text
                   else s.text for s in spans)


def clip_line(text: str, limit: int) -> str:
    return text[:limit - 1] + ELLIPSIS if len(text) > limit else text


def whole_line(spans: list[Span], limit: int = 200) -> str:
    """All the text as one stripped string of at most ``limit`` characters."""
    return clip_line("".join(s.text for s in spans).strip(), limit)


def first_line(spans: list[Span], limit: int = 200) -> str:
    """The first non-empty line, at most ``limit`` characters."""
    line = next((x for x in "".join(s.text for s in spans).split("\n") if x.strip()), "")
    return clip_line(line, limit)


def linkable(url: str | None, schemes: tuple[str, ...] = WEB, *,
             hostless: tuple[str, ...] = ()) -> str | None:
    """``url`` stripped when its scheme is one of ``schemes`` and it has a host (or
    its scheme is in ``hostless``, e.g. Telegram's ``tg:``), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme in hostless or (parts.scheme in schemes and parts.netloc):
        return url.strip()
    return None
