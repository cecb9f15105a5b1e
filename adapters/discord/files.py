"""Files of deliveries. Inbound: a Discord attachment becomes a neutral file
record (``platform``, ``file_ref``, ``name``, ``kind``, ``url``) that core keeps
with the delivery. Outbound: a Discord file is fetched again (a fresh URL from
its message, since attachment URLs expire) and re-uploaded to the client, so the
client keeps a copy; a file from another platform, or one too big to upload, is
shown as a link."""
from __future__ import annotations

import io
import logging

import discord

from bot.conversation import Attachment, Reply

from adapters.discord.render import clip, escape, safe_url

log = logging.getLogger(__name__)

UPLOAD_LIMIT = 8 * 1024 * 1024  # bytes a bot may upload anywhere


def _kind(att: discord.Attachment) -> str:
    return "photo" if (att.content_type or "").startswith("image/") else "document"


def from_message(message: discord.Message) -> list[dict]:
    """Files of a user's message, referenced by channel/message/attachment id."""
    return [{"platform": "discord", "name": clip(a.filename, 120), "kind": _kind(a), "url": a.url,
             "file_ref": f"msg:{message.channel.id}:{message.id}:{a.id}"}
            for a in message.attachments]


def from_option(att: discord.Attachment) -> dict:
    """A file given to a slash command option (it has no message; its URL is kept)."""
    return {"platform": "discord", "name": clip(att.filename, 120), "kind": _kind(att),
            "url": att.url, "file_ref": f"att:{att.id}"}


class FileRelay:
    def __init__(self, client: discord.Client, *, limit: int = UPLOAD_LIMIT) -> None:
        self.client = client
        self.limit = limit

    async def prepare(self, reply: Reply) -> tuple[list[discord.File], list[str]]:
        """(files to upload, markdown lines for those shown as links)."""
        files: list[discord.File] = []
        lines: list[str] = []
        for att in reply.attachments[:10]:
            data = att.data  # a file we made (a receipt)
            if data is None and att.platform == "discord":
                data = await self._fetch(att)
            if data is not None:
                files.append(discord.File(io.BytesIO(data), filename=att.name or "file"))
                continue
            url = safe_url(att.url)
            lines.append(f"🔗 [{escape(att.name)}]({url})" if url else f"📎 {escape(att.name)}")
        return files, lines

    async def _fetch(self, att: Attachment) -> bytes | None:
        try:
            if att.file_ref.startswith("msg:"):
                _, channel_id, message_id, attachment_id = att.file_ref.split(":")
                channel = self.client.get_partial_messageable(int(channel_id))
                message = await channel.fetch_message(int(message_id))
                found = next((a for a in message.attachments if str(a.id) == attachment_id), None)
                if found is None or found.size > self.limit:
                    return None
                return await found.read()
            if att.url:
                return await self.client.http.get_from_cdn(att.url)
        except (discord.HTTPException, ValueError) as exc:
            log.info("file %s of a delivery could not be fetched: %s", att.file_ref, exc)
        return None
