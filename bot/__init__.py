"""The conversation layer (platform-neutral commands, forms, buttons, replies
and texts) and the composition root (settings, CLI, HTTP server, workers)."""
