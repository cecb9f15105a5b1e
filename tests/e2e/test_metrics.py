"""``/metrics`` in Prometheus' text format (issue 15, Operability), read over HTTP
from the real server while the real Telegram bot is used: every metric has its
HELP line, and what the users did shows up: commands by name, presses with their
answer latency, a claim and a refused claim, outbox sends by result, the 429
Telegram answered and the pacer's waits; the backlog gauges /metrics always had
are still there."""
from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.telegram_harness import (  # noqa: F401 (fixtures)
    ANA, BEN, CLIENT, ONE_LINER, harness, tg)

HELPED = ["gigbroker_commands", "gigbroker_presses", "gigbroker_press_answer_seconds",
          "gigbroker_claims", "gigbroker_outbox_sends", "gigbroker_platform_rate_limited",
          "gigbroker_pacer_wait_seconds", "gigbroker_gigs_open", "gigbroker_outbox_pending",
          "gigbroker_outbox_dead", "gigbroker_timers_pending", "gigbroker_payments_pending"]


async def scrape(h) -> tuple[str, dict[tuple[str, tuple], float], dict[str, str]]:
    async with aiohttp.ClientSession() as http, \
            http.get(f"http://127.0.0.1:{h.http.bound_port}/metrics") as resp:
        assert resp.status == 200 and resp.content_type == "text/plain"
        body = await resp.text()
    samples, helps = {}, {}
    for family in text_string_to_metric_families(body):
        helps[family.name] = family.documentation
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return body, samples, helps


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_what_users_did(harness, tg):
    h = harness
    _, before, _ = await scrape(h)
    await h.freelancer(ANA, "Ana")
    await h.freelancer(BEN, "Ben")
    await h.client()
    await h.say(CLIENT, ONE_LINER.replace("slots=2", "slots=1"))
    await h.press(CLIENT, h.last(CLIENT, "Preview"), "Pay")
    card = h.last(ANA, "New gig for you")
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await h.press(ANA, card, "Claim")  # claimed; its DM meets one 429 first
    await h.press(BEN, h.last(BEN, "New gig for you"), "Claim")  # no slot left
    body, after, helps = await scrape(h)

    for name in HELPED:
        assert helps.get(name) and helps[name] != name, f"{name} has no HELP line"
        assert f"# HELP {name}" in body

    def grew(name, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)
    assert grew("gigbroker_commands_total", command="post", platform="telegram") == 1
    assert grew("gigbroker_commands_total", command="profile", platform="telegram") == 2
    assert grew("gigbroker_presses_total", platform="telegram", result="ok") >= 2
    assert grew("gigbroker_press_answer_seconds_count", platform="telegram") == 3
    assert grew("gigbroker_claims_total", result="claimed") == 1
    assert grew("gigbroker_claims_total", result="no_slot_left") == 1
    assert grew("gigbroker_outbox_sends_total", channel="notify", result="sent") >= 2
    assert grew("gigbroker_platform_rate_limited_total", platform="telegram") == 1
    assert grew("gigbroker_pacer_wait_seconds_count", platform="telegram") > 5
    assert value(after, "gigbroker_gigs_open") == 1
    assert value(after, "gigbroker_outbox_dead") == 0
