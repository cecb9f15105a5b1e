"""The ports the outside implements: payment providers (``payments``) and the
delivery of notifications to chat platforms (``notifications``)."""
