"""Platform effects that are not messages: a badge's role given to (or taken back
from) a member on the community's platform, after the transaction that granted
or revoked the badge committed (``core.api.RoleChange`` rows of the outbox).

Done -> the engine notes the holder is in step. ``RoleRefused`` (no Manage Roles,
the bot's role below the badge's, the role deleted) -> the engine tells the
community's moderators once what to fix, and the row is done: retrying cannot
help until they do (``/badge SKILL`` queues the changes again). The member left
the server -> nothing to do. Rate limits, a client not connected yet and other
failures -> the outbox retries with backoff."""
from __future__ import annotations

import logging

from bot.delivery.outcomes import raise_for_outbox
from bot.delivery.platform import ManagesRoles, RecipientUnreachable, RoleRefused
from bot.delivery.service import PlatformDelivery
from core.api import Engine, RetryLater, RoleChange

log = logging.getLogger(__name__)

NOT_SERVED_RETRY = 30.0  # seconds: no adapter of the community's platform runs here


async def apply_role_change(engine: Engine, adapters: dict[str, PlatformDelivery],
                            change: RoleChange) -> None:
    place = await engine.role_change_place(change)
    if place is None:
        return
    platform_name, community_ref, member_ref = place
    if member_ref is None:
        log.info("role change %s: user %s has no %s identity", change, change.user_id,
                 platform_name)
        return
    delivery = adapters.get(platform_name)
    if delivery is None:
        raise RetryLater(NOT_SERVED_RETRY, f"no running adapter here serves {platform_name}")
    platform = delivery.platform
    if not isinstance(platform, ManagesRoles):
        return  # the platform has no roles: the badge shows on profiles only
    try:
        await platform.set_member_role(community_ref, member_ref, change.role_id,
                                       grant=change.grant)
    except RoleRefused as refused:
        told = await engine.role_change_refused(change, refused.problem,
                                                role_name=refused.role_name,
                                                bot_role_name=refused.bot_role_name)
        log.warning("role %s for user %s in community %s refused (%s)%s", change.role_id,
                    change.user_id, change.community_id, refused.problem,
                    ": moderators told" if told else "")
        return
    except RecipientUnreachable as exc:
        log.info("role change for user %s dropped: %s", change.user_id, exc)
        return
    except Exception as exc:  # noqa: BLE001 - mapped for the outbox
        raise_for_outbox(exc)
    await engine.role_change_done(change)
