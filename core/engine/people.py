"""Engine methods for people outside the lifecycle: identities, linked accounts,
link codes, settings, blocks and bans, and where they are in a form."""
from __future__ import annotations

from core.domain.records import LinkCode, Profile, User
from core.engine.base import EngineBase
from core.lifecycle import form_state, people


class PeopleWrites(EngineBase):
    # -- identities ------------------------------------------------------------
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
