"""Button payloads: ``verb:id[:extra]`` in ASCII, always <= 64 bytes (Telegram's
callback_data limit; Discord allows 100). The payload only says what was
pressed; who may press it is decided by core at press time."""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PAYLOAD_BYTES = 64

VERBS = {
    "cl": "claim", "ap": "apply", "dt": "details", "pay": "pay", "cx": "cancel",
    "dl": "deliver", "ok": "approve", "rv": "revise", "rj": "reject", "ds": "dispute",
    "wd": "withdraw", "rt": "rate", "aa": "accept", "ad": "decline", "pg": "page",
    "mg": "mygigs", "sd": "show_delivery",
    # a live gig managed by its client (bot/commands/manage.py)
    "ed": "edit", "as": "add_slot", "ex": "extend", "tp": "tip", "rp": "repost",
    "sr": "stop_repeat",
    "nx": "next",  # "Next similar task" (bot/commands/queues.py)
    # a dispute's packet (bot/commands/disputes.py)
    "rs": "respond", "dr": "resolve_split", "dc": "resolve_custom",
}
CODES = {v: k for k, v in VERBS.items()}
_SAFE = re.compile(r"[A-Za-z0-9_.+#\-]*")
_ID = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Payload:
    verb: str
    entity_id: int
    extra: str = ""

    def encode(self) -> str:
        if self.verb not in CODES:
            raise ValueError(f"unknown button verb {self.verb!r}")
        if not _ID.fullmatch(str(self.entity_id)):
            raise ValueError(f"entity id out of range: {self.entity_id}")
        if not _SAFE.fullmatch(self.extra):
            raise ValueError(f"unsafe payload extra {self.extra!r}")
        text = f"{CODES[self.verb]}:{self.entity_id}" + (f":{self.extra}" if self.extra else "")
        if len(text.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload too long: {text!r}")
        return text


class BadPayload(ValueError):
    """Not one of ours (forged, truncated or from an old incompatible version)."""


def decode(text: str) -> Payload:
    if not isinstance(text, str) or len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise BadPayload("payload too long")
    parts = text.split(":", 2)
    if len(parts) < 2 or parts[0] not in VERBS or not _ID.fullmatch(parts[1]):
        raise BadPayload(f"not a gigbroker button: {text[:20]!r}")
    extra = parts[2] if len(parts) == 3 else ""
    if not _SAFE.fullmatch(extra):
        raise BadPayload("bad characters")
    return Payload(VERBS[parts[0]], int(parts[1]), extra)


def button_payload(verb: str, entity_id: int, extra: str | int = "") -> str:
    return Payload(verb, entity_id, str(extra)).encode()
