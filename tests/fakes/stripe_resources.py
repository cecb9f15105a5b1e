"""Stripe resources that localstripe lacks, for the fake Stripe API (``stripe_api.py``).

Implemented here, with the object shapes, parameter names and error bodies of the
real API (as far as the stripe 16 SDK parses them):

* Checkout Sessions (``mode=payment`` with ``line_items[][price_data]``), their
  line items, ``expire``, and the test-side completion that creates a localstripe
  PaymentIntent + Charge;
* Connect: Express/Standard/Custom accounts, Account Links, Login Links, and the
  test-side onboarding completion;
* Transfers and transfer reversals (with Stripe's capability check on the
  destination, ``source_transaction`` limits and the platform balance);
* Refunds (replacing localstripe's create/list so that over-refunds, refunds of
  disputed charges and ``reason`` behave like Stripe), disputes, the balance, and
  the event list/retrieve endpoints.

Every handler takes the unflattened request parameters (``dict``) plus the path
parameters and returns the JSON object to send, or raises :class:`ApiError`, which
the server turns into Stripe's ``{"error": {...}}`` body.  Objects are plain
dicts; localstripe objects (PaymentIntent, Charge, Refund, PaymentMethod) are
used through localstripe's own classes so that its endpoints keep working on them.
"""

from __future__ import annotations

import copy
import secrets
import string
import time
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Callable, Iterable
from urllib.parse import urlsplit

import localstripe.resources as ls
from localstripe.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from .stripe_api import FakeStripe

_ALNUM = string.ascii_letters + string.digits
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg",
                "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
# Stripe's minimum charge amounts (smallest currency unit) for a few currencies.
MINIMUM_AMOUNT = {"usd": 50, "eur": 50, "gbp": 30, "chf": 50, "cad": 50,
                  "aud": 50, "jpy": 50, "sek": 300, "nok": 300, "dkk": 250}
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}


def rand(n: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(n))


def now() -> int:
    return int(time.time())


def format_amount(amount: int, currency: str) -> str:
    """``1234, "usd"`` -> ``"$12.34"`` (as Stripe writes amounts in messages)."""
    currency = currency.lower()
    if currency in ZERO_DECIMAL:
        text = str(amount)
    else:
        text = f"{amount / 100:.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


