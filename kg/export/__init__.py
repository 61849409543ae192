"""Sinks: each writes one canonical graph (see ``kg.schema``) in a sorted, deterministic order."""
