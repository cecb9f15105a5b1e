"""Money as integer minor units: reading amounts as people type them (the reader's
decimal comma and grouping, any script's digits, a currency sign) into minor units per
ISO 4217 exponent, formatting for display, and the platform fee arithmetic."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, get_currency_symbol, get_decimal_symbol, get_group_symbol

from core.domain.errors import Plural, ValidationError

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

MAX_AMOUNT_TEXT = 32
_POINTS = ".\uff0e"  # full stop, full-width full stop
_COMMAS = ",\uff0c"  # comma, full-width comma
_ARABIC_DECIMAL = "\u066b"
# Marks that only ever group digits: spaces (fr: U+202F), apostrophes (de-CH), Arabic U+066C.
_GROUP_MARKS = " \u00a0\u202f\u2009\u2007'\u2019\u02bc\u066c"
_MINUS = "-\u2212\u2010\u2013\ufe63\uff0d"


def normalise_currency(code: str | None) -> str:
    cur = (code or "").strip().lower()
    if cur not in CURRENCY_EXPONENTS:
        raise ValidationError(
            "currency", "Unknown currency {code}. Use a 3-letter code such as USD or EUR.",
            code=repr(code), value=code,
        )
    return cur


def split_currency(text: object) -> tuple[str, str | None]:
    """'12,50 eur', 'EUR 12,50', '€12,50' -> ('12,50...', 'eur'): the amount and the
    currency its code or sign names, if any (the sign stays for ``parse_amount``)."""
    body = str(text if text is not None else "").strip()
    words = body.split()
    for word, rest in ((words[-1:], words[:-1]), (words[:1], words[1:])):
        if len(words) > 1 and word[0].isalpha() and word[0].lower() in CURRENCY_EXPONENTS:
            return " ".join(rest), word[0].lower()
    by_sign = {sign: cur for cur, sign in CURRENCY_SYMBOLS.items() if sign != "$"}
    for sign, cur in by_sign.items():
        if body.startswith(sign) or body.endswith(sign):
            return body, cur
    return body, None


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS[normalise_currency(currency)]


def ascii_digits(text: str) -> str:
    """'١٢' or '１２' -> '12': every Unicode decimal digit (category Nd) becomes its ASCII
    digit, everything else stays. Superscripts ('²') and fractions ('½') are not decimal
    digits, so they stay and a number parser refuses them."""
    return "".join(str(unicodedata.decimal(ch)) if not ch.isascii()
                   and unicodedata.category(ch) == "Nd" else ch for ch in text)


@lru_cache(maxsize=64)
def _babel_locale(locale: str | None) -> Locale:
    try:
        return Locale.parse((locale or "en").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en")


def number_symbols(locale: str | None) -> tuple[str, str]:
    """The reader's (decimal, group) symbols from CLDR: 'en' -> ('.', ','), 'es' -> (',', '.')."""
    loc = _babel_locale(locale)
    return get_decimal_symbol(loc), get_group_symbol(loc)


def _written(amount: Decimal, places: int, locale: str | None, *, grouped: bool = False) -> str:
    """An amount the way this reader writes it (``12,50`` in es), for examples."""
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * places if places else "")
    return format_decimal(amount, format=pattern, locale=_babel_locale(locale))


def _example(exp: int, locale: str | None) -> str:
    return _written(Decimal("12.5") if exp else Decimal(25), exp, locale)


class _Refusal:
    """What every refusal of one ``parse_amount`` call says: the field, the currency
    and an example in the reader's format."""

    def __init__(self, field: str, cur: str, locale: str | None, text: str) -> None:
        self.field, self.cur, self.locale, self.text = field, cur, locale, text
        self.exp = CURRENCY_EXPONENTS[cur]

    def params(self, **extra: object) -> dict[str, object]:
        return {"name": self.field, "currency": self.cur.upper(),
                "example": _example(self.exp, self.locale), **extra}

    def unreadable(self) -> ValidationError:
        grouped = _written(Decimal("1000.5") if self.exp else Decimal(1000), self.exp,
                           self.locale, grouped=True)
        return ValidationError(self.field, "{value} is not an amount I can read. Write the "
                               "{name} like {example} or {grouped}.",
                               **self.params(value=repr(self.text[:24]), grouped=grouped))


