"""The console as a newcomer meets it: plain text gets a hint, /help names the
console's own commands, /press reads the latest message addressed to you
(not a board card printed after it) and a number it cannot read is no button,
/file of a path that is not there says how
to use it and leaves the open form as it was, and Ctrl-C leaves without a
traceback."""
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


async def test_press_of_a_number_in_another_script_is_no_button(app):
    out = await run_script(app, "/as ana\n/post title=Logo reward=12,50 currency=eur\n"
                                "/press ²\n")  # '²' is a digit int() refuses
    assert "No button '²'. Buttons: 1 Pay" in out
    assert "something went wrong" not in out and "Traceback" not in out


async def test_file_of_a_missing_path_says_how_and_the_form_goes_on(app, tmp_path):
    csv = tmp_path / "photos.csv"
    csv.write_bytes(b"url;label\nhttp://x/1.jpg;cat\nhttp://x/2.jpg;dog\n")
    out = await run_script(app, f"""
/as bob
/post
Tag photos
-
2 usd
/file {tmp_path / "missing.csv"}
/file {csv}
""")
    missing = out.split("missing.csv", 1)[1].split("bob> /file", 1)[0]
    assert "Usage: /file PATH" in missing
    assert "Post a gig (5/10)" in out.rsplit("photos.csv", 1)[1]  # the file answered its step


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
