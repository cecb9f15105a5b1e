"""Command, button and form handlers. Importing ``load_all`` registers them all."""


def load_all() -> None:
    from bot.commands import account, boards, buttons, gigs, money, work  # noqa: F401
    from bot.commands import receipts  # noqa: F401
    from bot.commands import reports  # noqa: F401
    from bot.commands import rates, manage  # noqa: F401
    from bot.commands import queues  # noqa: F401
    from bot.commands import badges  # noqa: F401
    from bot.commands import disputes, statements  # noqa: F401
