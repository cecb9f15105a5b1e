"""Rendering neutral replies as console text: spans to plain text, buttons
numbered ``[1] Claim  [2] Details``, URL buttons with their URL. A file the bot
made (a receipt PDF, a chart PNG, a CSV export) is saved to the console's
files directory and printed with its path, so it can be opened from there:
``GIGBROKER_CONSOLE_FILES``, else ``gigbroker-console`` in the system's
temporary directory."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from bot.conversation import Attachment, Reply, Rich
from bot.delivery.text import plain as plain_text

FILES_ENV = "GIGBROKER_CONSOLE_FILES"


def plain(rich: Rich) -> str:
    return plain_text(rich.spans)


def files_dir() -> Path:
    return Path(os.environ.get(FILES_ENV) or Path(tempfile.gettempdir()) / "gigbroker-console")


def save(att: Attachment, directory: Path | None = None) -> Path:
    """Write a made file under its own name (made safe); a different file that
    already has the name gets ``-2``, ``-3``... The same file again is left as it is."""
    directory = directory or files_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(att.name or "file").name).lstrip(".") or "file"
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    path, n = directory / name, 1
    while path.exists() and path.read_bytes() != att.data:
        n += 1
        path = directory / f"{stem}-{n}{dot}{ext}"
    if not path.exists():
        path.write_bytes(att.data)
    return path


def render(prefix: str, reply: Reply, *, directory: Path | None = None) -> str:
    pad = " " * len(prefix)
    lines = [f"{prefix} {line}" if i == 0 else f"{pad} {line}"
             for i, line in enumerate(plain(reply.text).split("\n"))]
    for att in reply.attachments:
        if att.data is None:
            lines.append(f"{pad} [file] {att.name} ({att.platform}:{att.file_ref})")
            continue
        try:
            where = f"saved to {save(att, directory)}"
        except OSError as exc:  # a full disk or a read-only directory must not end the session
            where = f"not saved: {exc.strerror or exc}"
        lines.append(f"{pad} [file] {att.name} ({len(att.data):,} bytes) {where}")
    buttons = reply.all_buttons()
    if buttons:
        labels = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1))
        lines.append(f"{pad} {labels}")
    return "\n".join(lines)
