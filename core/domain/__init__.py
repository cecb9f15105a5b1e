"""The domain: records (SQLModel tables), money amounts, input rules, defaults,
typed errors and the time source. Nothing here does I/O of its own."""
