"""Files the bot makes, in a scripted console session: the /wallet earnings
chart, a /receipt PDF, the /export CSV and the /stats picture are saved to the
console's files directory and printed with their path; what is in them matches
the ledger."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from PIL import Image

from tests.console_script import run_script

SCRIPT = """
/as mod
/board
/as alice
/profile skills=design,svg hours=any timezone=UTC
/payout
/as bob
/post title="Logo in SVG" reward=25 currency=usd slots=2 skills=design,svg deliver_in=2d
/press Pay
/as alice
/press Claim
/deliver 1 Here is the logo https://example.com/logo.svg
/as bob
/press Approve
/as alice
/wallet
/export
/receipt
"""
POST = """
/post title="Shop texts" reward=40 currency=usd skills=copywriting
/press Pay
"""


def saved(out: str, name_pattern: str) -> list[Path]:
    return [Path(p) for p in re.findall(rf"\[file\] {name_pattern} \([\d,]+ bytes\) saved to "
                                        r"(\S+)", out)]


async def test_made_files_are_saved_and_their_paths_printed(app, tmp_path, monkeypatch):
    monkeypatch.setenv("GIGBROKER_CONSOLE_FILES", str(tmp_path / "files"))
    out = await run_script(app, SCRIPT)
    [chart] = saved(out, r"gigbroker-earnings-usd\.png")
    assert chart.parent == tmp_path / "files"
    image = Image.open(chart)
    assert image.format == "PNG" and image.size == (1080, 1350)
    assert "Total: $25.00" in out

    [export] = saved(out, r"gigbroker-ledger\.csv")
    rows = list(csv.DictReader(io.StringIO(export.read_text(encoding="utf-8-sig"))))
    assert [(r["gig"], r["description"], r["amount"], r["currency"], r["balance"])
            for r in rows] == [
        ("#1 Logo in SVG", "Earned for claim #1", "25.00", "USD", "25.00"),
        ("#1 Logo in SVG", "Payout sent to your account", "-25.00", "USD", "0.00")]

    number = re.search(r"#(\d+) · .* · Payout · #1 Logo in SVG", out).group(1)
    out = await run_script(app, f"/as alice\n/receipt {number}\n/as bob\n/stats\n"
                                "/as mod\n/stats theme=dark\n/export board\n")
    [pdf] = saved(out, rf"gigbroker-receipt-{number}\.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "[to bob] ⚠️ Only moderators of this board can see its figures." in out
    [stats] = saved(out, r"gigbroker-board-stats\.png")
    assert Image.open(stats).size == (1080, 1350)
    assert "Gigs posted: 1 · slots filled: 1" in out and "Paid out: $25.00" in out
    [board] = saved(out, r"gigbroker-board-1-ledger\.csv")
    rows = list(csv.DictReader(io.StringIO(board.read_text(encoding="utf-8-sig"))))
    assert [(r["amount"], r["balance"]) for r in rows] == [("52.50", "52.50"), ("-26.25", "26.25")]


async def test_a_file_that_cannot_be_saved_is_reported_not_fatal(app, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("GIGBROKER_CONSOLE_FILES", str(blocker))
    out = await run_script(app, SCRIPT)
    assert "[file] gigbroker-earnings-usd.png (" in out and "not saved:" in out
    assert "[to alice] Ledger lines: 2." in out  # the session went on


async def test_weekly_summary_is_posted_to_the_board_with_its_picture(app, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("GIGBROKER_CONSOLE_FILES", str(tmp_path / "files"))
    out = await run_script(app, SCRIPT + "/as mod\n/stats weekly=on\n/stats\n")
    assert "[to mod] Weekly summary on: the first is posted to the board on Jun 8, 2026, 9:00 AM UTC." \
        in out  # the app's clock starts on Monday 1 June 2026, 09:00
    assert "Weekly summary: next on Jun 8, 2026, 9:00 AM UTC." in out
    assert "[board] Weekly summary" not in out
    out = await run_script(app, "/as mod\n/clock +3d\n/as bob\n" + POST.strip()
                           + "\n/as mod\n/clock +3d\n")
    assert "[board] Weekly summary" not in out  # Sunday
    out = await run_script(app, "/as mod\n/clock +1d\n")
    assert "[board] Weekly summary\n" in out and "Console board: last 7 days" in out
    assert "Gigs posted: 1 · slots filled: 0" in out  # the gig of 1 June is out of the week
    assert "Top skills: copywriting (1)" in out
    [picture] = saved(out, r"gigbroker-board-stats\.png")
    assert Image.open(picture).size == (1080, 1350)
    out = await run_script(app, "/as mod\n/clock +1h\n/stats weekly=off\n/clock +7d\n")
    assert "Weekly summary off." in out and "[board] Weekly summary" not in out
