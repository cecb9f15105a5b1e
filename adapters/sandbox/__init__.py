"""The sandbox payment provider: instant, clearly labelled test money."""
from adapters.sandbox.provider import SandboxProvider

__all__ = ["SandboxProvider"]
