"""Defaults shared by the library and the command line.

Imports nothing, so the command line can build its options without loading the query
machinery: ``trialfinder --help`` stays fast.
"""

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
API_URL_ENV = "TRIALFINDER_API_URL"
DEFAULT_LIMIT = 20
