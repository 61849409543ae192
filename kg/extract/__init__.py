"""Concept extraction: per-paper spotting (stage 1) and corpus-level resolution (stage 2)."""
