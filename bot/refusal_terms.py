"""Refusals (``core.api.DomainError``) as text in the reader's language, and the words
they fill into their templates, translated like the templates: state names (``Gig #3
is {state}``), field labels (``Write the {name} like 90m``), argument names
(``/resolve needs {name}``). Core raises them in English (its message ids);
``refusal_text`` translates the template and each parameter listed in
``WORD_PARAMS`` that the catalogue knows, so a Spanish refusal never carries an
English word. A template about a count (``core.api.Plural``: "At most {max_skills}
skills") is a plural message: the form is picked by the reader's rule (Russian: 1
навык, 2 навыка, 5 навыков, 21 навык) and the count written as they write numbers."""
from __future__ import annotations

from typing import Callable

from bot.texts import N_, Translator
from bot.texts.formats import money, number
from core.api import Amount, DomainError

WORD_PARAMS = frozenset({"name", "state", "field", "what", "usage"})  # usage: its example

STATE_NAMES = (
    # gigs
    N_("draft"), N_("awaiting funding"), N_("open"), N_("completed"), N_("cancelled"),
    N_("expired"),
    # claims
    N_("active"), N_("delivered"), N_("revision requested"), N_("approved"),
    N_("auto approved"), N_("rejected"), N_("disputed"), N_("resolved"), N_("refunded"),
    N_("withdrawn"), N_("abandoned"),
    # applications
    N_("pending"), N_("accepted"), N_("declined"),
)

FIELD_LABELS = (
    N_("reward"), N_("minimum reward"), N_("share"), N_("amount"), N_("currency"),
    N_("title"), N_("description"), N_("slots"), N_("skills"), N_("delivery time"),
    N_("review window"), N_("listing time"), N_("max revisions"), N_("estimate (minutes)"),
    N_("start hour"), N_("end hour"), N_("hours"), N_("max claims"), N_("timezone"),
    N_("notify"), N_("locale"), N_("delivery text"), N_("link"), N_("revision note"),
    N_("reason"), N_("note"), N_("comment"), N_("pitch"), N_("extension"), N_("board"),
    N_("fee (basis points)"), N_("dispute deadline (hours)"), N_("visibility"), N_("mode"),
    N_("stars"), N_("bio"), N_("portfolio"), N_("language"),
    # command arguments (/resolve needs {name})
    N_("claim"), N_("gig"), N_("code"), N_("command"), N_("count"), N_("by"), N_("id"),
    N_("number"), N_("page"), N_("skill"), N_("text"), N_("theme"), N_("user"),
    N_("what"), N_("every"), N_("weekly"),
)


def translated_params(_: Callable[..., str], params: dict[str, object]) -> dict[str, object]:
    """``params`` with the words of ``WORD_PARAMS`` in the reader's language and
    amounts (``core.api.Amount``) written as the reader writes money."""
    def one(key: str, value: object) -> object:
        if isinstance(value, Amount):
            return money(value.minor, value.currency)
        return _(value) if key in WORD_PARAMS and isinstance(value, str) and value else value
    return {k: one(k, v) for k, v in params.items()}


def refusal_text(_: Translator, exc: DomainError) -> str:
    """``exc`` in the language of ``_``: its template (or, for a ``Plural``, the form
    for its count) filled in with its translated parameters."""
    params = translated_params(_, exc.params)
    plural = getattr(exc, "plural", None)
    if plural is None:
        return _(exc.template, **params)
    count = exc.params[plural.count]
    params[plural.count] = number(count)
    return _.ngettext(plural.one, plural.other, count, **params)
