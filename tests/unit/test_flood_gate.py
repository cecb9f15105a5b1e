"""The inbound budget per sender (bot/flood_gate.py), on a hand-moved clock."""
from __future__ import annotations

from bot.flood_gate import FloodGate, Verdict, slow_down_notice
from bot.delivery.text import plain


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_warning_then_drops():
    clock = Clock()
    gate = FloodGate(burst=5, per_second=1.0, notice_every=60.0, clock=clock)
    verdicts = [gate.admit("ana") for _ in range(9)]
    assert verdicts == [Verdict.admit] * 5 + [Verdict.warn] + [Verdict.drop] * 3
    assert gate.refused == 4


def test_budget_refills_with_time_and_the_warning_is_not_repeated_within_a_minute():
    clock = Clock()
    gate = FloodGate(burst=2, per_second=1.0, notice_every=60.0, clock=clock)
    assert [gate.admit("ana") for _ in range(3)] == [Verdict.admit, Verdict.admit, Verdict.warn]
    clock.now += 1.0
    assert [gate.admit("ana") for _ in range(2)] == [Verdict.admit, Verdict.drop]
    clock.now += 61.0
    assert [gate.admit("ana") for _ in range(3)] == [Verdict.admit, Verdict.admit, Verdict.warn]


def test_senders_have_separate_budgets():
    gate = FloodGate(burst=1, clock=Clock())
    assert gate.admit("ana") is Verdict.admit
    assert gate.admit("ana") is Verdict.warn
    assert gate.admit("ben") is Verdict.admit


def test_idle_senders_are_forgotten_when_many_are_tracked():
    clock = Clock()
    gate = FloodGate(burst=2, per_second=1.0, clock=clock, max_tracked=3)
    for name in ("a", "b", "c"):
        gate.admit(name)
    clock.now += 5.0  # all three are full again: nothing to remember
    gate.admit("d")
    assert set(gate._buckets) == {"d"}


def test_the_notice_is_translated():
    assert "faster" in plain(slow_down_notice("en").text.spans)
    assert "faster" not in plain(slow_down_notice("es").text.spans)
