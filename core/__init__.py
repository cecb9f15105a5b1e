"""gigbroker's engine: domain records, the lifecycle service, the ledger, timers,
the outbox, matching and the ports that payment providers and notification
dispatchers implement. Never imports a chat platform or payment SDK."""
