"""Failpoints cost nothing when unset and refuse a name they do not know (a typo
would otherwise make a crash test pass without killing anything)."""
from __future__ import annotations

import os
import subprocess
import sys

from core import failpoints


def test_unset_failpoint_is_a_no_op():
    assert os.environ.get(failpoints.ENV) is None
    assert failpoints.failpoint is failpoints._off
    for name in failpoints.FAILPOINTS:
        assert failpoints.failpoint(*name.split(".")) is None  # still alive


def test_unknown_failpoint_name_is_refused_at_start():
    env = {**os.environ, failpoints.ENV: "ledger.fundign"}
    proc = subprocess.run([sys.executable, "-c", "import core.failpoints"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "ledger.fundign" in proc.stderr and "ledger.funding" in proc.stderr
