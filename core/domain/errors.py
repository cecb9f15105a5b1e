"""Typed domain errors. Each carries a stable ``code`` (the conversation layer
looks up a translated lead by it) and the details a user needs to act.

The text is a *template* with ``{named}`` placeholders plus its parameters, not a
finished sentence: ``NoSlotLeft("No slot left on gig #{gig_id}.", gig_id=7)``. The
English ``message`` is the template filled in; the conversation layer translates
the template (a catalogue message id) and fills in the same parameters. Values
that need formatting (thousands separators, quoting) go in pre-formatted.

A sentence about a number of things is a ``Plural``: its English singular and plural
templates and the name of the parameter that holds the count (an ``int``), e.g.
``ValidationError("skills", Plural("At most {max_skills} skill, please.", "At most
{max_skills} skills, please.", count="max_skills"), max_skills=12)``. The
conversation layer picks the reader's form with ``ngettext`` (Russian has three) and
writes the count as the reader writes numbers; core never imports gettext."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Plural:
    """A refusal template with plural forms: ``one`` and ``other`` are the English
    forms (the catalogue's singular and plural message ids), ``count`` names the
    parameter whose number chooses the form."""

    one: str
    other: str
    count: str = "n"

    def english(self, n: int) -> str:
        return self.one if n == 1 else self.other


class DomainError(Exception):
    """Base of every refusal a user can understand. Nothing was written."""

    code = "domain_error"

    def __init__(self, template: str | Plural, **params: Any) -> None:
        plural = template if isinstance(template, Plural) else None
        if plural is not None:
            count = params[plural.count]
            if not isinstance(count, int) or isinstance(count, bool):
                raise TypeError(f"the count {plural.count}= of a Plural must be an int")
            template = plural.english(count)
            shown = {**params, plural.count: f"{count:,}"}
        else:
            shown = params
        # like the translator: a template without parameters is shown as it is
        message = template.format(**shown) if params else template
        super().__init__(message)
        self.template = plural.one if plural is not None else template
        self.plural = plural  # None: one form for every count
        self.params = params
        self.message = message

    @property
    def details(self) -> dict[str, Any]:
        """The parameters (older name)."""
        return self.params

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    code = "invalid_input"

    def __init__(self, field: str, template: str, **params: Any) -> None:
        super().__init__(template, field=field, **params)
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class NotAllowed(DomainError):
    """The actor may not do this (not the client, not the claimant, not a moderator...)."""

    code = "not_allowed"


class InvalidTransition(DomainError):
    """The thing is in a state where this move makes no sense (stale button, double tap)."""

    code = "invalid_state"


class NoSlotLeft(DomainError):
    code = "no_slot_left"


class AlreadyClaimed(DomainError):
    code = "already_claimed"


class ClaimLimitReached(DomainError):
    code = "claim_limit"


class Banned(DomainError):
    code = "banned"


class PostingLimitReached(DomainError):
    """A client has as many open gigs, or posted as many today, as they may."""

    code = "posting_limit"


class PaymentFailed(DomainError):
    code = "payment_failed"


class BadgeRequired(NotAllowed):
    """The gig is only for holders of a community badge the freelancer lacks."""

    code = "badge_required"


class FormChanged(DomainError):
    """A form's state was saved by another answer since it was read (compare-and-swap
    lost): read it again and re-apply the answer."""

    code = "form_changed"
