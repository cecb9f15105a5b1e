"""Engine methods for people outside the lifecycle: identities, linked accounts,
link codes, settings, blocks and bans, and where they are in a form."""
from __future__ import annotations

from core.engine.base import EngineBase
from core.lifecycle import form_state


class PeopleWrites(EngineBase):
    # -- form state ------------------------------------------------------------
    async def save_form_state(self, platform: str, platform_user_id: str, form: str, step: int,
                              values: dict, context: dict) -> None:
        """Remember where this person is in which form (one per user and platform)."""
        await self.tx(lambda t: form_state.save_form_state(
            t, platform, str(platform_user_id), form, step, values, context))

    async def drop_form_state(self, platform: str, platform_user_id: str) -> bool:
        """Leave any form; True when there was one."""
        return await self.tx(lambda t: form_state.drop_form_state(
            t, platform, str(platform_user_id)))
