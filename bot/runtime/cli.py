"""The ``gigbroker`` command: ``run`` (bots + HTTP server + workers), ``console``
(the whole product in a terminal), ``db upgrade``. With no subcommand it runs
the bots if a platform token is set, otherwise explains that and opens the console."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.runtime import logs
from bot.runtime.settings import Settings, load_settings
from bot.startup import StartupFailed

SECRETS = logs.Secrets()  # filled from the settings by _logging; masks what the CLI prints


LOG_FORMAT = "text"


def _logging(settings: Settings, *, quiet: bool = False) -> None:
    global SECRETS, LOG_FORMAT
    SECRETS = logs.configure(settings, quiet=quiet)
    LOG_FORMAT = settings.log_format


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as installed
    try:
        return installed("gigbroker")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _failed(exc: StartupFailed) -> int:
    """A start-up failure: one line on stderr, exit code 2 (with LOG_FORMAT=json, that
    line is a JSON log record like every other line)."""
    line = SECRETS.mask(f"gigbroker: {exc}")
    if LOG_FORMAT == "json":
        logging.getLogger("gigbroker").critical(line)
    else:
        print(line, file=sys.stderr)
    return 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gigbroker", description="A chat-native gig broker: "
                                "post paid tasks, escrow, claim, deliver, get paid.")
    p.add_argument("--version", action="version", version=f"gigbroker {version()}")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="start every configured bot, the HTTP server and the workers",
                         description="Starts Telegram and/or Discord (whichever token is set), "
                         "the HTTP server (health, metrics, webhooks) and the clock and outbox "
                         "workers; with --role only that part (several processes on one "
                         "PostgreSQL, see README: Deploying).")
    run.add_argument("--role", action="append", metavar="ROLE",
                     help="web (webhooks), gateway (Discord shards, Telegram polling) or worker "
                     "(clock, outbox, Telegram inbox); repeat or comma-separate; default: "
                     "GIGBROKER_ROLES, else all")
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
        return _main(args)
    except StartupFailed as exc:
        return _failed(exc)
    except KeyboardInterrupt:
        return 130


def _main(args) -> int:
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
        from bot.runtime.startup import check_database_location, database_failure
        from core.api import upgrade_database as upgrade
        check_database_location(settings.database_url)
        try:
            upgrade(settings.database_url)
        except Exception as exc:  # noqa: BLE001 - one line, exit 2
            raise database_failure(settings.database_url, exc) from None
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
    from bot.runtime.roles import parse_roles
    given = getattr(args, "role", None)
    roles = parse_roles(given or settings.gigbroker_roles,
                        setting="--role" if given else "GIGBROKER_ROLES")
    if not (settings.telegram_bot_token or settings.discord_bot_token):
        print("Nothing to run: set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN (see "
              ".env.example), or try `gigbroker console`.", file=sys.stderr)
        return 2
    from bot.runtime.runner import run
    return asyncio.run(run(settings, roles=roles))


async def _console(settings: Settings) -> int:
    from adapters.console.session import run_console
    from bot.runtime.app import App
    from bot.runtime.startup import build_app, prepare_database
    from core.api import OffsetClock
    app = build_app(settings, App, clock=OffsetClock())
    try:
        await prepare_database(app)
        await run_console(app)
    finally:
        await app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
