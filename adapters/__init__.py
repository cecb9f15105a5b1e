"""Platform and provider adapters: chat platforms render bot/ replies and feed
events in; payment providers implement core's payment port."""
