"""The process's metrics (prometheus_client), in one registry: what the parts of
the product count (commands, presses, claims, outbox sends, platform 429s,
pacer waits, press -> answer latency) and, at each scrape, the database's
backlog gauges (``core.workers.health.operational_counts``).

Counters live per process (each process of a scaled-out deployment exposes its
own /metrics; Prometheus sums them). Code anywhere records through the
functions below, so label names and values are decided here once; label values
are bounded (platform names, command names from the registry, outcome words),
never user input."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
WAIT_BUCKETS = (0.0, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

COMMANDS = Counter("gigbroker_commands", "Commands handled, by command and platform",
                   ["command", "platform"], registry=REGISTRY)
PRESSES = Counter("gigbroker_presses", "Button presses handled, by platform and result "
                  "(ok, refused: a domain error was the answer, error: an unexpected failure)",
                  ["platform", "result"], registry=REGISTRY)
PRESS_ANSWER = Histogram("gigbroker_press_answer_seconds", "From a button press reaching the "
                         "conversation layer to its answer being ready, by platform",
                         ["platform"], buckets=LATENCY_BUCKETS, registry=REGISTRY)
CLAIMS = Counter("gigbroker_claims", "First-come claim attempts, by result (claimed, or the "
                 "refusal's code: no_slot_left, claim_limit, ...)",
                 ["result"], registry=REGISTRY)
OUTBOX_SENDS = Counter("gigbroker_outbox_sends", "Outbox rows handled, by channel and result "
                       "(sent; later: the platform asked to wait; failed: retried with "
                       "backoff; dead: undeliverable)", ["channel", "result"], registry=REGISTRY)
RATE_LIMITED = Counter("gigbroker_platform_rate_limited", "429 (rate limited) answers from a "
                       "platform API, by platform", ["platform"], registry=REGISTRY)
PACER_WAIT = Histogram("gigbroker_pacer_wait_seconds", "Time requests waited in the outbound "
                       "pacer before going to the platform, by platform", ["platform"],
                       buckets=WAIT_BUCKETS, registry=REGISTRY)
# The database backlog, read at each scrape, under the names /metrics always had.
_NAMED: dict[str, Gauge] = {}
_HELP = {
    "gigbroker_gigs_open": "Gigs open (funded, slots or live claims left)",
    "gigbroker_outbox_pending": "Outbox rows waiting to be sent",
    "gigbroker_outbox_dead": "Outbox rows that could not be delivered (kept with their error)",
    "gigbroker_timers_pending": "Timers not yet fired",
    "gigbroker_payments_pending": "Payment operations not yet done",
}


def command_handled(command: str, platform: str) -> None:
    COMMANDS.labels(command=command, platform=platform).inc()


def press_answered(platform: str, result: str, seconds: float) -> None:
    PRESSES.labels(platform=platform, result=result).inc()
    PRESS_ANSWER.labels(platform=platform).observe(max(seconds, 0.0))


def claim_attempted(result: str) -> None:
    CLAIMS.labels(result=result).inc()


def outbox_handled(channel: str, result: str) -> None:
    OUTBOX_SENDS.labels(channel=channel, result=result).inc()


def rate_limited(platform: str) -> None:
    RATE_LIMITED.labels(platform=platform).inc()


def pacer_waited(platform: str, seconds: float) -> None:
    PACER_WAIT.labels(platform=platform).observe(max(seconds, 0.0))


def exposition(counts: dict[str, int]) -> tuple[bytes, str]:
    """The text exposition (body, content type), with ``counts`` (the database
    backlog) set as gauges first."""
    for name, value in counts.items():
        gauge = _NAMED.get(name)
        if gauge is None:
            gauge = _NAMED[name] = Gauge(name, _HELP.get(name, name.replace("_", " ")),
                                         registry=REGISTRY)
        gauge.set(value)
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
