"""Start-up checks of ``gigbroker run`` (and the console and ``db upgrade``): each
step that can fail for a reason the operator can fix is turned into one
``StartupFailed`` line naming the setting to check. The CLI prints it and exits
with code 2; no traceback (the details are logged at DEBUG, masked)."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from bot.startup import StartupFailed

log = logging.getLogger(__name__)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def sqlite_file(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for other databases)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    return Path(path.split("?", 1)[0]) if path else None


def check_database_location(url: str) -> None:
    path = sqlite_file(url)
    if path is not None and not path.parent.is_dir():
        raise StartupFailed(f"DATABASE_URL: the directory {path.parent} of the SQLite file does "
                            "not exist; create it or point DATABASE_URL at another file")


def database_failure(url: str, exc: BaseException) -> StartupFailed:
    log.debug("database start-up failed", exc_info=exc)
    path = sqlite_file(url)
    if path is not None:
        return StartupFailed(f"DATABASE_URL: cannot open the SQLite file {path}: "
                             f"{first_line(exc)}")
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or 5432}{parts.path}"
    return StartupFailed(f"DATABASE_URL: cannot use PostgreSQL at {where}: {first_line(exc)} "
                         "(is the server running and the database created?)")


def build_app(settings, factory, **kwargs):
    """``factory(settings)`` (the ``App``): a URL the database layer refuses is one line."""
    check_database_location(settings.database_url)
    try:
        return factory(settings, **kwargs)
    except StartupFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a malformed DATABASE_URL
        raise database_failure(settings.database_url, exc) from None


async def prepare_database(app) -> None:
    """``App.prepare`` (migrations, the match index), failures as one line."""
    url = app.settings.database_url
    check_database_location(url)
    try:
        await app.prepare()
    except StartupFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - every cause gets its one line
        raise database_failure(url, exc) from None


async def start_service(service) -> None:
    try:
        await service.start()
    except StartupFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - an unforeseen cause still gets one line
        log.debug("starting %s failed", type(service).__name__, exc_info=exc)
        raise StartupFailed(f"{type(service).__name__} could not start: "
                            f"{first_line(exc)}") from None
