"""``StartupFailed``: a service could not start for a reason the operator can fix
(a refused token, a server that cannot be reached, a port in use).

Adapters raise it from ``start()`` with one line that says what failed and what
to check, never a secret; ``gigbroker run`` prints that line and exits with
code 2 instead of a traceback."""
from __future__ import annotations


class StartupFailed(RuntimeError):
    """One clear line for the operator (``str(exc)``)."""
