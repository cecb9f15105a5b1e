"""The composition root: settings, the ``gigbroker`` CLI, the runner, the HTTP
server and the wiring of adapters from settings. The only part of the product
that imports adapters/."""
