"""The ``gigbroker`` command: ``run`` (bots + HTTP server + workers), ``console``
(the whole product in a terminal), ``db upgrade``. With no subcommand it runs
the bots if a platform token is set, otherwise explains that and opens the console."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.runtime.settings import Settings, load_settings


def _logging(settings: Settings, *, quiet: bool = False) -> None:
    logging.basicConfig(level=logging.WARNING if quiet else settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs request URLs at INFO, and Telegram URLs contain the bot token.
    for name in ("httpx", "httpcore", "telegram.ext.Updater", "aiosqlite", "stripe"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gigbroker", description="A chat-native gig broker: "
                                "post paid tasks, escrow, claim, deliver, get paid.")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="start every configured bot, the HTTP server and the workers",
                   description="Starts Telegram and/or Discord (whichever token is set), the "
                   "HTTP server (health, metrics, webhooks) and the clock and outbox workers.")
    c = sub.add_parser("console", help="use gigbroker in this terminal (test money)",
                       description="The whole product in a terminal on the embedded default "
                       "(SQLite file, sandbox payments). Reads piped stdin for scripts. "
                       "Inside: /as NAME, /press N, /clock +2h, /quit.")
    c.add_argument("--database-url", help="override DATABASE_URL for this session")
    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    dbsub = db.add_subparsers(dest="db_command")
    dbsub.add_parser("upgrade", help="apply migrations up to the latest schema",
                     description="Apply Alembic migrations to DATABASE_URL.")
    r = sub.add_parser("reconcile", help="compare the ledger with the payment provider",
                       description="Compare the ledger with Stripe for a period and list "
                       "differences (needs STRIPE_SECRET_KEY).")
    r.add_argument("--days", type=int, default=7, help="how many days back to check")
    r.add_argument("--fix", action="store_true", help="apply the fixes that are safe")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(**({"database_url": args.database_url}
                                    if getattr(args, "database_url", None) else {}))
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    command = args.command
    if command is None:
        if settings.telegram_bot_token or settings.discord_bot_token:
            command = "run"
        else:
            print("No TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN is set, so no chat bot can start.\n"
                  "Starting the console instead: the whole product in this terminal, with test "
                  "money. (Set a token in .env and run `gigbroker run` for the real bots.)\n",
                  file=sys.stderr)
            command = "console"
    if command == "db":
        if args.db_command != "upgrade":
            _parser().parse_args(["db", "--help"])
        _logging(settings)
        from core.api import upgrade_database as upgrade
        upgrade(settings.database_url)
        print(f"Database is up to date ({settings.database_url.split('@')[-1]}).")
        return 0
    if command == "console":
        _logging(settings, quiet=True)
        return asyncio.run(_console(settings))
    if command == "reconcile":
        _logging(settings)
        from bot.runtime.runner import reconcile
        return asyncio.run(reconcile(settings, days=args.days, fix=args.fix))
    _logging(settings)
    if not (settings.telegram_bot_token or settings.discord_bot_token):
        print("Nothing to run: set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN (see "
              ".env.example), or try `gigbroker console`.", file=sys.stderr)
        return 2
    from bot.runtime.runner import run
    return asyncio.run(run(settings))


async def _console(settings: Settings) -> int:
    from adapters.console.session import run_console
    from bot.runtime.app import App
    from core.api import OffsetClock
    app = App(settings, clock=OffsetClock())
    await app.prepare()
    try:
        await run_console(app)
    finally:
        await app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
