"""Defaults shared by the library and the command line.

Imports nothing, so the command line can build its options without loading the query
machinery: ``trialfinder --help`` stays fast.
"""

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
API_URL_ENV = "TRIALFINDER_API_URL"
DEFAULT_LIMIT = 20
#: Seconds to wait for the API to answer one request (the connect timeout is apart).
DEFAULT_READ_TIMEOUT = 30.0
#: The read timeouts the command line and the configuration file take, in seconds.
TIMEOUT_RANGE = (0.1, 600)
#: Attempts per request when the API is busy or unreachable.
DEFAULT_MAX_ATTEMPTS = 4
#: Seconds an answer is served from the response cache: one hour.
DEFAULT_CACHE_TTL = 3600
#: The longest a cached answer may be served, in seconds (a year): statuses change sooner,
#: and a date beyond it could overflow the cache's expiry dates.
MAX_CACHE_TTL = 366 * 24 * 3600
#: Miles around ``near`` when no radius is given.
DEFAULT_RADIUS_MILES = 50.0
#: Environment variables that set the client's waits (seconds), for tests and local mirrors.
#: Against the public API they can only lengthen the waits, never shorten them.
MIN_INTERVAL_ENV = "TRIALFINDER_MIN_INTERVAL"
BACKOFF_ENV = "TRIALFINDER_BACKOFF"
MAX_RETRY_AFTER_ENV = "TRIALFINDER_MAX_RETRY_AFTER"