def _strip_currency(text: str, cur: str, locale: str | None, refuse: _Refusal) -> str:
    """'€12,50', '12,50 €', 'EUR 12,50' -> '12,50' for a EUR amount; another currency's
    sign or code is refused rather than silently read as this one."""
    code = cur.upper()
    en_symbol = get_currency_symbol(code, "en")
    signs = {code, get_currency_symbol(code, _babel_locale(locale)), en_symbol,
             CURRENCY_SYMBOLS.get(cur, "")}
    if en_symbol[-1:] and unicodedata.category(en_symbol[-1]) == "Sc":
        signs.add(en_symbol[-1])  # '$' for CA$, A$, NZ$...
    for sign in sorted(signs - {""}, key=len, reverse=True):
        if text.upper().startswith(sign.upper()):
            text = text[len(sign):].strip()
            break
        if text.upper().endswith(sign.upper()):
            text = text[:-len(sign)].strip()
            break
    other = "".join(ch for ch in text if unicodedata.category(ch) == "Sc")
    for word in (text[:3], text[-3:]):
        if word.upper() in (c.upper() for c in CURRENCY_EXPONENTS) and word.isalpha():
            other = word.upper()
    if other:
        raise ValidationError(refuse.field, "{sign} is not {currency}: write the {name} in "
                              "{currency}, like {example}, or set the currency.",
                              **refuse.params(sign=other))
    return text


def _digits_and_marks(text: str, group_symbol: str, refuse: _Refusal) -> str:
    """Each character as a digit, '.', ',', 'D' (a decimal separator that cannot be a
    group: Arabic U+066B) or 'G' (a group mark that cannot be a decimal: spaces,
    apostrophes, Arabic U+066C, the reader's own group symbol when it is neither)."""
    out = []
    for ch in ascii_digits(text):
        if "0" <= ch <= "9":
            out.append(ch)
        elif ch in _POINTS:
            out.append(".")
        elif ch in _COMMAS:
            out.append(",")
        elif ch == _ARABIC_DECIMAL:
            out.append("D")
        elif ch in _GROUP_MARKS or ch == group_symbol:
            out.append("G")
        else:
            raise refuse.unreadable()
    return "".join(out)


def _grouped_ok(integer: str, marks: str) -> bool:
    """'1,000,000' is grouped in thousands; '1,00,000', '12.5.3' and ',5' are not."""
    groups = re.split("[" + re.escape(marks) + "]", integer)
    return (all(g.isdigit() for g in groups) and 1 <= len(groups[0]) <= 3
            and not (groups[0].startswith("0") and len(groups) > 1)
            and all(len(g) == 3 for g in groups[1:]))


def _read(s: str, refuse: _Refusal) -> tuple[str, str]:
    """Marks and digits -> (integer digits, fraction digits), or a refusal. The
    decimal separator is the one that cannot be anything else; a lone '.' or ','
    before exactly three digits is decided by the reader's locale or refused."""
    decimal_symbol, group_symbol = number_symbols(refuse.locale)
    seps = [c for c in ".,D" if c in s]
    if "D" in s:
        decimal = "D"
    elif len(seps) == 2:
        decimal = s[max(s.rfind("."), s.rfind(",")):][0]  # the last one: 1.000,50 / 1,000.50
    elif len(seps) == 1 and s.count(seps[0]) == 1:
        sep = seps[0]
        after = s.rsplit(sep, 1)[1]
        if "G" in s or len(after) != 3:
            decimal = sep
        elif sep == group_symbol:
            decimal = None
        elif sep == decimal_symbol and refuse.exp >= 3:
            decimal = sep
        else:
            raise _ambiguous(s.replace("G", ""), sep, refuse)
    else:
        decimal = None  # no separator, or one repeated: grouping only
    integer, _, fraction = s.partition(decimal) if decimal else (s, "", "")
    marks = "".join(c for c in ".,G" if c in integer)
    if decimal and (s.count(decimal) != 1 or not fraction.isdigit()):
        raise refuse.unreadable()
    if len(set(marks)) > 1 or not (integer.isdigit() or (marks and _grouped_ok(integer, marks))):
        raise refuse.unreadable()
    return "".join(c for c in integer if c.isdigit()), fraction


