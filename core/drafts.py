"""Validation of what a client types when posting a gig: title, description,
skills, reward, slots, durations. Everything is checked before anything is
written; each refusal names the field and what would be accepted."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from core.errors import ValidationError
from core.money import MAX_SLOTS, normalise_currency, parse_amount

TITLE_MIN, TITLE_MAX = 3, 120
DESCRIPTION_MAX = 4000
MAX_SKILLS = 10
_TAG_RE = re.compile(r"[^a-z0-9+#.\-]+")
_DURATION_RE = re.compile(r"^\s*(\d{1,5})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)?\s*$",
                          re.IGNORECASE)


def clean_text(value: object, field_name: str, *, max_len: int, min_len: int = 0,
               single_line: bool = False) -> str:
    """Strip control characters (keep newlines unless single-line), trim, bound length."""
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if ch in "\n\t" and not single_line:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            out.append(" " if ch in "\n\t" else ch)
    cleaned = "".join(out).strip()
    if single_line:
        cleaned = re.sub(r"\s+", " ", cleaned)
    if len(cleaned) < min_len:
        raise ValidationError(field_name, f"The {field_name} needs at least {min_len} characters.")
    if len(cleaned) > max_len:
        raise ValidationError(field_name, f"The {field_name} is {len(cleaned):,} characters long; "
                              f"the limit is {max_len:,}.", limit=max_len)
    return cleaned


def normalise_skills(value: object) -> list[str]:
    """"Design, SVG; logo" -> ['design', 'svg', 'logo'] (lower-case tags, no duplicates)."""
    if value is None:
        return []
    raw = value if isinstance(value, (list, tuple)) else re.split(r"[,;\s]+", str(value))
    tags: list[str] = []
    for item in raw:
        tag = _TAG_RE.sub("", str(item).strip().lower().lstrip("#"))[:32]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_SKILLS:
        raise ValidationError("skills", f"At most {MAX_SKILLS} skills, please.")
    return tags


def parse_duration(value: object, field_name: str, *, minimum: timedelta,
                   maximum: timedelta) -> timedelta:
    """'2d', '36h', '90m', '1w' or a bare number of hours."""
    if isinstance(value, timedelta):
        delta = value
    else:
        m = _DURATION_RE.match(str(value or ""))
        if not m:
            raise ValidationError(field_name, f"Write the {field_name} like 90m, 36h, 2d or 1w.")
        n, unit = int(m.group(1)), (m.group(2) or "h").lower()
        unit_s = {"m": 60, "h": 3600, "d": 86400, "w": 604800}[unit[0]]
        delta = timedelta(seconds=n * unit_s)
    if not minimum <= delta <= maximum:
        raise ValidationError(field_name, f"The {field_name} must be between "
                              f"{_human(minimum)} and {_human(maximum)}.")
    return delta


def _human(delta: timedelta) -> str:
    s = int(delta.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if s % size == 0 and s >= size:
            n = s // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{s} seconds"


def parse_int(value: object, field_name: str, *, minimum: int, maximum: int) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(field_name, f"The {field_name} must be a whole number.") from None
    if not minimum <= n <= maximum:
        raise ValidationError(field_name, f"The {field_name} must be between {minimum} and {maximum}.")
    return n


@dataclass
class GigDraft:
    """A validated gig, ready for ``Engine.post_gig``."""

    title: str
    reward_minor: int
    currency: str
    description: str = ""
    skills: list[str] = field(default_factory=list)
    slots: int = 1
    mode: str = "claim"
    deliver_in: timedelta | None = None
    review_window: timedelta | None = None
    listing_for: timedelta | None = None
    max_revisions: int | None = None
    estimated_minutes: int | None = None
    community_id: int | None = None

    @classmethod
    def parse(cls, fields: dict[str, object], *, community_id: int | None = None) -> "GigDraft":
        """Validate raw user input (strings) into a draft; raises ValidationError."""
        known = {"title", "description", "reward", "currency", "slots", "skills", "mode",
                 "deliver_in", "review_window", "listing_for", "max_revisions", "estimate"}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise ValidationError(unknown[0], f"Unknown field {unknown[0]!r}. Known fields: "
                                  f"{', '.join(sorted(known))}.")
        if "title" not in fields or "reward" not in fields:
            missing = "title" if "title" not in fields else "reward"
            raise ValidationError(missing, f"The {missing} is required.")
        currency = normalise_currency(str(fields.get("currency") or "usd"))
        mode = str(fields.get("mode") or "claim").strip().lower()
        if mode not in ("claim", "apply"):
            raise ValidationError("mode", "The mode is 'claim' (first come) or 'apply' "
                                  "(you pick among applicants).")
        day = timedelta(days=1)
        opt = fields.get
        return cls(
            title=clean_text(fields["title"], "title", min_len=TITLE_MIN, max_len=TITLE_MAX,
                             single_line=True),
            description=clean_text(opt("description", ""), "description", max_len=DESCRIPTION_MAX),
            reward_minor=parse_amount(fields["reward"], currency),
            currency=currency,
            skills=normalise_skills(opt("skills")),
            slots=parse_int(opt("slots", 1), "slots", minimum=1, maximum=MAX_SLOTS),
            mode=mode,
            deliver_in=parse_duration(opt("deliver_in"), "delivery time", minimum=timedelta(
                minutes=10), maximum=30 * day) if opt("deliver_in") else None,
            review_window=parse_duration(opt("review_window"), "review window", minimum=timedelta(
                hours=1), maximum=14 * day) if opt("review_window") else None,
            listing_for=parse_duration(opt("listing_for"), "listing time", minimum=timedelta(
                hours=1), maximum=60 * day) if opt("listing_for") else None,
            max_revisions=parse_int(opt("max_revisions"), "max revisions", minimum=0, maximum=10)
            if opt("max_revisions") not in (None, "") else None,
            estimated_minutes=parse_int(opt("estimate"), "estimate (minutes)", minimum=1,
                                        maximum=100_000) if opt("estimate") not in (None, "") else None,
            community_id=community_id,
        )
