"""Talking to the ClinicalTrials.gov API: the HTTP client and the cache of its answers."""