class ApiError(Exception):
    """An error answered with Stripe's JSON error body."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None, **extra: Any):
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.extra = extra

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            err["code"] = self.code
            err["doc_url"] = "https://stripe.com/docs/error-codes/" + self.code.replace("_", "-")
        if self.param:
            err["param"] = self.param
        err.update(self.extra)
        return {"error": err}


class FakeStripeUsageError(Exception):
    """A test helper of the fake was called in a way that makes no sense."""


def missing(param: str) -> ApiError:
    return ApiError(400, f"Missing required param: {param}.", code="parameter_missing", param=param)


def no_such(kind: str, id: str, param: str | None = None) -> ApiError:
    # A missing object in the URL path is a 404; one named by a parameter is a 400.
    return ApiError(404 if param is None else 400, f"No such {kind}: '{id}'",
                    code="resource_missing", param=param)


def invalid(param: str, message: str, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def unsupported(param: str, what: str) -> ApiError:
    return ApiError(400, f"The fake Stripe API does not implement {what}.", param=param)


def _valid_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class Params:
    """Typed access to unflattened form parameters, with Stripe's error messages."""

    def __init__(self, data: Any, prefix: str = ""):
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise invalid(prefix or "params", f"Invalid object: {prefix}")
        self.data = dict(data)
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}[{key}]" if self.prefix else key

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] not in (None, "")

    def check_known(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed) | {"expand"}
        for key in self.data:
            if key not in allowed:
                raise ApiError(400, f"Received unknown parameter: {self.name(key)}",
                               param=self.name(key))

    def str(self, key: str, *, required: bool = False, max_len: int | None = None,
            choices: Iterable[str] | None = None) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, str):
            raise invalid(self.name(key), f"Invalid string: {self.name(key)}")
        if max_len is not None and len(value) > max_len:
            raise invalid(self.name(key),
                          f"Invalid string: {value[:20]}...; must be at most {max_len} characters")
        if choices is not None:
            choices = list(choices)
            if value not in choices:
                raise invalid(self.name(key), f"Invalid {self.name(key)}: must be one of "
                              + ", ".join(choices))
        return value

    def int(self, key: str, *, required: bool = False, minimum: int | None = None,
            maximum: int | None = None) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        try:
            number = int(value)
            if isinstance(value, str) and value.strip() != str(number):
                raise ValueError
        except (TypeError, ValueError):
            raise invalid(self.name(key), f"Invalid integer: {value}")
        if minimum is not None and number < minimum:
            raise invalid(self.name(key), f"This value must be greater than or equal to {minimum}.")
        if maximum is not None and number > maximum:
            raise invalid(self.name(key), f"This value must be less than or equal to {maximum}.")
        return number

    def bool(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise invalid(self.name(key), f"Invalid boolean: {value}")

    def sub(self, key: str, *, required: bool = False) -> "Params | None":
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, dict):
            raise invalid(self.name(key), f"Invalid object: {self.name(key)}")
        return Params(value, self.name(key))

    def list(self, key: str) -> list[Any] | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, dict):  # {"0": ..., "1": ...} that was not converted
            try:
                value = [v for _, v in sorted(value.items(), key=lambda kv: int(kv[0]))]
            except ValueError:
                raise invalid(self.name(key), f"Invalid array: {self.name(key)}")
        if not isinstance(value, list):
            value = [value]
        return value

    def metadata(self, key: str = "metadata") -> dict[str, str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if value == "":
            return {}
        if not isinstance(value, dict):
            raise invalid(self.name(key), f"Invalid object: {self.name(key)}")
        if len(value) > 50:
            raise invalid(self.name(key), "You can set a maximum of 50 keys in metadata.")
        out = {}
        for k, v in value.items():
            k = str(k)
            if len(k) > 40:
                raise invalid(f"{self.name(key)}[{k}]",
                              f"Metadata keys can have up to 40 characters, but you passed in a key "
                              f"that is {len(k)} characters.")
            v = "" if v is None else str(v)
            if len(v) > 500:
                raise invalid(f"{self.name(key)}[{k}]",
                              f"Metadata values can have up to 500 characters, but you passed in a "
                              f"value that is {len(v)} characters.")
            out[k] = v
        return out

    def url(self, key: str, *, required: bool = False) -> str | None:
        value = self.str(key, required=required, max_len=5000)
        if value is not None and not _valid_url(value):
            raise invalid(self.name(key), "Not a valid URL", code="url_invalid")
        return value

    def expand(self) -> list[str]:
        value = self.list("expand") or []
        return [str(v) for v in value]


def merge_metadata(current: dict[str, str], update: dict[str, str] | None) -> dict[str, str]:
    """Stripe's metadata update: keys set to "" are removed, others replaced."""
    if update is None:
        return current
    if update == {}:
        return {}
    merged = dict(current)
    for k, v in update.items():
        if v == "":
            merged.pop(k, None)
        else:
            merged[k] = v
    return merged


def created_filter(p: Params) -> Callable[[dict[str, Any]], bool]:
    """Predicate for Stripe's ``created`` / ``created[gt|gte|lt|lte]`` list filter."""
    value = p.data.get("created")
    if value is None or value == "":
        return lambda obj: True
    if not isinstance(value, dict):
        exact = p.int("created")
        return lambda obj: obj["created"] == exact
    sub = Params(value, "created")
    sub.check_known({"gt", "gte", "lt", "lte"})
    bounds = {op: sub.int(op) for op in ("gt", "gte", "lt", "lte")}

    def pred(obj: dict[str, Any]) -> bool:
        c = obj["created"]
        return ((bounds["gt"] is None or c > bounds["gt"])
                and (bounds["gte"] is None or c >= bounds["gte"])
                and (bounds["lt"] is None or c < bounds["lt"])
                and (bounds["lte"] is None or c <= bounds["lte"]))
    return pred


def paginate(items: list[dict[str, Any]], p: Params, url: str, kind: str,
             rank: dict[str, tuple]) -> dict[str, Any]:
    """A Stripe list object over ``items`` (already filtered, newest first).

    ``rank`` maps the id of every object of this kind (filtered or not) to a key
    that grows with age order, so that cursors work like Stripe's.
    """
    limit = p.int("limit", minimum=1, maximum=100) or 10
    after, before = p.str("starting_after"), p.str("ending_before")
    if after and before:
        raise ApiError(400, "You may only specify one of these parameters: ending_before, "
                            "starting_after.")
    if after:
        if after not in rank:
            raise no_such(kind, after, "starting_after")
        rest = [x for x in items if rank[x["id"]] < rank[after]]
        page, has_more = rest[:limit], len(rest) > limit
    elif before:
        if before not in rank:
            raise no_such(kind, before, "ending_before")
        newer = [x for x in items if rank[x["id"]] > rank[before]]
        page, has_more = newer[-limit:], len(newer) > limit
    else:
        page, has_more = items[:limit], len(items) > limit
    return {"object": "list", "data": page, "has_more": has_more, "url": url}


def _expand_children(expand: Iterable[str], head: str) -> list[str]:
    return [e.split(".", 1)[1] for e in expand if e.startswith(head + ".")]


def normalize_ls(obj: Any, expand: Iterable[str] = ()) -> Any:
    """Bring a localstripe export in line with the current API shape.

    localstripe always nests ``latest_charge`` inside PaymentIntents and still
    returns the removed ``charges``/``refunds`` sub-lists; Stripe returns ids unless
    the field is expanded.  Missing fields the SDK users read are filled in.
    """
    expand = list(expand)
    if isinstance(obj, list):
        return [normalize_ls(x, expand) for x in obj]
    if not isinstance(obj, dict):
        return obj
    kind = obj.get("object")
    if kind == "list":
        obj["data"] = [normalize_ls(x, _expand_children(expand, "data")) for x in obj.get("data", [])]
        return obj
    if kind == "payment_intent":
        obj.pop("charges", None)
        charge = obj.get("latest_charge")
        if isinstance(charge, dict):
            if "latest_charge" in expand or _expand_children(expand, "latest_charge"):
                obj["latest_charge"] = normalize_ls(charge, _expand_children(expand, "latest_charge"))
            else:
                obj["latest_charge"] = charge["id"]
        obj.setdefault("transfer_group", None)
        obj.setdefault("description", None)
        obj.setdefault("payment_method_types", ["card"])
        obj.setdefault("amount_received", obj["amount"] if obj.get("status") == "succeeded" else 0)
        obj.setdefault("amount_capturable", obj["amount"] if obj.get("status") == "requires_capture" else 0)
        obj.setdefault("canceled_at", None)
        obj.setdefault("receipt_email", None)
    elif kind == "charge":
        if "refunds" not in expand:
            obj.pop("refunds", None)
        obj.setdefault("transfer_group", None)
        obj.setdefault("amount_captured", obj["amount"] if obj.get("captured") else 0)
        obj.setdefault("disputed", False)
        obj.setdefault("source_transfer", None)
        obj.setdefault("transfer_data", None)
        obj.setdefault("on_behalf_of", None)
        obj.setdefault("application_fee_amount", None)
    elif kind == "refund":
        obj.pop("date", None)
        obj.setdefault("reason", None)
        obj.setdefault("destination_details", None)
        obj.setdefault("transfer_reversal", None)
        obj.setdefault("source_transfer_reversal", None)
    return obj


# Top-level parameters of POST /v1/checkout/sessions (current API).
SESSION_PARAMS = {
    "adaptive_pricing", "after_expiration", "allow_promotion_codes", "automatic_tax",
    "billing_address_collection", "branding_settings", "cancel_url", "client_reference_id",
    "consent_collection", "currency", "custom_fields", "custom_text", "customer",
    "customer_account", "customer_creation", "customer_email", "customer_update", "discounts",
    "excluded_payment_method_types", "expires_at", "invoice_creation", "line_items", "locale",
    "metadata", "mode", "name_collection", "optional_items", "origin_context",
    "payment_intent_data", "payment_method_collection", "payment_method_configuration",
    "payment_method_data", "payment_method_options", "payment_method_types", "permissions",
    "phone_number_collection", "redirect_on_completion", "return_url",
    "saved_payment_method_options", "setup_intent_data", "shipping_address_collection",
    "shipping_options", "submit_type", "subscription_data", "success_url", "tax_id_collection",
    "ui_mode", "wallet_options",
}
PAYMENT_INTENT_DATA_PARAMS = {
    "application_fee_amount", "capture_method", "description", "metadata", "on_behalf_of",
    "receipt_email", "setup_future_usage", "shipping", "statement_descriptor",
    "statement_descriptor_suffix", "transfer_data", "transfer_group",
}
ACCOUNT_PARAMS = {
    "account_token", "business_profile", "business_type", "capabilities", "company",
    "controller", "country", "default_currency", "documents", "email", "external_account",
    "groups", "individual", "metadata", "settings", "tos_acceptance", "type",
}
REFUND_PARAMS = {
    "amount", "charge", "currency", "customer", "instructions_email", "metadata", "origin",
    "payment_intent", "reason", "refund_application_fee", "reverse_transfer",
}
TRANSFER_PARAMS = {
    "amount", "currency", "description", "destination", "metadata", "source_transaction",
    "source_type", "transfer_group",
}
ONBOARDING_REQUIREMENTS = [
    "business_profile.mcc", "business_profile.url", "business_type", "external_account",
    "individual.dob.day", "individual.email", "individual.first_name", "individual.last_name",
    "tos_acceptance.date", "tos_acceptance.ip",
]


class StripeResources:
    """State and request handlers of the resources the fake adds to localstripe."""

    def __init__(self, fake: "FakeStripe"):
        self.fake = fake
        self.objects: dict[str, dict[str, Any]] = {}   # every object created here, by id
        self.sessions_private: dict[str, dict[str, Any]] = {}
        self.available: Counter = Counter()            # platform balance per currency
        self.pending: Counter = Counter()
        self.connected_available: dict[str, Counter] = {}
        self.transferred_from_charge: Counter = Counter()
        self.dispute_of_charge: dict[str, str] = {}

    # ------------------------------------------------------------------ utilities

    def _put(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects[obj["id"]] = obj
        self.fake.created[obj["object"]] += 1
        return obj

    def _all(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects.values() if o["object"] == kind]

    def _get(self, kind: str, id: str | None, param: str | None = None) -> dict[str, Any]:
        obj = self.objects.get(id or "")
        if obj is None or obj["object"] != kind or obj.get("deleted"):
            raise no_such(kind.split(".")[-1] if kind != "checkout.session" else "checkout.session",
                          id or "", param)
        return obj

    def _list(self, kind: str, p: Params, url: str,
              pred: Callable[[dict[str, Any]], bool] = lambda o: True,
              items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        everything = self._all(kind) if items is None else items
        rank = {o["id"]: (o["created"], i) for i, o in enumerate(everything)}
        created = created_filter(p)
        chosen = [o for o in everything if pred(o) and created(o)]
        chosen.sort(key=lambda o: rank[o["id"]], reverse=True)
        page = paginate(chosen, p, url, kind.split(".")[-1], rank)
        expand = _expand_children(p.expand(), "data")
        page["data"] = [self.export(o, expand) for o in page["data"]]
        return page

    def lookup(self, id: str, expand: Iterable[str] = ()) -> dict[str, Any]:
        """Any object by id (ours or localstripe's), exported."""
        if id in self.objects:
            return self.export(self.objects[id], expand)
        cls = ls.StripeObject._get_class_for_id(id)
        if cls is None:
            raise ApiError(400, f"Cannot expand unknown object '{id}'", param="expand")
        try:
            return normalize_ls(cls._api_retrieve(id)._export(), expand)
        except UserError:
            raise no_such(cls.object, id)

    def export(self, obj: dict[str, Any], expand: Iterable[str] = ()) -> dict[str, Any]:
        out = copy.deepcopy(obj)
        for path in expand:
            self._expand(out, path.split("."))
        return out

    def _expand(self, obj: Any, parts: list[str]) -> None:
        if obj is None or not parts:
            return
        if isinstance(obj, list):
            for item in obj:
                self._expand(item, parts)
            return
        head, rest = parts[0], parts[1:]
        if obj.get("object") == "list" and head == "data":
            self._expand(obj["data"], rest)
            return
        if head == "line_items" and obj.get("object") == "checkout.session":
            obj["line_items"] = self._line_items_list(obj["id"])
        elif head not in obj:
            raise ApiError(400, f"This property cannot be expanded ({head}).", param="expand")
        elif isinstance(obj[head], str):
            obj[head] = self.lookup(obj[head], [".".join(rest)] if rest else [])
            return
        self._expand(obj[head], rest)

    def ls_get(self, cls: type, id: str | None, param: str | None = None) -> Any:
        if not id:
            raise missing(param or cls.object)
        try:
            return cls._api_retrieve(id)
        except UserError:
            raise no_such(cls.object, id, param)

    def credit(self, currency: str, amount: int) -> None:
        (self.available if self.fake.funds_available_immediately else self.pending)[currency] += amount

    # ------------------------------------------------------------ checkout sessions

    def create_session(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known(SESSION_PARAMS)
        mode = p.str("mode", required=True, choices=["payment", "setup", "subscription"])
        if mode != "payment":
            raise unsupported("mode", f"Checkout Sessions in {mode} mode")
        ui_mode = p.str("ui_mode", choices=["hosted", "embedded", "custom"]) or "hosted"
        if ui_mode != "hosted":
            raise unsupported("ui_mode", f"ui_mode={ui_mode}")
        if p.has("customer"):
            raise unsupported("customer", "Checkout Sessions for existing customers")
        currency = p.str("currency")
        currency = currency.lower() if currency else None
        raw_items = p.list("line_items")
        if not raw_items:
            raise missing("line_items")
        line_items = []
        for i, raw in enumerate(raw_items):
            item = Params(raw, f"line_items[{i}]")
            item.check_known({"adjustable_quantity", "dynamic_tax_rates", "price", "price_data",
                              "quantity", "tax_rates"})
            if item.has("price"):
                raise no_such("price", item.str("price"), item.name("price"))
            quantity = item.int("quantity", required=True, minimum=1)
            pd = item.sub("price_data")
            if pd is None:
                raise ApiError(400, f"You must specify either `price` or `price_data` in "
                                    f"line_items[{i}].", param=item.name("price_data"))
            pd.check_known({"currency", "product", "product_data", "recurring", "tax_behavior",
                            "unit_amount", "unit_amount_decimal"})
            item_currency = pd.str("currency", required=True).lower()
            if pd.has("recurring"):
                raise ApiError(400, "You specified `payment` mode but passed a recurring price. "
                                    "Either switch to `subscription` mode or use only one-time "
                                    "prices.", param="mode")
            unit = pd.int("unit_amount", minimum=0)
            if unit is None and pd.has("unit_amount_decimal"):
                try:
                    dec = Decimal(pd.str("unit_amount_decimal"))
                except InvalidOperation:
                    raise invalid(pd.name("unit_amount_decimal"), "Invalid decimal")
                if dec != dec.to_integral_value():
                    raise unsupported(pd.name("unit_amount_decimal"), "fractional unit amounts")
                unit = int(dec)
            if unit is None:
                raise missing(pd.name("unit_amount"))
            if pd.has("product"):
                product_id = pd.str("product")
                name = self.ls_get(ls.Product, product_id, pd.name("product")).name
            else:
                prod = pd.sub("product_data")
                if prod is None:
                    raise ApiError(400, f"You must specify either `product` or `product_data` in "
                                        f"line_items[{i}][price_data].", param=pd.name("product_data"))
                prod.check_known({"description", "images", "metadata", "name", "tax_code",
                                  "unit_label", "tax_details"})
                name = prod.str("name", required=True, max_len=250)
                product_id = "prod_" + rand(14)
            if currency is None:
                currency = item_currency
            elif item_currency != currency:
                raise ApiError(400, "All `line_items` must use the same currency as the Checkout "
                                    f"Session ({currency}); line_items[{i}] uses {item_currency}.",
                               param=pd.name("currency"))
            line_items.append({
                "id": "li_1" + rand(23), "object": "item", "amount_discount": 0,
                "amount_subtotal": unit * quantity, "amount_tax": 0, "amount_total": unit * quantity,
                "currency": currency, "description": name, "quantity": quantity,
                "price": {"id": "price_1" + rand(23), "object": "price", "active": False,
                          "billing_scheme": "per_unit", "created": now(), "currency": currency,
                          "livemode": False, "metadata": {}, "product": product_id,
                          "type": "one_time", "unit_amount": unit,
                          "unit_amount_decimal": str(unit), "recurring": None},
            })
        amount_total = sum(li["amount_total"] for li in line_items)
        minimum = MINIMUM_AMOUNT.get(currency)
        if minimum is not None and amount_total < minimum:
            raise ApiError(400, "The Checkout Session's total amount due must add up to at least "
                                f"{format_amount(minimum, currency)} {currency}",
                           param="line_items")
        success_url = p.url("success_url")
        cancel_url = p.url("cancel_url")
        client_reference_id = p.str("client_reference_id", max_len=200)
        customer_email = p.str("customer_email", max_len=800)
        if customer_email is not None and "@" not in customer_email:
            raise invalid("customer_email", f"Invalid email address: {customer_email}",
                          code="email_invalid")
        metadata = p.metadata() or {}
        created = now()
        expires_at = p.int("expires_at")
        if expires_at is None:
            expires_at = created + 24 * 3600
        elif expires_at < created + 30 * 60:
            raise invalid("expires_at", "The `expires_at` timestamp must be at least 30 minutes "
                                        "from Checkout Session creation.")
        elif expires_at > created + 24 * 3600:
            raise invalid("expires_at", "The `expires_at` timestamp must be less than 24 hours "
                                        "from Checkout Session creation.")
        pid = p.sub("payment_intent_data") or Params({}, "payment_intent_data")
        pid.check_known(PAYMENT_INTENT_DATA_PARAMS)
        for key in ("application_fee_amount", "transfer_data", "on_behalf_of"):
            if pid.has(key):
                raise unsupported(pid.name(key), "destination charges (use separate transfers)")
        capture = pid.str("capture_method", choices=["automatic", "automatic_async", "manual"])
        if capture == "manual":
            raise unsupported(pid.name("capture_method"), "manual capture in Checkout")
        pi_data = {
            "metadata": pid.metadata() or {},
            "transfer_group": pid.str("transfer_group"),
            "description": pid.str("description", max_len=1000),
            "receipt_email": pid.str("receipt_email"),
            "statement_descriptor": pid.str("statement_descriptor", max_len=22),
        }
        methods = [str(m) for m in (p.list("payment_method_types") or ["card"])]
        session_id = "cs_test_a1" + rand(56)
        session = {
            "id": session_id, "object": "checkout.session",
            "after_expiration": None, "allow_promotion_codes": p.bool("allow_promotion_codes"),
            "amount_subtotal": amount_total, "amount_total": amount_total,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_address_collection": p.str("billing_address_collection"),
            "cancel_url": cancel_url, "client_reference_id": client_reference_id,
            "client_secret": None, "consent": None, "consent_collection": None,
            "created": created, "currency": currency, "custom_fields": [],
            "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                            "terms_of_service_acceptance": None},
            "customer": None, "customer_creation": p.str("customer_creation") or "if_required",
            "customer_details": None, "customer_email": customer_email,
            "expires_at": expires_at, "invoice": None, "livemode": False,
            "locale": p.str("locale"), "metadata": metadata, "mode": "payment",
            "payment_intent": None, "payment_link": None,
            "payment_method_collection": "if_required", "payment_method_options": {},
            "payment_method_types": methods, "payment_status": "unpaid",
            "phone_number_collection": {"enabled": False}, "recovered_from": None,
            "setup_intent": None, "shipping_address_collection": None, "shipping_cost": None,
            "shipping_options": [], "status": "open", "submit_type": p.str("submit_type"),
            "subscription": None, "success_url": success_url,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted", "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self._put(session)
        self.sessions_private[session_id] = {"line_items": line_items, "pi_data": pi_data}
        return self.export(session, p.expand())

    def _line_items_list(self, session_id: str) -> dict[str, Any]:
        items = copy.deepcopy(self.sessions_private[session_id]["line_items"])
        return {"object": "list", "data": items, "has_more": False,
                "url": f"/v1/checkout/sessions/{session_id}/line_items"}

    def retrieve_session(self, data: dict[str, Any], session: str) -> dict[str, Any]:
        p = Params(data)
        return self.export(self._get("checkout.session", session), p.expand())

    def list_sessions(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"created", "customer", "customer_details", "ending_before", "limit",
                       "payment_intent", "payment_link", "starting_after", "status",
                       "subscription"})
        pi, status = p.str("payment_intent"), p.str("status")
        return self._list("checkout.session", p, "/v1/checkout/sessions",
                          lambda s: (pi is None or s["payment_intent"] == pi)
                          and (status is None or s["status"] == status))

    def list_session_line_items(self, data: dict[str, Any], session: str) -> dict[str, Any]:
        p = Params(data)
        self._get("checkout.session", session)
        items = self.sessions_private[session]["line_items"]
        rank = {li["id"]: (0, -i) for i, li in enumerate(items)}  # first item first
        return paginate(copy.deepcopy(items), p,
                        f"/v1/checkout/sessions/{session}/line_items", "line item", rank)

    def update_session(self, data: dict[str, Any], session: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"metadata", "collected_information", "shipping_options", "line_items"})
        s = self._get("checkout.session", session)
        if p.has("line_items") or p.has("shipping_options") or p.has("collected_information"):
            raise unsupported("line_items", "updating Checkout Session line items")
        s["metadata"] = merge_metadata(s["metadata"], p.metadata())
        return self.export(s, p.expand())

    def expire_session(self, data: dict[str, Any], session: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known(set())
        s = self._get("checkout.session", session)
        if s["status"] != "open":
            raise ApiError(400, 'Only Checkout Sessions with a status in ["open"] can be expired.')
        s.update(status="expired", url=None)
        self.fake.emit("checkout.session.expired", s)
        return self.export(s, p.expand())

    def complete_checkout(self, session_id: str, *, email: str | None = None,
                          name: str | None = None) -> dict[str, Any]:
        s = self.objects.get(session_id)
        if s is None or s["object"] != "checkout.session":
            raise FakeStripeUsageError(f"no Checkout Session {session_id!r}")
        if s["status"] != "open":
            raise FakeStripeUsageError(f"Checkout Session {session_id} is {s['status']}, not open")
        pi_data = self.sessions_private[session_id]["pi_data"]
        email = email or s["customer_email"] or "payer@example.com"
        name = name or "Test Payer"
        year = time.gmtime().tm_year + 3
        pm = ls.PaymentMethod(type="card", billing_details={"email": email, "name": name},
                              card={"number": "4242424242424242", "exp_month": 12,
                                    "exp_year": year, "cvc": "123"})
        pi = ls.PaymentIntent(amount=s["amount_total"], currency=s["currency"],
                              payment_method=pm.id, metadata=dict(pi_data["metadata"]))
        pi.transfer_group = pi_data["transfer_group"]
        pi.description = pi_data["description"]
        pi.receipt_email = pi_data["receipt_email"]
        pi.payment_method_types = list(s["payment_method_types"])
        self.fake.emit("payment_intent.created", normalize_ls(pi._export()))
        pi._confirm(on_failure_now=pi._report_failure)  # localstripe emits payment_intent.succeeded
        charge = pi.latest_charge
        charge.transfer_group = pi_data["transfer_group"]
        charge.description = pi_data["description"]
        charge.receipt_email = pi_data["receipt_email"]
        charge.amount_captured = charge.amount
        charge.disputed = False
        charge.billing_details = {"address": None, "email": email, "name": name, "phone": None}
        charge.payment_method_details = {"type": "card", "card": {
            "brand": "visa", "country": "US", "exp_month": 12, "exp_year": year,
            "funding": "credit", "last4": "4242", "network": "visa"}}
        charge.outcome = {"network_status": "approved_by_network", "reason": None,
                          "risk_level": "normal", "seller_message": "Payment complete.",
                          "type": "authorized"}
        charge.receipt_url = "https://pay.stripe.com/receipts/payment/" + rand(60)
        charge.calculated_statement_descriptor = pi_data["statement_descriptor"] or "GIGBROKER"
        self.credit(s["currency"], s["amount_total"])
        self.fake.emit("charge.succeeded", normalize_ls(charge._export()))
        s.update(status="complete", payment_status="paid", payment_intent=pi.id, url=None,
                 customer_details={"address": None, "email": email, "name": name, "phone": None,
                                   "tax_exempt": "none", "tax_ids": []})
        self.fake.emit("checkout.session.completed", s)
        return {"session": self.export(s), "payment_intent": pi.id, "charge": charge.id}

    def expire_checkout(self, session_id: str) -> dict[str, Any]:
        s = self.objects.get(session_id)
        if s is None or s["status"] != "open":
            raise FakeStripeUsageError(f"Checkout Session {session_id} is not open")
        s.update(status="expired", url=None)
        self.fake.emit("checkout.session.expired", s)
        return self.export(s)

    # ---------------------------------------------------------------------- Connect

    def create_account(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known(ACCOUNT_PARAMS)
        acct_type = p.str("type", choices=["custom", "express", "standard"])
        controller = p.sub("controller")
        if acct_type and controller:
            raise ApiError(400, "You cannot specify both `type` and `controller`.", param="type")
        if acct_type is None and controller is not None:
            dash = (controller.sub("stripe_dashboard") or Params({})).str("type") or "full"
            acct_type = {"express": "express", "full": "standard", "none": "custom"}.get(dash, "standard")
        acct_type = acct_type or "standard"
        country = (p.str("country") or "US").upper()
        if len(country) != 2:
            raise invalid("country", f"Country '{country}' is unknown. Try using a 2-character "
                                     "alphanumeric country code instead, such as 'US', 'EG', or 'GB'.")
        email = p.str("email")
        if email is not None and "@" not in email:
            raise invalid("email", f"Invalid email address: {email}", code="email_invalid")
        caps = p.sub("capabilities")
        requested: list[str] = []
        if caps is not None:
            for cap, spec in caps.data.items():
                cp = Params(spec, caps.name(cap))
                cp.check_known({"requested"})
                if cp.bool("requested"):
                    requested.append(cap)
        elif acct_type == "custom":
            raise ApiError(400, "You must request at least one capability for Custom accounts.",
                           param="capabilities")
        else:
            requested = ["card_payments", "transfers"]
        default_currency = (p.str("default_currency") or
                            {"US": "usd", "GB": "gbp", "CA": "cad", "AU": "aud", "JP": "jpy",
                             "CH": "chf"}.get(country, "eur")).lower()
        acct_id = "acct_1" + rand(15)
        bp = p.sub("business_profile")
        account = {
            "id": acct_id, "object": "account",
            "business_profile": {"mcc": None, "name": None, "product_description": None,
                                 "support_email": None, "url": None,
                                 **({k: v for k, v in bp.data.items()} if bp else {})},
            "business_type": p.str("business_type"),
            "capabilities": {cap: "inactive" for cap in sorted(requested)},
            "charges_enabled": False,
            "controller": {"fees": {"payer": "application_express" if acct_type == "express"
                                    else "application"},
                           "is_controller": True, "losses": {"payments": "application"},
                           "requirement_collection": "stripe" if acct_type != "custom" else "application",
                           "stripe_dashboard": {"type": {"express": "express", "standard": "full",
                                                         "custom": "none"}[acct_type]},
                           "type": "application"},
            "country": country, "created": now(), "default_currency": default_currency,
            "details_submitted": False, "email": email,
            "external_accounts": {"object": "list", "data": [], "has_more": False,
                                  "total_count": 0, "url": f"/v1/accounts/{acct_id}/external_accounts"},
            "future_requirements": {"alternatives": [], "current_deadline": None,
                                    "currently_due": [], "disabled_reason": None, "errors": [],
                                    "eventually_due": [], "past_due": [],
                                    "pending_verification": []},
            "metadata": p.metadata() or {},
            "payouts_enabled": False,
            "requirements": {"alternatives": [], "current_deadline": None,
                             "currently_due": list(ONBOARDING_REQUIREMENTS),
                             "disabled_reason": "requirements.past_due", "errors": [],
                             "eventually_due": list(ONBOARDING_REQUIREMENTS),
                             "past_due": list(ONBOARDING_REQUIREMENTS),
                             "pending_verification": []},
            "settings": {"payouts": {"debit_negative_balances": True,
                                     "schedule": {"delay_days": 2, "interval": "daily"},
                                     "statement_descriptor": None}},
            "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
            "type": acct_type,
        }
        self._put(account)
        self.connected_available[acct_id] = Counter()
        return self.export(account, p.expand())

    def retrieve_account(self, data: dict[str, Any], account: str) -> dict[str, Any]:
        return self.export(self._get("account", account), Params(data).expand())

    def list_accounts(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"created", "ending_before", "limit", "starting_after"})
        return self._list("account", p, "/v1/accounts",
                          lambda a: not a.get("deleted"))

    def update_account(self, data: dict[str, Any], account: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known(ACCOUNT_PARAMS - {"type", "country", "controller"})
        acct = self._get("account", account)
        previous: dict[str, Any] = {}
        if p.data.get("metadata") is not None:
            previous["metadata"] = copy.deepcopy(acct["metadata"])
            acct["metadata"] = merge_metadata(acct["metadata"], p.metadata())
        if p.has("email"):
            previous["email"] = acct["email"]
            acct["email"] = p.str("email")
        bp = p.sub("business_profile")
        if bp is not None:
            previous["business_profile"] = copy.deepcopy(acct["business_profile"])
            acct["business_profile"].update(bp.data)
        if p.has("business_type"):
            previous["business_type"] = acct["business_type"]
            acct["business_type"] = p.str("business_type")
        if previous:
            self.fake.emit("account.updated", acct, previous_attributes=previous, account=account)
        return self.export(acct, p.expand())

    def delete_account(self, data: dict[str, Any], account: str) -> dict[str, Any]:
        acct = self._get("account", account)
        acct["deleted"] = True
        return {"id": account, "object": "account", "deleted": True}

    def create_account_link(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"account", "collect", "collection_options", "refresh_url", "return_url",
                       "type"})
        account_id = p.str("account", required=True)
        link_type = p.str("type", required=True, choices=["account_onboarding", "account_update"])
        acct = self._get("account", account_id, "account")
        refresh_url = p.url("refresh_url")
        return_url = p.url("return_url")
        if acct["type"] == "standard" and link_type == "account_update":
            raise invalid("type", "You cannot create `account_update` type Account Links for "
                                  "Standard accounts.")
        created = now()
        link = {"object": "account_link", "created": created, "expires_at": created + 300,
                "url": f"https://connect.stripe.com/setup/e/{account_id}/{rand(12)}"}
        self.fake.created["account_link"] += 1
        self.fake.account_links.append({**link, "account": account_id, "type": link_type,
                                        "refresh_url": refresh_url, "return_url": return_url})
        return link

    def create_login_link(self, data: dict[str, Any], account: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known(set())
        acct = self._get("account", account)
        if acct["type"] != "express":
            raise ApiError(400, "Login links can only be created for Express accounts.",
                           param="account")
        if not acct["details_submitted"]:
            raise ApiError(400, "Cannot create a login link for an account that has not "
                                "completed onboarding.", param="account")
        self.fake.created["login_link"] += 1
        return {"object": "login_link", "created": now(),
                "url": f"https://connect.stripe.com/express/{rand(12)}"}

    def _set_account_status(self, account_id: str, enabled: bool,
                            charges: bool | None = None, payouts: bool | None = None) -> dict[str, Any]:
        acct = self.objects.get(account_id)
        if acct is None or acct["object"] != "account":
            raise FakeStripeUsageError(f"no account {account_id!r}")
        charges = enabled if charges is None else charges
        payouts = enabled if payouts is None else payouts
        previous = {k: copy.deepcopy(acct[k]) for k in
                    ("capabilities", "charges_enabled", "details_submitted", "payouts_enabled",
                     "requirements")}
        acct["charges_enabled"] = charges
        acct["payouts_enabled"] = payouts
        if enabled:
            acct["details_submitted"] = True
            acct["tos_acceptance"] = {"date": now(), "ip": "127.0.0.1", "user_agent": None}
        status_of = {"card_payments": charges, "transfers": payouts}
        for cap in acct["capabilities"]:
            acct["capabilities"][cap] = "active" if status_of.get(cap, enabled) else "inactive"
        due = [] if (charges and payouts) else ["external_account"]
        acct["requirements"].update(currently_due=list(due), eventually_due=list(due),
                                    past_due=list(due),
                                    disabled_reason=None if (charges and payouts)
                                    else "requirements.past_due")
        changed = {k: v for k, v in previous.items() if acct[k] != v}
        for cap, status in acct["capabilities"].items():
            if previous["capabilities"].get(cap) != status:
                self.fake.emit("capability.updated",
                               {"id": cap, "object": "capability", "account": account_id,
                                "requested": True, "requested_at": acct["created"],
                                "status": status,
                                "requirements": {"currently_due": [], "disabled_reason": None,
                                                 "errors": [], "eventually_due": [],
                                                 "past_due": [], "pending_verification": []}},
                               previous_attributes={"status": previous["capabilities"].get(cap)},
                               account=account_id)
        self.fake.emit("account.updated", acct, previous_attributes=changed, account=account_id)
        return self.export(acct)

    # -------------------------------------------------------------------- transfers

    def _charge_remaining_for_transfer(self, charge: Any) -> int:
        refunded = sum(r.amount for r in charge.refunds._list)
        disputed = 0
        dp_id = self.dispute_of_charge.get(charge.id)
        if dp_id and self.objects[dp_id]["status"] != "won":
            disputed = self.objects[dp_id]["amount"]
        return charge.amount - refunded - disputed - self.transferred_from_charge[charge.id]

    def create_transfer(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known(TRANSFER_PARAMS)
        amount = p.int("amount", required=True, minimum=1)
        currency = p.str("currency", required=True).lower()
        destination = p.str("destination", required=True)
        acct = self.objects.get(destination)
        if acct is None or acct["object"] != "account" or acct.get("deleted"):
            raise ApiError(400, f"No such destination: '{destination}'", code="resource_missing",
                           param="destination")
        if not any(acct["capabilities"].get(c) == "active"
                   for c in ("transfers", "crypto_transfers", "legacy_payments")):
            raise ApiError(400, "Your destination account needs to have at least one of the "
                                "following capabilities enabled: transfers, crypto_transfers, "
                                "legacy_payments", code="insufficient_capabilities_for_transfer",
                           param="destination")
        source_tx = p.str("source_transaction")
        metadata = p.metadata() or {}
        transfer_group = p.str("transfer_group")
        description = p.str("description")
        if source_tx is not None:
            charge = self.ls_get(ls.Charge, source_tx, "source_transaction")
            if charge.status != "succeeded":
                raise invalid("source_transaction", f"The source_transaction '{source_tx}' has "
                                                    "not succeeded.")
            if charge.currency != currency:
                raise invalid("currency", f"The currency of source_transaction's balance "
                                          f"transaction ({charge.currency}) must be the same as "
                                          f"the transfer currency ({currency}).")
            remaining = self._charge_remaining_for_transfer(charge)
            if amount > remaining:
                raise ApiError(400, f"The transfer amount ({format_amount(amount, currency)}) "
                                    "exceeds the amount still available from the "
                                    f"source_transaction '{source_tx}' "
                                    f"({format_amount(max(remaining, 0), currency)}).",
                               code="balance_insufficient", param="amount")
            self.transferred_from_charge[source_tx] += amount
            pool = self.available if self.available[currency] >= amount else self.pending
            pool[currency] -= amount
        else:
            if self.available[currency] < amount:
                raise ApiError(400, "You have insufficient available funds in your Stripe "
                                    "account. Try adding funds directly to your available "
                                    "balance by creating Charges using the 4000000000000077 "
                                    "test card. See: https://stripe.com/docs/testing#available-"
                                    "balance", code="balance_insufficient")
            self.available[currency] -= amount
        tr_id = "tr_1" + rand(23)
        transfer = {
            "id": tr_id, "object": "transfer", "amount": amount, "amount_reversed": 0,
            "balance_transaction": "txn_1" + rand(23), "created": now(), "currency": currency,
            "description": description, "destination": destination,
            "destination_payment": "py_1" + rand(23), "livemode": False, "metadata": metadata,
            "reversals": {"object": "list", "data": [], "has_more": False, "total_count": 0,
                          "url": f"/v1/transfers/{tr_id}/reversals"},
            "reversed": False, "source_transaction": source_tx, "source_type": "card",
            "transfer_group": transfer_group,
        }
        self._put(transfer)
        self.connected_available[destination][currency] += amount
        self.fake.emit("transfer.created", transfer)
        return self.export(transfer, p.expand())

    def retrieve_transfer(self, data: dict[str, Any], transfer: str) -> dict[str, Any]:
        return self.export(self._get("transfer", transfer), Params(data).expand())

    def list_transfers(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"created", "destination", "ending_before", "limit", "starting_after",
                       "transfer_group"})
        dest, group = p.str("destination"), p.str("transfer_group")
        return self._list("transfer", p, "/v1/transfers",
                          lambda t: (dest is None or t["destination"] == dest)
                          and (group is None or t["transfer_group"] == group))

    def update_transfer(self, data: dict[str, Any], transfer: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"description", "metadata"})
        tr = self._get("transfer", transfer)
        previous: dict[str, Any] = {}
        if p.data.get("metadata") is not None:
            previous["metadata"] = copy.deepcopy(tr["metadata"])
            tr["metadata"] = merge_metadata(tr["metadata"], p.metadata())
        if p.has("description"):
            previous["description"] = tr["description"]
            tr["description"] = p.str("description")
        if previous:
            self.fake.emit("transfer.updated", tr, previous_attributes=previous)
        return self.export(tr, p.expand())

    def create_reversal(self, data: dict[str, Any], transfer: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"amount", "description", "metadata", "refund_application_fee"})
        tr = self._get("transfer", transfer)
        left = tr["amount"] - tr["amount_reversed"]
        if left <= 0:
            raise ApiError(400, f"Transfer {transfer} has already been fully reversed.",
                           param="amount")
        amount = p.int("amount", minimum=1)
        amount = left if amount is None else amount
        if amount > left:
            raise ApiError(400, f"Amount requested for reversal "
                                f"({format_amount(amount, tr['currency'])}) is greater than the "
                                f"amount that can be reversed "
                                f"({format_amount(left, tr['currency'])}).", param="amount")
        reversal = {
            "id": "trr_1" + rand(23), "object": "transfer_reversal", "amount": amount,
            "balance_transaction": "txn_1" + rand(23), "created": now(),
            "currency": tr["currency"], "destination_payment_refund": "pyr_1" + rand(23),
            "metadata": p.metadata() or {}, "source_refund": None, "transfer": transfer,
        }
        self._put(reversal)
        previous = {"amount_reversed": tr["amount_reversed"], "reversed": tr["reversed"]}
        tr["amount_reversed"] += amount
        tr["reversed"] = tr["amount_reversed"] >= tr["amount"]
        tr["reversals"]["data"].insert(0, copy.deepcopy(reversal))
        tr["reversals"]["total_count"] += 1
        self.available[tr["currency"]] += amount
        if tr["source_transaction"]:
            self.transferred_from_charge[tr["source_transaction"]] -= amount
        self.connected_available[tr["destination"]][tr["currency"]] -= amount
        self.fake.emit("transfer.reversed", tr, previous_attributes=previous)
        return self.export(reversal, p.expand())

    def list_reversals(self, data: dict[str, Any], transfer: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"ending_before", "limit", "starting_after"})
        self._get("transfer", transfer)
        return self._list("transfer_reversal", p, f"/v1/transfers/{transfer}/reversals",
                          lambda r: r["transfer"] == transfer)

    def retrieve_reversal(self, data: dict[str, Any], transfer: str, id: str) -> dict[str, Any]:
        rev = self._get("transfer_reversal", id)
        if rev["transfer"] != transfer:
            raise no_such("transfer_reversal", id)
        return self.export(rev, Params(data).expand())

    # ---------------------------------------------------------------------- refunds

    def _refund(self, p: Params) -> dict[str, Any]:
        pi_id, charge_id = p.str("payment_intent"), p.str("charge")
        if pi_id is None and charge_id is None:
            raise ApiError(400, "One of the following params should be provided for this "
                                "request: payment_intent or charge.", param="payment_intent")
        if pi_id is not None:
            pi = self.ls_get(ls.PaymentIntent, pi_id, "payment_intent")
            if pi.latest_charge is None or pi.status not in ("succeeded", "requires_capture"):
                raise ApiError(400, f"This PaymentIntent ({pi_id}) does not have a successful "
                                    "charge to refund.", param="payment_intent")
            if charge_id is not None and charge_id != pi.latest_charge.id:
                raise ApiError(400, f"The charge '{charge_id}' does not belong to the "
                                    f"PaymentIntent '{pi_id}'.", param="charge")
            charge = pi.latest_charge
        else:
            charge = self.ls_get(ls.Charge, charge_id, "charge")
        if charge.status != "succeeded":
            raise ApiError(400, "Cannot refund a failed payment.", param="charge")
        if self.dispute_of_charge.get(charge.id):
            raise ApiError(400, f"Charge {charge.id} has been charged back; cannot issue a refund.",
                           code="charge_disputed", param="charge")
        refunded = sum(r.amount for r in charge.refunds._list)
        remaining = charge.amount - refunded
        if remaining <= 0:
            raise ApiError(400, f"Charge {charge.id} has already been refunded.",
                           code="charge_already_refunded", param="charge")
        amount = p.int("amount", minimum=1)
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise ApiError(400, f"Refund amount ({format_amount(amount, charge.currency)}) is "
                                "greater than unrefunded amount on charge "
                                f"({format_amount(remaining, charge.currency)})", param="amount")
        reason = p.str("reason", choices=["duplicate", "fraudulent", "requested_by_customer"])
        metadata = p.metadata() or {}
        prev_charge = {"amount_refunded": refunded, "refunded": False}
        refund = ls.Refund(charge=charge.id, amount=amount, metadata=metadata)
        refund.payment_intent = charge.payment_intent
        refund.reason = reason
        refund.destination_details = {"type": "card", "card": {"type": "refund",
                                                               "reference_status": "pending"}}
        refund.transfer_reversal = None
        refund.source_transfer_reversal = None
        self.available[charge.currency] -= amount
        self.fake.emit("refund.created", normalize_ls(refund._export()))
        self.fake.emit("charge.refunded", normalize_ls(charge._export()),
                       previous_attributes=prev_charge)
        return normalize_ls(refund._export(), p.expand())

    def create_refund(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known(REFUND_PARAMS)
        if p.bool("reverse_transfer") or p.bool("refund_application_fee"):
            raise unsupported("reverse_transfer", "refunds of destination charges")
        return self._refund(p)

    def list_refunds(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"charge", "created", "ending_before", "limit", "payment_intent",
                       "starting_after"})
        charge, pi = p.str("charge"), p.str("payment_intent")
        everything = [normalize_ls(obj._export()) for key, obj in ls.store.items()
                      if key.startswith("refund:")]
        for r in everything:
            if r.get("payment_intent") is None:
                try:
                    r["payment_intent"] = ls.Charge._api_retrieve(r["charge"]).payment_intent
                except UserError:
                    pass
        return self._list("refund", p, "/v1/refunds",
                          lambda r: (charge is None or r["charge"] == charge)
                          and (pi is None or r["payment_intent"] == pi), items=everything)

    def dashboard_refund(self, payment_intent_or_charge: str, amount: int | None = None,
                         reason: str | None = None) -> dict[str, Any]:
        key = "charge" if payment_intent_or_charge.startswith("ch_") else "payment_intent"
        data: dict[str, Any] = {key: payment_intent_or_charge}
        if amount is not None:
            data["amount"] = amount
        if reason is not None:
            data["reason"] = reason
        try:
            return self._refund(Params(data))
        except ApiError as e:
            raise FakeStripeUsageError(e.message) from e

    # --------------------------------------------------------------------- disputes

    def open_dispute(self, charge_or_pi: str, amount: int | None = None,
                     reason: str = "fraudulent") -> dict[str, Any]:
        try:
            if charge_or_pi.startswith("pi_"):
                charge = ls.PaymentIntent._api_retrieve(charge_or_pi).latest_charge
            else:
                charge = ls.Charge._api_retrieve(charge_or_pi)
        except UserError:
            raise FakeStripeUsageError(f"no charge or PaymentIntent {charge_or_pi!r}")
        if charge is None or charge.status != "succeeded":
            raise FakeStripeUsageError(f"{charge_or_pi} has no successful charge")
        if charge.id in self.dispute_of_charge:
            raise FakeStripeUsageError(f"charge {charge.id} is already disputed")
        refunded = sum(r.amount for r in charge.refunds._list)
        amount = charge.amount - refunded if amount is None else amount
        if not 0 < amount <= charge.amount - refunded:
            raise FakeStripeUsageError(f"dispute amount {amount} exceeds the unrefunded amount")
        created = now()
        dispute = {
            "id": "dp_1" + rand(23), "object": "dispute", "amount": amount,
            "balance_transactions": [{"id": "txn_1" + rand(23), "object": "balance_transaction",
                                      "amount": -amount, "currency": charge.currency,
                                      "fee": 1500, "net": -amount - 1500,
                                      "reporting_category": "dispute", "type": "adjustment"}],
            "charge": charge.id, "created": created, "currency": charge.currency,
            "evidence": {"customer_email_address": None, "product_description": None,
                         "uncategorized_text": None},
            "evidence_details": {"due_by": created + 7 * 86400, "has_evidence": False,
                                 "past_due": False, "submission_count": 0},
            "is_charge_refundable": False, "livemode": False, "metadata": {},
            "payment_intent": charge.payment_intent, "reason": reason,
            "status": "needs_response",
        }
        self._put(dispute)
        self.dispute_of_charge[charge.id] = dispute["id"]
        charge.disputed = True
        self.available[charge.currency] -= amount
        self.fake.emit("charge.dispute.created", dispute)
        self.fake.emit("charge.dispute.funds_withdrawn", dispute)
        return self.export(dispute)

    def close_dispute_as(self, dispute_id: str, status: str) -> dict[str, Any]:
        dispute = self.objects.get(dispute_id)
        if dispute is None or dispute["object"] != "dispute":
            raise FakeStripeUsageError(f"no dispute {dispute_id!r}")
        if status not in ("won", "lost"):
            raise FakeStripeUsageError("status must be 'won' or 'lost'")
        if dispute["status"] in ("won", "lost"):
            raise FakeStripeUsageError(f"dispute {dispute_id} is already closed")
        previous = {"status": dispute["status"]}
        dispute["status"] = status
        if status == "won":
            self.available[dispute["currency"]] += dispute["amount"]
            self.fake.emit("charge.dispute.funds_reinstated", dispute)
        self.fake.emit("charge.dispute.closed", dispute, previous_attributes=previous)
        return self.export(dispute)

    def retrieve_dispute(self, data: dict[str, Any], dispute: str) -> dict[str, Any]:
        return self.export(self._get("dispute", dispute), Params(data).expand())

    def list_disputes(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"charge", "created", "ending_before", "limit", "payment_intent",
                       "starting_after"})
        charge, pi = p.str("charge"), p.str("payment_intent")
        return self._list("dispute", p, "/v1/disputes",
                          lambda d: (charge is None or d["charge"] == charge)
                          and (pi is None or d["payment_intent"] == pi))

    def update_dispute(self, data: dict[str, Any], dispute: str) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"evidence", "metadata", "submit"})
        d = self._get("dispute", dispute)
        previous: dict[str, Any] = {}
        if p.data.get("metadata") is not None:
            previous["metadata"] = copy.deepcopy(d["metadata"])
            d["metadata"] = merge_metadata(d["metadata"], p.metadata())
        ev = p.sub("evidence")
        if ev is not None:
            previous["evidence"] = copy.deepcopy(d["evidence"])
            d["evidence"].update(ev.data)
            d["evidence_details"]["has_evidence"] = True
        if p.bool("submit"):
            previous["status"] = d["status"]
            d["status"] = "under_review"
            d["evidence_details"]["submission_count"] += 1
        if previous:
            self.fake.emit("charge.dispute.updated", d, previous_attributes=previous)
        return self.export(d, p.expand())

    def close_dispute(self, data: dict[str, Any], dispute: str) -> dict[str, Any]:
        d = self._get("dispute", dispute)
        if d["status"] in ("won", "lost"):
            raise ApiError(400, f"This dispute is already closed: {dispute}")
        previous = {"status": d["status"]}
        d["status"] = "lost"
        self.fake.emit("charge.dispute.closed", d, previous_attributes=previous)
        return self.export(d, Params(data).expand())

    # ---------------------------------------------------------------- balance/events

    def retrieve_balance(self, data: dict[str, Any], stripe_account: str | None = None
                         ) -> dict[str, Any]:
        if stripe_account:
            self._get("account", stripe_account)
            available, pending = self.connected_available[stripe_account], Counter()
        else:
            available, pending = self.available, self.pending
        currencies = sorted(set(available) | set(pending)) or ["usd"]
        return {
            "object": "balance", "livemode": False,
            "available": [{"amount": available[c], "currency": c,
                           "source_types": {"card": available[c]}} for c in currencies],
            "pending": [{"amount": pending[c], "currency": c,
                         "source_types": {"card": pending[c]}} for c in currencies],
            "connect_reserved": [{"amount": 0, "currency": c} for c in currencies],
        }

    def retrieve_event(self, data: dict[str, Any], id: str) -> dict[str, Any]:
        event = self.fake.events_by_id.get(id)
        if event is None:
            raise no_such("event", id)
        return copy.deepcopy(event)

    def list_events(self, data: dict[str, Any]) -> dict[str, Any]:
        p = Params(data)
        p.check_known({"created", "delivery_success", "ending_before", "limit", "starting_after",
                       "type", "types"})
        etype = p.str("type")
        types = [str(t) for t in (p.list("types") or [])]
        if etype and types:
            raise ApiError(400, "You may only specify one of these parameters: type, types.",
                           param="types")
        if len(types) > 20:
            raise invalid("types", "You can pass at most 20 event types.")
        patterns = types or ([etype] if etype else [])
        delivered = p.bool("delivery_success")

        def type_ok(e: dict[str, Any]) -> bool:
            if not patterns:
                return True
            for pat in patterns:
                if pat == e["type"] or (pat.endswith("*") and e["type"].startswith(pat[:-1])):
                    return True
            return False

        def delivery_ok(e: dict[str, Any]) -> bool:
            if delivered is None:
                return True
            return self.fake.event_delivered(e["id"]) == delivered

        everything = list(self.fake.events)
        rank = {e["id"]: (e["created"], i) for i, e in enumerate(everything)}
        created = created_filter(p)
        chosen = [copy.deepcopy(e) for e in everything
                  if type_ok(e) and delivery_ok(e) and created(e)]
        chosen.sort(key=lambda e: rank[e["id"]], reverse=True)
        return paginate(chosen, p, "/v1/events", "event", rank)