def _ambiguous(s: str, sep: str, refuse: _Refusal) -> ValidationError:
    whole, fraction = s.replace(sep, ""), Decimal(s.replace(sep, "."))
    whole_text = _written(Decimal(whole), 0, refuse.locale)
    if refuse.exp == 0:
        return ValidationError(refuse.field, "I can't tell whether {text} means {whole} or "
                               "{decimal}. {currency} has no decimals: write {whole}.",
                               **refuse.params(text=refuse.text, whole=whole_text, decimal=_written(
                                   fraction.normalize(), 0, refuse.locale)))
    places = min(3, max(refuse.exp, -fraction.normalize().as_tuple().exponent))
    return ValidationError(refuse.field, Plural(
        "{currency} has {exp} decimal place, so I can't tell whether {text} means {whole} or "
        "{decimal}. Write {whole}, or {exp} decimal like {example}.",
        "{currency} has {exp} decimal places, so I can't tell whether {text} means {whole} or "
        "{decimal}. Write {whole}, or {exp} decimals like {example}.", count="exp"),
        **refuse.params(
                               text=refuse.text, whole=whole_text, exp=refuse.exp,
                               decimal=_written(fraction, places, refuse.locale)))


def parse_amount(value: object, currency: str, *, field: str = "reward",
                 locale: str | None = "en", allow_zero: bool = False) -> int:
    """What someone typed (``"12,50"``, ``"1.000,50 €"``, ``"１２.５"``, a ``Decimal``)
    -> minor units of ``currency``, read with the ``locale``'s decimal and group
    symbols (Babel). The one parser of every money field.

    Refuses, with an example in the reader's format: anything that could be read as
    two numbers (``12.5.3``; ``1,000`` where a comma is the decimal), exponents and
    underscores (``1e3``, ``1_000``), NaN/infinity, negatives, zero (unless
    ``allow_zero``), another currency's sign, more decimals than the currency has and
    absurd sizes."""
    cur = normalise_currency(currency)
    exp = CURRENCY_EXPONENTS[cur]
    if isinstance(value, bool) or value is None:
        raise ValidationError(field, "The {name} must be an amount such as {example}.",
                              **_Refusal(field, cur, locale, "").params())
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        value = format(value, "f") if value.is_finite() else str(value)
    text = str(value).strip()
    refuse = _Refusal(field, cur, locale, text[:24])
    if not text:
        raise ValidationError(field, "The {name} must be an amount such as {example}.",
                              **refuse.params())
    if len(text) > MAX_AMOUNT_TEXT:
        raise refuse.unreadable()
    negative = text[0] in _MINUS
    body = _strip_currency(text.lstrip(_MINUS).strip(), cur, locale, refuse)
    negative = negative or body[:1] in _MINUS
    body = body.lstrip(_MINUS).strip()
    lowered = body.lower()
    if lowered in ("inf", "infinity", "nan", "snan", "∞"):
        raise ValidationError(field, "The {name} must be a finite number, like {example}.",
                              **refuse.params())
    if "_" in body or re.search(r"\d\s*e", ascii_digits(lowered)):
        raise ValidationError(field, "Write the {name} with plain digits, like {example}: "
                              "{value} is not read as a number here.",
                              **refuse.params(value=text[:24]))
    integer, fraction = _read(_digits_and_marks(body, number_symbols(locale)[1], refuse), refuse)
    if negative:
        raise ValidationError(field, "The {name} cannot be negative." if allow_zero
                              else "The {name} must be more than zero.", **refuse.params())
    fraction = fraction[:exp] + fraction[exp:].rstrip("0")  # 25.00 JPY is 25: no guess
    if len(fraction) > exp:
        raise ValidationError(field, "{currency} has no decimal places; write the {name} "
                              "like {example}." if exp == 0 else Plural(
                                  "{currency} has {exp} decimal place; {text} has more.",
                                  "{currency} has {exp} decimal places; {text} has more.",
                                  count="exp"), **refuse.params(exp=exp, text=text[:24]))
    amount = Decimal(f"{integer}.{fraction or 0}")
    if amount == 0 and not allow_zero:
        raise ValidationError(field, "The {name} must be more than zero.", **refuse.params())
    if amount > MAX_REWARD_MAJOR:
        raise ValidationError(field, "The {name} is too large: at most {maximum} {currency} "
                              "per slot.", **refuse.params(maximum=f"{MAX_REWARD_MAJOR:,}"))
    return int(amount.scaleb(exp))


def format_amount(minor: int, currency: str) -> str:
    cur = currency.lower()
    exp = CURRENCY_EXPONENTS.get(cur, 2)
    sign = "-" if minor < 0 else ""
    q = Decimal(abs(minor)).scaleb(-exp)
    body = f"{q:,.{exp}f}"
    return f"{sign}{body} {cur.upper()}"


@dataclass(frozen=True)
class Amount:
    """An amount among a refusal's parameters: ``str()`` is English (``25.00 USD``);
    the conversation layer writes it the way its reader writes money."""

    minor: int
    currency: str

    def __str__(self) -> str:
        return format_amount(self.minor, self.currency)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


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
