"""Driving the console session with a script, as the console adapter's own tests do
(tests/integration/test_console_*.py): run the lines, get everything printed.
Conversation tests use ``tests.conversation`` instead."""
from __future__ import annotations

import io

from adapters.console.session import ConsoleSession


async def run_script(app, script: str) -> str:
    """Everything the console printed while reading ``script``, line by line."""
    out = io.StringIO()
    await ConsoleSession(app, out).run(io.StringIO(script.strip() + "\n"))
    return out.getvalue()
