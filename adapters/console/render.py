"""Rendering neutral replies as console text: spans to plain text, buttons
numbered ``[1] Claim  [2] Details``, URL buttons with their URL."""
from __future__ import annotations

from bot.conversation import Reply, Rich
from bot.delivery.text import plain as plain_text


def plain(rich: Rich) -> str:
    return plain_text(rich.spans)


def render(prefix: str, reply: Reply) -> str:
    lines = [f"{prefix} {line}" if i == 0 else f"{' ' * len(prefix)} {line}"
             for i, line in enumerate(plain(reply.text).split("\n"))]
    for att in reply.attachments:
        data = getattr(att, "data", None)
        where = f"{len(data):,} bytes" if data is not None else f"{att.platform}:{att.file_ref}"
        lines.append(f"{' ' * len(prefix)} [file] {att.name} ({where})")
    buttons = reply.all_buttons()
    if buttons:
        labels = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1))
        lines.append(f"{' ' * len(prefix)} {labels}")
    return "\n".join(lines)
