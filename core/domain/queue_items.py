"""A queue's items as the client gives them: ``items="a|b|c"`` in one line, one
item per line in the guided form, or a CSV file (one row per item). Checked
before anything is written; each refusal says which item and what to change.

Blank lines (and blank CSV rows) are left out, since a trailing newline or an
empty spreadsheet row is never meant as work; a repeated item is refused, since
each item is done (and paid) once. A CSV with more than one column reads its
first row as the column names and shows each item as ``name: value`` pairs."""
from __future__ import annotations

import csv
import io
import re
import unicodedata

from core.domain.errors import Plural, ValidationError

MAX_ITEMS = 500
ITEM_MAX = 500  # characters per item
CSV_MAX_BYTES = 512 * 1024


def _clean_line(value: object) -> str:
    """One line of text: control characters dropped, white space collapsed."""
    text = "".join(" " if ch in "\t\n" else ch for ch in str(value)
                   if ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    return re.sub(r"\s+", " ", text).strip()


def split_items(value: object) -> list[str]:
    """'a|b|c' or one item per line -> the raw items (lines win over bars: an item
    written on its own line may contain a '|')."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n") if "\n" in text else text.split("|")


def check_items(raw: list[str]) -> list[str]:
    """The cleaned items, in order; blank ones left out. Raises ValidationError
    (field ``items``) for too many, too long or repeated items, or none at all."""
    items: list[str] = []
    seen: dict[str, int] = {}
    for value in raw:
        text = _clean_line(value)
        if not text:
            continue
        n = len(items) + 1
        if len(text) > ITEM_MAX:
            raise ValidationError("items", Plural(
                "Item {n} is {length} character long; an item may have at most {max_len}.",
                "Item {n} is {length} characters long; an item may have at most {max_len}.",
                count="length"), n=n, length=len(text), max_len=ITEM_MAX, limit=ITEM_MAX)
        key = text.casefold()
        if key in seen:
            raise ValidationError("items", "Item {n} repeats item {first} ({text}); each item "
                                  "is done and paid once, so remove the copy.", n=n,
                                  first=seen[key], text=repr(text[:40]))
        seen[key] = n
        items.append(text)
        if len(items) > MAX_ITEMS:
            raise ValidationError("items", Plural(
                "A queue takes at most {max_items} item; split the rest into another gig.",
                "A queue takes at most {max_items} items; split the rest into another gig.",
                count="max_items"), max_items=MAX_ITEMS, limit=MAX_ITEMS)
    if not items:
        raise ValidationError("items", "The list of items is empty. Write one item per line, "
                              "or items=\"first|second|third\".")
    return items


def read_items(value: object) -> list[str]:
    return check_items(split_items(value))


def read_items_csv(data: bytes | str) -> list[str]:
    """A CSV file's rows as items (UTF-8, a BOM allowed; comma, semicolon or tab)."""
    if isinstance(data, bytes):
        if len(data) > CSV_MAX_BYTES:
            raise ValidationError("items", "That file is larger than {max_kb} KB; a queue "
                                  "takes at most {max_items} items.", max_kb=CSV_MAX_BYTES // 1024,
                                  max_items=MAX_ITEMS)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("items", "That file is not UTF-8 text; save it as CSV "
                                  "(UTF-8) and send it again.") from None
    try:
        dialect = csv.Sniffer().sniff(data[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(data), dialect)]
    rows = [row for row in rows if any(row)]
    width = max((len(r) for r in rows), default=0)
    if width <= 1:
        return check_items([r[0] if r else "" for r in rows])
    header, body = rows[0], rows[1:]
    items = []
    for row in body:
        pairs = [f"{(header[i] if i < len(header) and header[i] else f'#{i + 1}')}: {cell}"
                 for i, cell in enumerate(row) if cell]
        items.append("; ".join(pairs))
    return check_items(items)
