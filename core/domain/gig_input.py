"""Validation of what a client types when posting a gig: title, description,
skills, reward, slots, durations. Everything is checked before anything is
written; each refusal names the field and what would be accepted."""
from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Iterator

from core.domain.errors import ValidationError
from core.domain.money import (
    CURRENCY_EXPONENTS, MAX_REWARD_MAJOR, MAX_SLOTS, normalise_currency, parse_amount,
)

TITLE_MIN, TITLE_MAX = 3, 120
DESCRIPTION_MAX = 4000
MAX_SKILLS = 10
_TAG_RE = re.compile(r"[^a-z0-9+#.\-]+")
_UNICODE_TAG_RE = re.compile(r"[^\w+#.\-]+")
_DURATION_RE = re.compile(r"^\s*(\d{1,5})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)?\s*$",
                          re.IGNORECASE)


def clean_text(value: object, field_name: str, *, max_len: int, min_len: int = 0,
               single_line: bool = False) -> str:
    """Strip control characters (keep newlines unless single-line), trim, bound length."""
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(" " if single_line else ch)  # "Logo\nin SVG" -> "Logo in SVG"
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            out.append(ch)
    cleaned = "".join(out).strip()
    if single_line:
        cleaned = re.sub(r"\s+", " ", cleaned)
    if len(cleaned) < min_len:
        raise ValidationError(field_name, "The {name} needs at least {min_len} characters.",
                              name=field_name, min_len=min_len)
    if len(cleaned) > max_len:
        raise ValidationError(field_name, "The {name} is {length} characters long; "
                              "the limit is {max_len}.", name=field_name,
                              length=f"{len(cleaned):,}", max_len=f"{max_len:,}", limit=max_len)
    return cleaned


def normalise_skills(value: object) -> list[str]:
    """"Design, SVG; logo" -> ['design', 'svg', 'logo'] (lower-case tags, no duplicates)."""
    if value is None:
        return []
    raw = value if isinstance(value, (list, tuple)) else re.split(r"[,;\s]+", str(value))
    tags: list[str] = []
    for item in raw:
        tag = _skill_tag(str(item))
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_SKILLS:
        raise ValidationError("skills", "At most {max_skills} skills, please.",
                              max_skills=MAX_SKILLS)
    return tags


def _skill_tag(item: str) -> str:
    """'Diseño' -> 'diseno' (accents folded so both sides match and buttons stay ASCII);
    scripts with no ASCII form ('дизайн') keep their letters."""
    text = item.strip().lower().lstrip("#")
    folded = _TAG_RE.sub("", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())
    return (folded or _UNICODE_TAG_RE.sub("", text).replace("_", ""))[:32]


def parse_duration(value: object, field_name: str, *, minimum: timedelta,
                   maximum: timedelta) -> timedelta:
    """'2d', '36h', '90m', '1w' or a bare number of hours."""
    if isinstance(value, timedelta):
        delta = value
    else:
        m = _DURATION_RE.match(str(value or ""))
        if not m:
            raise ValidationError(field_name, "Write the {name} like 90m, 36h, 2d or 1w.",
                                  name=field_name)
        n, unit = int(m.group(1)), (m.group(2) or "h").lower()
        unit_s = {"m": 60, "h": 3600, "d": 86400, "w": 604800}[unit[0]]
        delta = timedelta(seconds=n * unit_s)
    if not minimum <= delta <= maximum:
        raise ValidationError(field_name, "The {name} must be between {minimum} and {maximum}.",
                              name=field_name, minimum=_human(minimum), maximum=_human(maximum))
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
        raise ValidationError(field_name, "The {name} must be a whole number.",
                              name=field_name) from None
    if not minimum <= n <= maximum:
        raise ValidationError(field_name, "The {name} must be between {minimum} and {maximum}.",
                              name=field_name, minimum=minimum, maximum=maximum)
    return n


@contextmanager
def reported_as(key: str) -> Iterator[None]:
    """Report a refusal under the input's key (``deliver_in``), so a form can point at
    the field, whatever label (``delivery time``) its message uses."""
    try:
        yield
    except ValidationError as exc:
        exc.field = exc.details["field"] = key
        raise


