"""The console adapter: the whole product in a terminal (or a piped script)."""
