"""The console as a newcomer meets it: plain text gets a hint, /help names the
console's own commands, /press reads the latest message addressed to you
(not a board card printed after it), and Ctrl-C leaves without a traceback."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from core.domain.records import Claim
from tests.console_script import run_script

ROOT = Path(__file__).resolve().parents[2]


async def test_plain_text_outside_a_form_gets_a_hint(app):
    out = await run_script(app, "/as bob\nhello, what can I do here?\n")
    after = out.split("hello, what can I do here?", 1)[1]
    assert "/help" in after and "Plain text" in after


async def test_help_lists_the_console_commands(app):
    out = await run_script(app, "/as bob\n/help\n")
    assert "[to bob] Commands" in out
    console_part = out.split("Console commands", 1)[1]
    for usage in ("/as NAME", "/press N", "/clock +2h", "/quit"):
        assert usage in console_part


async def test_press_uses_my_latest_message_not_a_later_board_card(app):
    # alice claims; carol's claim then re-prints the board card (Claim, Details) after
    # alice's confirmation (Deliver, Withdraw): alice's /press 1 is her Deliver.
    out = await run_script(app, """
/as alice
/profile skills=design hours=any
/as carol
/profile skills=design hours=any
/as bob
/post title="First logo" reward=10 currency=usd skills=design slots=2
/press Pay
/as alice
/press Claim
/as carol
/gigs
/press Claim
/as alice
/press 1
""")
    last = out.rsplit("alice> /press 1", 1)[1]
    assert "[to alice] Deliver your work" in last
    assert "No slot left" not in last and "already" not in last
    claims = await app.engine.view(lambda t: sorted(
        (c.freelancer_id, c.status) for c in t.s.scalars(select(Claim))))
    assert [s for _, s in claims] == ["active", "active"]


def test_ctrl_c_quits_cleanly(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("DISCORD_BOT_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "console"], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        proc.stdin.write("/as bob\n")
        proc.stdin.flush()
        for line in proc.stdout:  # wait until the session is really reading input
            if "you are now bob" in line:
                break
        proc.send_signal(signal.SIGINT)  # stdin stays open: a reader is blocked on it
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the console did not exit after Ctrl-C: {err[-2000:]}")
    assert "Traceback" not in err, err
    assert proc.returncode == 0
    assert "bye" in out