# key -> (label in messages, shortest, longest)
DURATION_BOUNDS = {
    "deliver_in": ("delivery time", timedelta(minutes=10), timedelta(days=30)),
    "review_window": ("review window", timedelta(hours=1), timedelta(days=14)),
    "listing_for": ("listing time", timedelta(hours=1), timedelta(days=60)),
}
# key -> (label, minimum, maximum)
INT_BOUNDS = {
    "slots": ("slots", 1, MAX_SLOTS),
    "max_revisions": ("max revisions", 0, 10),
    "estimated_minutes": ("estimate (minutes)", 1, 100_000),
}


@dataclass
class GigDraft:
    """A validated gig, ready for ``Engine.post_gig`` (which re-checks it with
    ``validate``, since code can build a draft without ``parse``)."""

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
        """Validate raw user input (strings) into a draft; raises ValidationError
        whose ``field`` is the key of the offending input."""
        known = {"title", "description", "reward", "currency", "slots", "skills", "mode",
                 "deliver_in", "review_window", "listing_for", "max_revisions", "estimate"}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise ValidationError(unknown[0], "Unknown field {unknown}. Known fields: {known}.",
                                  unknown=repr(unknown[0]), known=", ".join(sorted(known)))
        if "title" not in fields or "reward" not in fields:
            missing = "title" if "title" not in fields else "reward"
            raise ValidationError(missing, "The {name} is required.", name=missing)
        currency = normalise_currency(str(fields.get("currency") or "usd"))
        opt = fields.get
        values: dict[str, object] = {}
        for key, (label, low, high) in DURATION_BOUNDS.items():
            with reported_as(key):
                values[key] = parse_duration(opt(key), label, minimum=low, maximum=high) \
                    if opt(key) else None
        for key, raw_key in (("max_revisions", "max_revisions"), ("estimated_minutes", "estimate")):
            label, low, high = INT_BOUNDS[key]
            with reported_as(raw_key):
                values[key] = parse_int(opt(raw_key), label, minimum=low, maximum=high) \
                    if opt(raw_key) not in (None, "") else None
        return cls(
            title=clean_text(fields["title"], "title", min_len=TITLE_MIN, max_len=TITLE_MAX,
                             single_line=True),
            description=clean_text(opt("description", ""), "description", max_len=DESCRIPTION_MAX),
            reward_minor=parse_amount(fields["reward"], currency),
            currency=currency,
            skills=normalise_skills(opt("skills")),
            slots=parse_int(opt("slots", 1), "slots", minimum=1, maximum=MAX_SLOTS),
            mode=str(opt("mode") or "claim").strip().lower(),
            community_id=community_id,
            **values,
        ).validate()

    def validate(self) -> "GigDraft":
        """Check every value against the same limits as ``parse``; returns the draft
        with its text cleaned. Raises ValidationError naming the field."""
        currency = normalise_currency(self.currency)
        cap = MAX_REWARD_MAJOR * 10 ** CURRENCY_EXPONENTS[currency]
        if type(self.reward_minor) is not int or not 0 < self.reward_minor <= cap:
            raise ValidationError("reward", "The reward must be more than zero and at most "
                                  "{maximum} {currency} per slot.",
                                  maximum=f"{MAX_REWARD_MAJOR:,}", currency=currency.upper())
        if self.mode not in ("claim", "apply"):
            raise ValidationError("mode", "The mode is 'claim' (first come) or 'apply' "
                                  "(you pick among applicants).")
        for key, (label, low, high) in INT_BOUNDS.items():
            value = getattr(self, key)
            if value is not None or key == "slots":
                with reported_as("estimate" if key == "estimated_minutes" else key):
                    if type(value) is not int:
                        raise ValidationError(key, "The {name} must be a whole number.", name=label)
                    parse_int(value, label, minimum=low, maximum=high)
        for key, (label, low, high) in DURATION_BOUNDS.items():
            value = getattr(self, key)
            if value is not None:
                with reported_as(key):
                    if not isinstance(value, timedelta):
                        raise ValidationError(key, "The {name} must be a duration.", name=label)
                    parse_duration(value, label, minimum=low, maximum=high)
        return replace(
            self, currency=currency, skills=normalise_skills(self.skills),
            title=clean_text(self.title, "title", min_len=TITLE_MIN, max_len=TITLE_MAX,
                             single_line=True),
            description=clean_text(self.description, "description", max_len=DESCRIPTION_MAX))
