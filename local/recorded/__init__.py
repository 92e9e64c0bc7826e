"""Platforms' answer shapes, written from their API documentation (no internet here): read
by the adapters' tests and served by the local stack's fakes, one copy for both."""
