"""Settings that could only fail later, or silently, are refused at start with a
message naming the variable and never repeating a secret (issue 15,
Operability); ``gigbroker --version``."""
from __future__ import annotations

import pytest

from bot.runtime.cli import main
from bot.runtime.settings import Settings

PUBLISHABLE = "pk_test_51PublishableKeyNotASecret"
LIVE = "sk_live_51LiveSecretKeyValue"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    for var in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "STRIPE_SECRET_KEY",
                "STRIPE_WEBHOOK_SECRET", "DATABASE_URL", "TELEGRAM_WEBHOOK_SECRET",
                "METRICS_TOKEN", "LOG_FORMAT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAValidLookingTokenValidLooking_01")
    return monkeypatch


@pytest.mark.parametrize("env, expected", [
    ({"STRIPE_SECRET_KEY": PUBLISHABLE}, "STRIPE_SECRET_KEY: is a publishable key (pk_...)"),
    ({"STRIPE_SECRET_KEY": "whsec_wrong_variable"}, "STRIPE_SECRET_KEY: must be a Stripe secret"),
    ({"STRIPE_SECRET_KEY": LIVE}, "STRIPE_WEBHOOK_SECRET must be set with a live Stripe key"),
    ({"STRIPE_SECRET_KEY": "rk_live_51Restricted"}, "STRIPE_WEBHOOK_SECRET must be set"),
    ({"TELEGRAM_WEBHOOK_SECRET": "abc1234"}, "TELEGRAM_WEBHOOK_SECRET: is too short"),
    ({"TELEGRAM_WEBHOOK_SECRET": "has spaces in it"}, "TELEGRAM_WEBHOOK_SECRET: may only"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT: must be text or json"),
])
def test_refused_settings_name_the_variable_and_hide_the_value(clean_env, capsys, env, expected):
    for name, value in env.items():
        clean_env.setenv(name, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    for value in env.values():
        assert value not in err


def test_a_live_key_with_its_webhook_secret_and_a_test_key_alone_are_fine():
    Settings(_env_file=None, stripe_secret_key=LIVE, stripe_webhook_secret="whsec_abc12345")
    Settings(_env_file=None, stripe_secret_key="sk_test_51abc")


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gigbroker ") and out.split()[1][0].isdigit()
