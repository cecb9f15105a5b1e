"""Money as integer minor units: parsing user input into minor units per ISO 4217
exponent, formatting for display, and the platform fee arithmetic."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.domain.errors import ValidationError

# ISO 4217 minor-unit exponents for the currencies we accept.
CURRENCY_EXPONENTS: dict[str, int] = {
    "usd": 2, "eur": 2, "gbp": 2, "cad": 2, "aud": 2, "nzd": 2, "chf": 2,
    "sek": 2, "nok": 2, "dkk": 2, "pln": 2, "czk": 2, "huf": 2, "ron": 2,
    "inr": 2, "brl": 2, "mxn": 2, "sgd": 2, "hkd": 2, "zar": 2, "try": 2,
    "ils": 2, "aed": 2, "php": 2, "thb": 2, "myr": 2, "idr": 2, "uah": 2,
    "jpy": 0, "krw": 0, "vnd": 0, "clp": 0, "isk": 0,
    "bhd": 3, "kwd": 3, "jod": 3, "omr": 3, "tnd": 3,
}
CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹"}

# No single slot may pay more than this many major units: it stops fat-finger
# and overflow input long before 64-bit integers are in danger.
MAX_REWARD_MAJOR = 100_000
MAX_SLOTS = 1_000


def normalise_currency(code: str | None) -> str:
    cur = (code or "").strip().lower()
    if cur not in CURRENCY_EXPONENTS:
        raise ValidationError(
            "currency", "Unknown currency {code}. Use a 3-letter code such as USD or EUR.",
            code=repr(code), value=code,
        )
    return cur


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS[normalise_currency(currency)]


def parse_amount(value: object, currency: str, *, field: str = "reward") -> int:
    """User input (``"25"``, ``"12.50"``, ``Decimal``) -> positive minor units.

    Refuses zero, negatives, NaN/infinity, more decimals than the currency has
    and absurd sizes, with a message that says what would be accepted."""
    cur = normalise_currency(currency)
    exp = CURRENCY_EXPONENTS[cur]
    if isinstance(value, bool) or value is None:
        raise ValidationError(field, "The {name} must be a number.", name=field)
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").lstrip(CURRENCY_SYMBOLS.get(cur, "") or "\0")
    if not text or len(text) > 24:
        raise ValidationError(field, "The {name} must be a number such as 25 or 12.50.",
                              name=field)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(field, "{value} is not a number. Write the {name} like 25 or 12.50.",
                              value=repr(value), name=field) from None
    if not amount.is_finite():
        raise ValidationError(field, "The {name} must be a finite number.", name=field)
    if amount <= 0:
        raise ValidationError(field, "The {name} must be more than zero.", name=field)
    if amount > MAX_REWARD_MAJOR:
        raise ValidationError(
            field, "The {name} is too large: at most {maximum} {currency} per slot.",
            name=field, maximum=f"{MAX_REWARD_MAJOR:,}", currency=cur.upper(),
        )
    minor = amount.scaleb(exp)
    if minor != minor.to_integral_value():
        raise ValidationError(
            field, "{currency} has {exp} decimal place; {text} has more." if exp == 1 else
            "{currency} has {exp} decimal places; {text} has more.",
            currency=cur.upper(), exp=exp, text=text,
        )
    return int(minor)


def format_amount(minor: int, currency: str) -> str:
    cur = currency.lower()
    exp = CURRENCY_EXPONENTS.get(cur, 2)
    sign = "-" if minor < 0 else ""
    q = Decimal(abs(minor)).scaleb(-exp)
    body = f"{q:,.{exp}f}"
    return f"{sign}{body} {cur.upper()}"


def fee_for(reward_minor: int, fee_bps: int) -> int:
    """The platform fee on one slot, rounded up to a whole minor unit."""
    return -(-reward_minor * fee_bps // 10_000)


@dataclass(frozen=True)
class Price:
    """What funding a gig costs the client: rewards for every slot plus the fee.
    The one place the gig total ``(reward + fee) * slots`` is computed; ``Gig.price``
    gives a gig's, ``for_slots`` the part of it that some of its slots stand for
    (a refund of unclaimed slots, a late payment)."""

    reward_minor: int
    slots: int
    fee_per_slot: int
    currency: str

    @property
    def rewards_total(self) -> int:
        return self.reward_minor * self.slots

    @property
    def fee_total(self) -> int:
        return self.fee_per_slot * self.slots

    @property
    def total(self) -> int:
        return self.rewards_total + self.fee_total

    @property
    def per_slot(self) -> int:
        """One slot's share: its reward and its fee."""
        return self.reward_minor + self.fee_per_slot

    def for_slots(self, slots: int) -> "Price":
        """The same price for ``slots`` slots of the gig."""
        return Price(self.reward_minor, slots, self.fee_per_slot, self.currency)
