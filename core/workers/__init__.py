"""Background workers, safe to run in several processes: the outbox (notifications,
payment commands, match fan-outs) and the clock (due timers)."""
