"""Persistent buttons: plain Discord buttons whose custom_id carries everything
needed to act on them, so a button posted weeks ago, before any number of
restarts, still works:

- ``gb:<neutral payload>``: an action button (Claim, Approve, Pay, ...); the
  payload is bot/'s ``verb:id[:extra]`` (<= 64 bytes), decoded and authorised
  by the conversation layer and core at press time, never here;
- ``gbf:<form>:<page>``: "Continue" / "Open the form": opens page ``page`` of a
  form whose progress is kept in the database.

A press is read straight from the interaction's custom_id (``pressed``) by the
intake's ``on_interaction`` as it arrives: no discord.py view or dynamic item is
rebuilt from the message for it (that costs more than a millisecond a press, and
discord.py drops the press silently when the message cannot be parsed or no
longer has the button). Modals use custom_id ``gbm:<form>:<page>`` (see ``modals``);
what a press does is in ``press_intake``."""
from __future__ import annotations

import re
from dataclasses import dataclass

import discord

PAYLOAD_PREFIX = "gb:"
FORM_PREFIX = "gbf:"
MODAL_PREFIX = "gbm:"
_FORM_ID = re.compile(r"gbf:(?P<form>[a-z_]{1,32}):(?P<page>\d{1,2})")
_PAYLOAD = re.compile(r"gb:(?P<payload>[!-~]{1,64})")


def action_button(payload: str, *, label: str = "…",
                  style: discord.ButtonStyle = discord.ButtonStyle.secondary,
                  row: int | None = None) -> discord.ui.Button:
    """A neutral action button; its press goes to the intake's ``on_press``."""
    return discord.ui.Button(label=label, style=style, custom_id=PAYLOAD_PREFIX + payload,
                             row=row)


def form_button(form: str, page: int, *, label: str = "Continue",
                row: int | None = None) -> discord.ui.Button:
    """Opens one page of a form as a modal (a modal must be the first response to
    an interaction, so a button press is how page 2 of a long form is reached)."""
    return discord.ui.Button(label=label, style=discord.ButtonStyle.primary,
                             custom_id=f"{FORM_PREFIX}{form}:{page}", row=row)


@dataclass(frozen=True)
class Pressed:
    """One of our buttons, as its custom_id names it: an action's ``payload``, or
    a ``form``'s ``page``."""

    payload: str | None = None
    form: str | None = None
    page: int = 0


def pressed(custom_id: str) -> Pressed | None:
    """The button a component interaction's custom_id names, or None (not ours)."""
    m = _PAYLOAD.fullmatch(custom_id or "")
    if m:
        return Pressed(payload=m["payload"])
    form = parse_form_id(custom_id)
    return Pressed(form=form[0], page=form[1]) if form else None


def parse_form_id(custom_id: str) -> tuple[str, int] | None:
    m = _FORM_ID.fullmatch(custom_id or "")
    return (m["form"], int(m["page"])) if m else None


def form_view(form: str, page: int, label: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(form_button(form, page, label=label[:80]))
    view.stop()  # its presses come through on_interaction, not kept in memory
    return view
