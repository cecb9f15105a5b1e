"""Where each registry command lives among gigbroker's Discord slash commands.

Discord allows 25 subcommands under one command, and the registry has outgrown
that; so the commands are split by what they are about: ``/mod`` for what
moderators do (the registry's ``moderator`` commands), ``/me`` for one's own
account and money, ``/gig`` for everything else (the gig lifecycle). A command
added to the registry lands in ``/gig`` by itself; a test checks no group is over
the limit. Bot texts name commands the neutral way (``/wallet``); ``discord_name``
gives the Discord way (``/me wallet``)."""
from __future__ import annotations

from bot.registry import REGISTRY, CommandSpec
from bot.texts import N_

MAX_SUBCOMMANDS = 25
GIG, ME, MOD = "gig", "me", "mod"
GROUP_HELP = {
    GIG: N_("Paid gigs: post, claim, deliver and get paid"),
    ME: N_("Your profile, settings, gigs, wallet, payouts and receipts"),
    MOD: N_("For board moderators: set up the board, ban, resolve disputes, stats"),
}
ACCOUNT = frozenset({"profile", "settings", "link", "mygigs", "wallet", "payout", "export",
                     "receipt", "statement"})
# "/gig gig 42" reads badly: the registry's "gig" is "/gig show 42" here.
RENAMES = {"gig": "show"}
SUBCOMMANDS = frozenset(RENAMES.values())


def group_of(spec: CommandSpec) -> str:
    if spec.moderator:
        return MOD
    return ME if spec.name in ACCOUNT else GIG


def discord_name(name: str) -> str | None:
    """'wallet' -> '/me wallet', 'gig' -> '/gig show'; None for no registry command."""
    spec = REGISTRY.get(name)
    if spec is None:
        return None
    return f"/{group_of(spec)} {RENAMES.get(spec.name, spec.name)}"


def subcommand_path(name: str) -> tuple[str, str]:
    """The (command, subcommand) a registry command (or a Discord subcommand name, such
    as "show") is invoked as on Discord."""
    name = {sub: command for command, sub in RENAMES.items()}.get(name, name)
    spec = REGISTRY.get(name)
    if spec is None:
        raise KeyError(name)
    return group_of(spec), RENAMES.get(spec.name, spec.name)
