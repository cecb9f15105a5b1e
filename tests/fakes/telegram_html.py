"""Parser/validator for the HTML subset Telegram accepts with ``parse_mode=HTML``.

Used by the fake Telegram Bot API (``telegram_api.py``) so that tests fail the same
way production would when the bot emits malformed markup.  ``parse_html`` returns
the plain text and the message entities (offsets/lengths in UTF-16 code units, as
the Bot API reports them) or raises :class:`HtmlParseError` with a message modelled
on the one Telegram puts after ``Bad Request: can't parse entities:``.

Supported tags: b, strong, i, em, u, ins, s, strike, del, a href, code, pre,
tg-spoiler, span class="tg-spoiler", blockquote [expandable], tg-emoji emoji-id.
Supported character references: &lt; &gt; &amp; &quot; and numeric (&#38; &#x26;).

Deliberate strictness: Telegram's own parser lets a bare ``&`` through as a literal,
but its documentation requires escaping it, so by default (``strict_ampersand=True``)
a bare ``&`` is rejected here to catch missing ``html.escape`` calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "HtmlParseError",
    "ParsedText",
    "parse_html",
    "trim_text",
    "utf16_len",
]

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_REF_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAME_RE = re.compile(r"[A-Za-z0-9-]*")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = " \t\r\n"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(err)`` is Telegram-style detail."""


@dataclass
class ParsedText:
    """Plain text and Bot-API entities (UTF-16 offsets) after parsing."""

    text: str
    entities: list[dict] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    start: int  # offset (code points) into the output text
    attrs: dict[str, str]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of Bot API entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_ref(source: str, index: int) -> tuple[str, int] | None:
    """Decode a character reference starting at ``source[index] == '&'``."""
    match = _REF_RE.match(source, index)
    if not match:
        return None
    named, dec, hexa = match.groups()
    if named:
        return _NAMED_REFS[named], match.end()
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _decode_attr(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "&" and (ref := _decode_ref(value, i)):
            out.append(ref[0])
            i = ref[1]
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _parse_attrs(source: str, i: int, tag: str, tag_start: int) -> tuple[dict[str, str], int]:
    """Parse attributes after the tag name; returns (attrs, index after '>')."""
    attrs: dict[str, str] = {}
    n = len(source)
    while True:
        while i < n and source[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, tag_start)}")
        if source[i] == ">":
            return attrs, i + 1
        if source[i] == "/" and i + 1 < n and source[i + 1] == ">":
            raise HtmlParseError(
                f'Unsupported self-closing tag "{tag}" at byte offset {_byte_offset(source, tag_start)}'
            )
        name_match = _ATTR_NAME_RE.match(source, i)
        if not name_match:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(source, i)}'
            )
        name = name_match.group(0).lower()
        i = name_match.end()
        while i < n and source[i] in _SPACE:
            i += 1
        if i < n and source[i] != "=":
            attrs[name] = ""  # boolean attribute, e.g. <blockquote expandable>
            continue
        i += 1  # skip '='
        while i < n and source[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, tag_start)}")
        quote = source[i]
        if quote in "\"'":
            end = source.find(quote, i + 1)
            if end < 0:
                raise HtmlParseError(
                    f'Unclosed value of the attribute "{name}" of the tag "{tag}" '
                    f"at byte offset {_byte_offset(source, i)}"
                )
            raw, i = source[i + 1 : end], end + 1
        else:
            start = i
            while i < n and source[i] not in _SPACE and source[i] != ">":
                i += 1
            raw = source[start:i]
        attrs[name] = _decode_attr(raw)


def _entity_for(tag: _Open, start: int, end: int) -> dict | None:
    """Build the entity for a closed tag (code-point offsets, converted later)."""
    kind = _TAG_ENTITY[tag.tag]
    entity: dict = {"type": kind, "offset": start, "length": end - start}
    if tag.tag == "a":
        href = tag.attrs.get("href", "").strip()
        if not href:
            return None  # Telegram silently drops links without a target
        entity["url"] = href
    elif tag.tag == "code" and tag.attrs.get("class", "").startswith("language-"):
        entity["language"] = tag.attrs["class"][len("language-") :]
    elif tag.tag == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.tag == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    return entity if end > start else None


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram HTML into plain text + entities, or raise HtmlParseError."""
    out: list[str] = []
    out_len = 0
    stack: list[_Open] = []
    entities: list[dict] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            ref = _decode_ref(source, i)
            if ref:
                out.append(ref[0])
                out_len += 1
                i = ref[1]
                continue
            if strict_ampersand:
                raise HtmlParseError(
                    f"Unescaped \"&\" (use &amp;) at byte offset {_byte_offset(source, i)}"
                )
        if ch != "<":
            out.append(ch)
            out_len += 1
            i += 1
            continue
        tag_start = i
        if i + 1 < n and source[i + 1] == "/":  # end tag
            name_match = _NAME_RE.match(source, i + 2)
            name = name_match.group(0).lower()
            j = name_match.end()
            while j < n and source[j] in _SPACE:
                j += 1
            if j >= n or source[j] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(source, tag_start)}")
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(source, tag_start)}")
            if name != stack[-1].tag:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, tag_start)}, "
                    f'expected "</{stack[-1].tag}>", found "</{name}>"'
                )
            opened = stack.pop()
            entity = _entity_for(opened, opened.start, out_len)
            if entity:
                entities.append(entity)
            i = j + 1
            continue
        name_match = _NAME_RE.match(source, i + 1)
        name = name_match.group(0).lower()
        if name not in _TAG_ENTITY:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, tag_start)}'
            )
        attrs, i = _parse_attrs(source, name_match.end(), name, tag_start)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, tag_start)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise HtmlParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset '
                f"{_byte_offset(source, tag_start)}"
            )
        stack.append(_Open(name, out_len, attrs))
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities = _merge_pre_code(entities)
    text = "".join(out)
    return _to_utf16(*trim_text(text, entities))


def _merge_pre_code(entities: list[dict]) -> list[dict]:
    """<pre><code class="language-x">..</code></pre> becomes one pre entity with a language."""
    pres = {(e["offset"], e["length"]): e for e in entities if e["type"] == "pre"}
    merged = []
    for entity in entities:
        key = (entity["offset"], entity["length"])
        if entity["type"] == "code" and key in pres:
            if "language" in entity:
                pres[key]["language"] = entity["language"]
            continue
        merged.append(entity)
    return sorted(merged, key=lambda e: (e["offset"], -e["length"]))


def trim_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Strip surrounding whitespace like Telegram does, clipping code-point entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    left = len(text) - len(text.lstrip())
    size = len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - left)
        end = min(size, entity["offset"] + entity["length"] - left)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _to_utf16(text: str, entities: list[dict]) -> ParsedText:
    converted = []
    for entity in entities:
        start = utf16_len(text[: entity["offset"]])
        length = utf16_len(text[entity["offset"] : entity["offset"] + entity["length"]])
        converted.append({**entity, "offset": start, "length": length})
    return ParsedText(text, converted)
