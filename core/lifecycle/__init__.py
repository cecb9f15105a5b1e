"""The one lifecycle service: every transition of a gig or claim goes through
``Engine`` (see core/engine/), which runs the functions of this package in a
single transaction with their audit event, ledger entries, timers and outbox."""
