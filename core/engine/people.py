"""Engine methods for people: identities and profiles, linked accounts,
link codes, settings, blocks and bans, and where they are in a form."""
from __future__ import annotations

from datetime import datetime

from core.domain.records import LinkCode, Profile, User
from core.engine.base import EngineBase
from core.lifecycle import form_state, people


class PeopleWrites(EngineBase):
    # -- identities and profiles ------------------------------------------------
    async def resolve_user(self, platform: str, platform_user_id: str, display_name: str,
                           username: str | None = None, locale: str | None = None, *,
                           account_created_at: datetime | None = None) -> User:
        """``account_created_at``: when the platform says the account was made, if it
        does (the posting limits for new accounts count from the older of that and
        first seen). ``locale``: the language the platform reports, if it does (the
        user's until they choose one with /settings)."""
        known = await self.view(lambda t: people.find_identity(t, platform, str(platform_user_id)))
        if known is not None and (username is None or known[1].username == username) and (
                account_created_at is None or known[1].account_created_at is not None) and (
                not locale or known[0].locale_chosen or known[0].locale == locale):
            return known[0]  # the common case needs no write transaction
        return await self.tx(lambda t: people.resolve_identity(
            t, platform, str(platform_user_id), display_name, username, locale,
            account_created_at=account_created_at), finishes_update=False)

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
