"""Saved searches: their store, what changed between runs, and the report of a run."""
