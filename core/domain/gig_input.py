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

from core.domain.errors import Plural, ValidationError
from core.domain.queue_items import check_items, read_items
from core.domain.money import (
    CURRENCY_EXPONENTS, MAX_REWARD_MAJOR, MAX_SLOTS, ascii_digits, normalise_currency,
    parse_amount,
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
        raise ValidationError(field_name, Plural(
            "The {name} needs at least {min_len} character.",
            "The {name} needs at least {min_len} characters.", count="min_len"),
            name=field_name, min_len=min_len)
    if len(cleaned) > max_len:
        raise ValidationError(field_name, Plural(
            "The {name} is {length} character long; the limit is {max_len}.",
            "The {name} is {length} characters long; the limit is {max_len}.",
            count="length"), name=field_name, length=len(cleaned), max_len=f"{max_len:,}",
            limit=max_len)
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
        raise ValidationError("skills", Plural(
            "At most {max_skills} skill, please.", "At most {max_skills} skills, please.",
            count="max_skills"), max_skills=MAX_SKILLS)
    return tags


def _skill_tag(item: str) -> str:
    """'Diseño' -> 'diseno' (accents folded so both sides match and buttons stay ASCII);
    scripts with no ASCII form ('дизайн') keep their letters."""
    text = item.strip().lower().lstrip("#")
    folded = _TAG_RE.sub("", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())
    return (folded or _UNICODE_TAG_RE.sub("", text).replace("_", ""))[:32]


def read_badge(value: object, field_name: str = "badge") -> str | None:
    """One skill tag naming a badge ('SVG' -> 'svg'); None when empty; several refused."""
    if value is None or not str(value).strip():
        return None
    tags = normalise_skills(value)
    if len(tags) != 1:
        raise ValidationError(field_name, "Name one skill for the badge, like {name}=svg.",
                              name=field_name)
    return tags[0]


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


def read_whole_number(value: object) -> int | None:
    """'42', '-3', '４２' or '٤٢' -> the number; None for anything else. Only decimal
    digits of any script (a leading minus allowed): never '1e3', '1_000', '+5', '²',
    'inf' or a float, which ``int()`` would take or trip over."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = ascii_digits(str(value).strip())
    negative = text[:1] in ("-", "\u2212")
    digits = text[1:] if negative else text
    if not digits or len(digits) > 18 or not all("0" <= ch <= "9" for ch in digits):
        return None
    return -int(digits) if negative else int(digits)


def parse_int(value: object, field_name: str, *, minimum: int, maximum: int) -> int:
    n = read_whole_number(value)
    if n is None:
        raise ValidationError(field_name, "The {name} must be a whole number.",
                              name=field_name)
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
    items: list[str] = field(default_factory=list)  # a queue: one slot per item
    repeat: bool | None = None  # None: on for a queue, off for N identical slots
    qualifies_skill: str | None = None  # a qualification gig for this badge (moderators)
    requires_badge: str | None = None  # only holders of this badge may claim or apply

    @classmethod
    def parse(cls, fields: dict[str, object], *, community_id: int | None = None,
              locale: str | None = "en") -> "GigDraft":
        """Validate raw user input (strings) into a draft, amounts read in the
        writer's ``locale``; raises ValidationError whose ``field`` is the key of the
        offending input."""
        known = {"title", "description", "reward", "currency", "slots", "skills", "mode",
                 "deliver_in", "review_window", "listing_for", "max_revisions", "estimate",
                 "items", "repeat", "qualifies", "requires"}
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
        items = read_items(opt("items")) if opt("items") not in (None, "") else []
        if items and opt("slots") not in (None, "") and read_whole_number(opt("slots")) != len(items):
            raise ValidationError("slots", Plural(
                "A queue has one slot per item: {n} item, so leave slots out (you wrote "
                "slots={slots}).",
                "A queue has one slot per item: {n} items, so leave slots out (you wrote "
                "slots={slots})."), n=len(items), slots=str(opt("slots"))[:10])
        repeat = read_switch(opt("repeat"), "repeat") if opt("repeat") not in (None, "") else None
        return cls(
            items=items, repeat=repeat,
            title=clean_text(fields["title"], "title", min_len=TITLE_MIN, max_len=TITLE_MAX,
                             single_line=True),
            description=clean_text(opt("description", ""), "description", max_len=DESCRIPTION_MAX),
            reward_minor=parse_amount(fields["reward"], currency, locale=locale),
            currency=currency,
            skills=normalise_skills(opt("skills")),
            slots=len(items) if items else parse_int(opt("slots", 1), "slots", minimum=1,
                                                     maximum=MAX_SLOTS),
            mode=str(opt("mode") or "claim").strip().lower(),
            community_id=community_id,
            qualifies_skill=read_badge(opt("qualifies"), "qualifies"),
            requires_badge=read_badge(opt("requires"), "requires"),
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
        items = check_items(self.items) if self.items else []
        if items and self.slots != len(items):
            raise ValidationError("slots", "A queue has one slot per item: {n} items, so leave "
                                  "slots out (you wrote slots={slots}).", n=len(items),
                                  slots=str(self.slots))
        if self.qualifies_skill and self.qualifies_skill == self.requires_badge:
            raise ValidationError("requires", "A qualification gig for {badge} cannot require "
                                  "{badge}: nobody could earn it.", badge=self.qualifies_skill)
        return replace(
            self, currency=currency, skills=normalise_skills(self.skills), items=items,
            repeat=bool(items) if self.repeat is None else bool(self.repeat),
            qualifies_skill=read_badge(self.qualifies_skill, "qualifies"),
            requires_badge=read_badge(self.requires_badge, "requires"),
            title=clean_text(self.title, "title", min_len=TITLE_MIN, max_len=TITLE_MAX,
                             single_line=True),
            description=clean_text(self.description, "description", max_len=DESCRIPTION_MAX))


_HOUR_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_HOURS_SPLIT_RE = re.compile(r"\s*[-\u2010-\u2015]\s*|\s+to\s+")
ANY_HOURS = ("any", "anytime", "always", "0-24", "24/7")


@dataclass(frozen=True)
class WorkingHours:
    """Local hours in which someone wants new gigs pushed: ``start`` to ``end``
    (0-24); ``start > end`` wraps midnight. ``read_as_afternoon``: the person wrote a
    12-hour window like ``9-5`` and it was read as 09:00-17:00."""

    start: int
    end: int
    read_as_afternoon: bool = False

    @property
    def overnight(self) -> bool:
        return self.start > self.end

    @property
    def any_time(self) -> bool:
        return (self.start, self.end) == (0, 24)


def read_working_hours(value: object) -> WorkingHours:
    """'9-17' -> 9..17; '22-6' wraps midnight; '9am-5pm' -> 9..17; 'any' -> 0..24.
    A bare '9-5' (both 1-12, no leading zero, am/pm or minutes, end before start) is
    a 12-hour window: 09:00-17:00, flagged so the reply can say how it was read."""
    text = ascii_digits(str(value if value is not None else "")).strip().lower()
    if text in ANY_HOURS:
        return WorkingHours(0, 24)
    parts = _HOURS_SPLIT_RE.split(text)
    matches = [_HOUR_RE.match(p) for p in parts]
    if len(parts) != 2 or not all(matches):
        raise ValidationError("hours", "Write working hours like 9-17 (local time) or 'any'.")
    if any(m.group(2) not in (None, "00") for m in matches):
        raise ValidationError("hours", "Working hours are whole hours, like 9-17.")
    hours = []
    for m, label, low, high in ((matches[0], "start hour", 0, 23), (matches[1], "end hour", 1, 24)):
        n = int(m.group(1))
        if m.group(3):  # 12-hour clock: 12am is midnight, 12pm noon
            n = parse_int(n, label, minimum=1, maximum=12) % 12 + (12 if "p" in m.group(3) else 0)
            n = 24 if label == "end hour" and n == 0 else n
        hours.append(parse_int(n, label, minimum=low, maximum=high))
    start, end = hours
    afternoon = (not any(m.group(2) or m.group(3) or m.group(1).startswith("0") for m in matches)
                 and 1 <= end < start <= 12)
    if afternoon:
        end += 12
    if start == end:
        raise ValidationError("hours", "Start and end hour must differ.")
    return WorkingHours(start, end, afternoon)


SWITCH_WORDS = {"on": True, "yes": True, "true": True, "1": True, "si": True, "sí": True,
                "off": False, "no": False, "false": False, "0": False}


def read_switch(value: object, field_name: str) -> bool:
    """'on' / 'off' (and yes/no, true/false, 1/0, sí): anything else is refused,
    never read as off."""
    word = str(value if value is not None else "").strip().lower()
    if word not in SWITCH_WORDS:
        raise ValidationError(field_name, "{name} is on or off, not {value}.",
                              name=field_name, value=repr(word[:20]))
    return SWITCH_WORDS[word]


def read_locale(value: object, languages: tuple[str, ...]) -> str:
    """'es', 'ES', 'es-MX' -> 'es' when the product speaks it; anything else is refused
    with the languages there are."""
    word = str(value if value is not None else "").strip().replace("_", "-").lower()
    lang = word.split("-")[0]
    if lang not in languages:
        raise ValidationError("locale", "Unknown language {value}. Languages: {languages}.",
                              value=repr(word[:20]), languages=", ".join(languages))
    return lang
