"""Loopback fakes of external services (Telegram, Discord, ...) used by the e2e tests."""
