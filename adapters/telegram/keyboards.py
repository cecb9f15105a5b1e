"""Neutral buttons -> an inline keyboard.

Action buttons carry their payload as ``callback_data`` (at most 64 bytes; the
conversation layer guarantees it, anything longer is dropped and logged rather
than failing the whole message). URL buttons are only possible for public
http(s) URLs: Telegram refuses localhost, private addresses and other schemes,
so such a link (e.g. the sandbox's local pay page) becomes a line of text
instead. Rows longer than Telegram's 8 buttons are wrapped."""
from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import Button, Span

log = logging.getLogger(__name__)

CALLBACK_DATA_LIMIT = 64
MAX_ROW = 8
LABEL_LIMIT = 64


def is_public_url(url: str) -> bool:
    """True for URLs Telegram accepts in a URL button (public http(s), or tg://)."""
    parts = urlsplit(url.strip())
    if parts.scheme == "tg":
        return True
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host.strip(".")
    return address.is_global


def keyboard(rows: list[list[Button]]) -> tuple[InlineKeyboardMarkup | None, list[Span]]:
    """The inline keyboard, plus text spans for links that cannot be buttons."""
    out: list[list[InlineKeyboardButton]] = []
    extra: list[Span] = []
    for row in rows:
        buttons: list[InlineKeyboardButton] = []
        for b in row:
            label = (b.label or "·")[:LABEL_LIMIT]
            if b.url is not None:
                if is_public_url(b.url):
                    buttons.append(InlineKeyboardButton(label, url=b.url.strip()))
                else:
                    extra += [Span("\n"), Span(f"{b.label}: ", "bold"), Span(b.url)]
                continue
            if not b.payload or len(b.payload.encode()) > CALLBACK_DATA_LIMIT:
                log.error("dropping button %r: payload is empty or over 64 bytes", b.label)
                continue
            buttons.append(InlineKeyboardButton(label, callback_data=b.payload))
        for i in range(0, len(buttons), MAX_ROW):
            out.append(buttons[i:i + MAX_ROW])
    return (InlineKeyboardMarkup(out) if out else None), extra
