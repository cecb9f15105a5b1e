"""Rich text -> Telegram HTML (``parse_mode=HTML``).

Every span is escaped (user text can never inject markup), ``@name`` in text
is defanged so a gig title cannot ping a group member, links keep only
http(s)/tg URLs, and texts longer than Telegram's 4096 characters (counted in
UTF-16 code units, as Telegram does) are split at line boundaries into several
messages, or truncated with an ellipsis when the text must stay one message (a
card that is edited in place). Spans are split before they are rendered, so no
tag is ever cut in half."""
from __future__ import annotations

import html
import re
from dataclasses import replace

from bot.conversation import Span
from bot.delivery.text import first_line, linkable, whole_line  # noqa: F401 (first_line)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ELLIPSIS = "…"
EMPTY = "…"  # Telegram refuses an empty message; a reply with only buttons gets this
_MENTION = re.compile(r"@(?=\w)")
_TAGS = {"bold": "b", "italic": "i", "code": "code", "pre": "pre"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def defang(text: str) -> str:
    """``@alice`` -> ``@\u2060alice``: looks the same, is not a mention."""
    return _MENTION.sub("@\u2060", text)


def link_url(url: str | None) -> str | None:
    """The URL if Telegram may link it (http, https, tg), else None."""
    return linkable(url, hostless=("tg",))


def visible(span: Span) -> str:
    """What the user sees of a span (the text Telegram counts)."""
    if span.style == "link" and link_url(span.url) is None and span.url and span.url != span.text:
        return defang(f"{span.text} ({span.url})")
    return defang(span.text)


def span_html(span: Span) -> str:
    text = html.escape(visible(span), quote=False)
    if span.style == "link":
        url = link_url(span.url)
        return f'<a href="{html.escape(url, quote=True)}">{text}</a>' if url else text
    tag = _TAGS.get(span.style)
    return f"<{tag}>{text}</{tag}>" if tag else text


def merged(spans: list[Span]) -> list[Span]:
    """Adjacent spans of the same style as one (fewer entities; Telegram keeps 100)."""
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and out[-1].style == span.style and out[-1].url == span.url \
                and span.style != "link":
            out[-1] = replace(out[-1], text=out[-1].text + span.text)
        else:
            out.append(span)
    return out


def to_html(spans: list[Span]) -> str:
    return "".join(span_html(s) for s in merged(spans))


def length(spans: list[Span]) -> int:
    return sum(utf16_len(visible(s)) for s in spans)


def _cut(span: Span, room: int) -> tuple[Span, Span]:
    """Split ``span`` so the first part shows at most ``room`` UTF-16 units."""
    text, used, i = span.text, 0, 0
    while i < len(text):
        step = utf16_len(defang(text[i])) + (1 if text[i] == "@" else 0)
        if used + step > room:
            break
        used += step
        i += 1
    return replace(span, text=text[:i]), replace(span, text=text[i:])


def _lines(spans: list[Span]) -> list[list[Span]]:
    """Spans grouped by line; each line keeps its trailing newline."""
    lines: list[list[Span]] = [[]]
    for span in spans:
        parts = span.text.split("\n")
        for n, part in enumerate(parts):
            last = n == len(parts) - 1
            piece = part if last else part + "\n"
            if piece:
                lines[-1].append(replace(span, text=piece))
            if not last:
                lines.append([])
    return [line for line in lines if line]


def split(spans: list[Span], limit: int = TEXT_LIMIT) -> list[list[Span]]:
    """Chunks of whole lines, each at most ``limit`` long; an over-long line is cut."""
    chunks: list[list[Span]] = [[]]
    size = 0
    for line in _lines(spans):
        n = length(line)
        if size and size + n > limit:
            chunks.append([])
            size = 0
        for span in line:
            rest = span
            while rest.text:
                room = limit - size
                n = utf16_len(visible(rest))
                if n <= room:
                    chunks[-1].append(rest)
                    size += n
                    break
                head, rest = _cut(rest, room)
                if head.text:
                    chunks[-1].append(head)
                chunks.append([])
                size = 0
    return [_strip(c) for c in chunks if "".join(s.text for s in c).strip()]


def truncate(spans: list[Span], limit: int = TEXT_LIMIT) -> list[Span]:
    """The spans cut to fit ``limit`` with a trailing ellipsis (one message)."""
    if length(spans) <= limit:
        return spans
    out: list[Span] = []
    room = limit - 1
    for span in spans:
        n = utf16_len(visible(span))
        if n <= room:
            out.append(span)
            room -= n
            continue
        head, _ = _cut(span, room)
        if head.text:
            out.append(head)
        break
    out.append(Span(ELLIPSIS))
    return out


def _strip(spans: list[Span]) -> list[Span]:
    """Drop the newline that ended the chunk (Telegram trims it anyway)."""
    if spans and spans[-1].text.endswith("\n"):
        last = spans[-1]
        spans = spans[:-1] + ([replace(last, text=last.text.rstrip("\n"))]
                              if last.text.rstrip("\n") else [])
    return spans


def chunks(spans: list[Span], *, single: bool = False, limit: int = TEXT_LIMIT) -> list[list[Span]]:
    """One reply's text as the spans of each message: split, or truncated to one."""
    if not "".join(s.text for s in spans).strip():
        return [[Span(EMPTY)]]
    limit -= 32  # headroom: merging spans may defang an '@' that ended a span
    if single:
        return [_strip(truncate(spans, limit))]
    return split(spans, limit) or [[Span(EMPTY)]]


def messages(spans: list[Span], *, single: bool = False, limit: int = TEXT_LIMIT) -> list[str]:
    """HTML bodies for one reply."""
    return [to_html(c) for c in chunks(spans, single=single, limit=limit)]


plain_line = whole_line  # the text as one line, for a callback alert (<= 200)
