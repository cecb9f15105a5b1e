"""Settings from the environment and ``.env`` (documented in .env.example).
Bad values stop the program with a message naming the variable."""
from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator

from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as _SourceError

TELEGRAM_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,}")
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field("sqlite:///gigbroker.db", description="SQLite file or postgresql+asyncpg URL")
    database_pool_size: int = Field(10, ge=1, le=200, description="connections per process")
    database_max_overflow: int = Field(20, ge=0, le=500,
                                       description="extra connections under load (PostgreSQL)")
    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    discord_bot_token: str | None = None
    discord_api_base_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str | None = None
    discord_dev_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    discord_shard_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="the shards this process connects (gateway role)")
    discord_shard_count: int | None = Field(None, ge=1, le=100_000,
                                            description="the bot's total number of shards")
    gigbroker_roles: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="web, gateway, worker (none: all); see bot/runtime/roles.py")
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base_url: str = "https://api.stripe.com"
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)
    public_base_url: str = "http://127.0.0.1:8080"
    fee_bps: int = Field(500, ge=0, le=3000, description="platform fee in basis points")
    staff_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    log_format: str = Field("text", description="text, or json: one JSON object per line")
    metrics_token: str | None = Field(None, description="bearer token /metrics requires")
    metrics_host: str | None = Field(None, description="serve /metrics and /healthz apart")
    metrics_port: int | None = Field(None, ge=0, le=65535)

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        if not v.startswith(("sqlite:", "sqlite+", "postgresql:", "postgresql+", "postgres:")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return v

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token(cls, v: str | None) -> str | None:
        # The message never repeats the value: it is a secret.
        if v is not None and not TELEGRAM_TOKEN.fullmatch(v):
            raise ValueError("does not look like a bot token (digits, a colon, then letters, "
                             "digits, - or _, as @BotFather gives it)")
        return v

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, v: str | None) -> str | None:
        if v is not None:
            parts = urlsplit(v)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("must be the full public URL Telegram posts to, e.g. "
                                 "https://bot.example.com/telegram/webhook")
        return v

    @field_validator("telegram_webhook_secret", "metrics_token")
    @classmethod
    def _long_secret(cls, v: str | None) -> str | None:
        if v is not None and len(v) < 8:
            raise ValueError("is too short to be a secret: use at least 8 characters")
        return v

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _header_safe(cls, v: str | None) -> str | None:
        if v is not None and not WEBHOOK_SECRET.fullmatch(v):
            raise ValueError("may only contain letters, digits, _ and - (up to 256), as "
                             "Telegram requires")
        return v

    @field_validator("stripe_secret_key")
    @classmethod
    def _stripe_key(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if v.startswith("pk_"):
            raise ValueError("is a publishable key (pk_...): set the secret key (sk_...) or a "
                             "restricted key (rk_...) from the Stripe dashboard")
        if not v.startswith(("sk_", "rk_")):
            raise ValueError("must be a Stripe secret key (sk_test_..., sk_live_...) or a "
                             "restricted key (rk_...)")
        return v

    @field_validator("log_format")
    @classmethod
    def _format(cls, v: str) -> str:
        v = v.lower()
        if v not in ("text", "json"):
            raise ValueError("must be text or json")
        return v

    @model_validator(mode="after")
    def _live_needs_webhook_secret(self) -> "Settings":
        key = self.stripe_secret_key or ""
        if key.startswith(("sk_live_", "rk_live_")) and not self.stripe_webhook_secret:
            raise ValueError("STRIPE_WEBHOOK_SECRET must be set with a live Stripe key: without "
                             "it no payment is ever confirmed (copy the endpoint's signing "
                             "secret, whsec_..., from the Stripe dashboard)")
        return self

    @field_validator("gigbroker_roles", mode="before")
    @classmethod
    def _roles(cls, v):
        # checked by bot.runtime.roles.parse_roles (one line, exit 2) when the process starts
        if isinstance(v, str):
            return [x.strip() for x in v.replace(";", ",").split(",") if x.strip()]
        return v

    @model_validator(mode="after")
    def _shards(self) -> "Settings":
        ids, count = self.discord_shard_ids, self.discord_shard_count
        if ids and count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the bot's total "
                             "number of shards, the same in every process)")
        bad = [i for i in ids if count is not None and not 0 <= i < count]
        if bad:
            raise ValueError(f"DISCORD_SHARD_IDS: shard {bad[0]} does not exist with "
                             f"DISCORD_SHARD_COUNT={count} (shards are 0 to {count - 1})")
        if len(set(ids)) != len(ids):
            raise ValueError("DISCORD_SHARD_IDS names a shard twice")
        return self

    @field_validator("discord_dev_guild_ids", "staff_user_ids", "discord_shard_ids",
                     mode="before")
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
                     "discord_gateway_url", "metrics_token", "metrics_host", "metrics_port",
                     "discord_shard_count", mode="before")
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
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"  {name}: {message}" if name else f"  {message}")
        raise SettingsError("\n".join(lines)) from None
    except _SourceError as exc:
        raise SettingsError(f"gigbroker: bad configuration: {exc}") from None
