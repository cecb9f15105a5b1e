"""``python -m bench COMMAND``: a small registry of benchmark modules.

Adding a benchmark is one line in ``COMMANDS``: its module must define
``add_arguments(parser)`` and ``main(args) -> int | None``. Only the chosen module
is imported, so one benchmark's dependencies never slow down or break another."""
from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "engine": ("bench.engine", "claim transactions: Engine.claim_slot vs raw aiosqlite"),
    "match": ("bench.match", "rank_freelancers over 100,000 profiles vs a raw sqlite3 fetch"),
    "discord": ("bench.discord", "Discord: DM fan-out vs the 50 req/s ceiling, ack latency"),
    "charts": ("bench.charts", "time to render one chart (/wallet, /stats) vs a bare Agg figure"),
    "telegram": ("bench.telegram", "Telegram: gig fan-out vs the 30 msg/s ceiling, button presses vs bare PTB"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    subparsers = {name: sub.add_parser(name, help=text, description=text)
                  for name, (_, text) in COMMANDS.items()}
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    if chosen:
        module = importlib.import_module(COMMANDS[chosen][0])
        module.add_arguments(subparsers[chosen])
    args = parser.parse_args(argv)
    return int(module.main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
