"""Engine methods for people: identities and profiles, linked accounts,
link codes, settings, blocks and bans, and where they are in a form."""
from __future__ import annotations

from datetime import datetime

from core.domain.records import Community, LinkCode, Profile, User
from core.engine.base import EngineBase
from core.lifecycle import form_state, people
from core.lifecycle.card_refs import timezone_of
from core.lifecycle.tx import Tx


def _up_to_date(known, username: str | None, locale: str | None,
                account_created_at: datetime | None) -> bool:
    """A known identity that has nothing new to record (what the platform reports
    now is what is stored)."""
    return known is not None and (username is None or known[1].username == username) and (
        account_created_at is None or known[1].account_created_at is not None) and (
        not locale or known[0].locale_chosen or known[0].locale == locale)


class PeopleWrites(EngineBase):
    # -- identities and profiles ------------------------------------------------
    async def resolve_user(self, platform: str, platform_user_id: str, display_name: str,
                           username: str | None = None, locale: str | None = None, *,
                           account_created_at: datetime | None = None) -> User:
        """``account_created_at``: when the platform says the account was made, if it
        does (the posting limits for new accounts count from the older of that and
        first seen). ``locale``: the language the platform reports, if it does (the
        user's until they choose one with /settings)."""
        user, _zone = await self.resolve_user_and_zone(
            platform, platform_user_id, display_name, username, locale,
            account_created_at=account_created_at, with_zone=False)
        return user

    async def resolve_user_and_zone(self, platform: str, platform_user_id: str,
                                    display_name: str, username: str | None = None,
                                    locale: str | None = None, *,
                                    account_created_at: datetime | None = None,
                                    with_zone: bool = True) -> tuple[User, str | None]:
        """``resolve_user`` and the user's time zone (UTC without one) in the same
        read: who acts, for every event that comes in."""
        puid = str(platform_user_id)

        def zone(t: Tx, user: User) -> str | None:
            return timezone_of(t, user.id) if with_zone else None

        def read(t: Tx):
            if not with_zone:
                return people.find_identity(t, platform, puid), None
            actor = people.find_actor(t, platform, puid)
            return (actor[:2], actor[2]) if actor is not None else (None, None)
        known, tz = await self.view(read)
        if _up_to_date(known, username, locale, account_created_at):
            return known[0], tz  # the common case needs no write transaction

        def write(t: Tx):
            user = people.resolve_identity(t, platform, puid, display_name, username, locale,
                                           account_created_at=account_created_at)
            return user, zone(t, user)
        return await self.tx(write, finishes_update=False)

    async def who_and_where(self, platform: str, platform_user_id: str, display_name: str,
                            username: str | None, locale: str | None, *,
                            account_created_at: datetime | None, community_platform_id: str,
                            community_name: str, role_ids: tuple[str, ...] = (),
                            platform_admin: bool = False) -> tuple[User, str, Community]:
        """Who acts (``resolve_user_and_zone``) in a platform's group or server, and
        that community with their membership (``enter_community``): in one read when
        nothing needs recording, as every press by a known member is."""
        puid, cpid = str(platform_user_id), str(community_platform_id)

        def read(t: Tx):
            actor = people.find_actor(t, platform, puid)
            if actor is None or not _up_to_date(actor[:2], username, locale, account_created_at):
                return None
            user = actor[0]
            community = people.known_community(t, platform, cpid, member_id=user.id,
                                               role_ids=role_ids, platform_admin=platform_admin)
            return (user, actor[2], community) if community else None
        seen = await self.view(read)
        if seen is not None:
            return seen
        user, zone = await self.resolve_user_and_zone(
            platform, puid, display_name, username, locale, account_created_at=account_created_at)
        community = await self.enter_community(platform, cpid, community_name, member_id=user.id,
                                               role_ids=role_ids, platform_admin=platform_admin)
        return user, zone, community

    async def update_profile(self, user_id: int, fields: dict[str, object], *,
                             locale: str | None = "en", languages: tuple[str, ...] = ("en",)):
        """``locale``: the writer's, for amounts; ``languages``: what /settings may pick."""
        return await self.tx(lambda t: people.update_profile(t, user_id, fields, locale=locale,
                                                             languages=languages))

    async def mark_started(self, platform: str, platform_user_id: str,
                           user_id: int) -> Profile | None:
        """This person sent /start (the platform may now message them first); returns
        their profile, if any."""
        return await self.tx(lambda t: people.mark_started(t, platform, str(platform_user_id),
                                                           user_id))

    async def create_link_code(self, user_id: int) -> LinkCode:
        return await self.tx(lambda t: people.create_link_code(t, user_id))

    async def redeem_link_code(self, user_id: int, code: str) -> User:
        return await self.tx(lambda t: people.redeem_link_code(t, user_id, code))

    # -- form state ------------------------------------------------------------
    async def save_form_state(self, platform: str, platform_user_id: str, form: str, step: int,
                              values: dict, context: dict, *,
                              expected: int | None = None) -> int:
        """Remember where this person is in which form (one per user and platform); the
        new version. ``expected``: the version read, else ``FormChanged`` (CAS)."""
        return await self.tx(lambda t: form_state.save_form_state(
            t, platform, str(platform_user_id), form, step, values, context,
            expected=expected))

    async def drop_form_state(self, platform: str, platform_user_id: str, *,
                              expected: int | None = None) -> bool:
        """Leave any form; True when there was one (``expected``: as for saving)."""
        return await self.tx(lambda t: form_state.drop_form_state(
            t, platform, str(platform_user_id), expected=expected))
