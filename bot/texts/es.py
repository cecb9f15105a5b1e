"""Spanish catalogue: English message id -> Spanish text."""
MESSAGES: dict[str, str] = {}
