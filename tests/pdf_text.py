"""The text a PDF shows, read back from fpdf2's uncompressed output: each embedded
font's ToUnicode map turns the glyph codes of ``Tj`` strings into characters (one
line per text object), so tests can assert what a reader of the receipt sees in
any script."""
from __future__ import annotations

import re

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes (the part inside the parentheses)."""
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):  # backslash
            n = raw[i + 1]
            if 0x30 <= n <= 0x37:
                j = i + 1
                while j < min(i + 4, len(raw)) and 0x30 <= raw[j] <= 0x37:
                    j += 1
                out.append(int(raw[i + 1:j], 8) & 0xFF)
                i = j
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8,
                        ord("f"): 12}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def _cmap(stream: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(start + k)
    return out


def pdf_text(data: bytes) -> str:
    objects = {int(num): body for num, body in _OBJ.findall(data)}
    to_unicode: dict[int, dict[int, str]] = {}
    for num, body in objects.items():
        m = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if m and int(m.group(1)) in objects:
            stream = _STREAM.search(objects[int(m.group(1))])
            if stream:
                to_unicode[num] = _cmap(stream.group(1))
    names = {name: to_unicode.get(int(ref), {}) for name, ref in
             re.findall(rb"/(F\d+) (\d+) 0 R", data)}
    lines: list[str] = []
    for body in objects.values():
        stream = _STREAM.search(body)
        if not stream or b" Tj" not in stream.group(1):
            continue
        cmap: dict[int, str] = {}
        saved: list[dict[int, str]] = []  # q ... Q: the font is graphics state
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|BT|(?<!\S)[qQ](?=\s)|"
                                 rb"\(((?:\\.|[^\\)])*)\) Tj", stream.group(1), re.S):
            if token.group(1):
                cmap = names.get(token.group(1), {})
            elif token.group(0) == b"q":
                saved.append(cmap)
            elif token.group(0) == b"Q":
                cmap = saved.pop() if saved else cmap
            elif token.group(0) == b"BT":
                lines.append("")
            else:
                raw = _literal(token.group(2))
                codes = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
                lines[-1] += "".join(cmap.get(c, "") for c in codes)
    return "\n".join(line for line in lines if line)
