"""Benchmarks, run with ``python -m bench <command>`` (not part of the test run).

Each command prints its figures next to a baseline measured in the same run and
the ratio between them; targets are shown as PASS/MISS markers for information,
nothing asserts on timing. Subcommands are registered in ``bench.__main__``."""
