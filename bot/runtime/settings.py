"""Settings from the environment and ``.env`` (documented in .env.example).
Bad values stop the program with a message naming the variable."""
from __future__ import annotations

from pydantic import Field, ValidationError, field_validator
from typing import Annotated

from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as _SourceError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field("sqlite:///gigbroker.db", description="SQLite file or postgresql+asyncpg URL")
    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    discord_bot_token: str | None = None
    discord_api_base_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str | None = None
    discord_dev_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base_url: str = "https://api.stripe.com"
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)
    public_base_url: str = "http://127.0.0.1:8080"
    fee_bps: int = Field(500, ge=0, le=3000, description="platform fee in basis points")
    staff_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        if not v.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+asyncpg://")
        return v

    @field_validator("discord_dev_guild_ids", "staff_user_ids", mode="before")
    @classmethod
    def _ids(cls, v):
        if isinstance(v, str):
            try:
                return [int(x) for x in v.replace(";", ",").split(",") if x.strip()]
            except ValueError:
                raise ValueError("must be comma-separated numeric ids, e.g. 123,456") from None
        if isinstance(v, int):
            return [v]
        return v

    @field_validator("telegram_bot_token", "discord_bot_token", "stripe_secret_key",
                     "stripe_webhook_secret", "telegram_webhook_url", "telegram_webhook_secret",
                     "discord_gateway_url", mode="before")
    @classmethod
    def _blank_is_none(cls, v):
        return v or None

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.upper()
        if v not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return v


class SettingsError(SystemExit):
    pass


def load_settings(**overrides) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = ["gigbroker: bad configuration:"]
        for err in exc.errors():
            name = "_".join(str(p) for p in err["loc"]).upper()
            lines.append(f"  {name}: {err['msg']}")
        raise SettingsError("\n".join(lines)) from None
    except _SourceError as exc:
        raise SettingsError(f"gigbroker: bad configuration: {exc}") from None
