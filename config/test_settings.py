"""Settings for the test suite: the project's settings with ``DEBUG`` on at import.

``DEBUG`` defaults to off (config/settings.py), which asks for a real ``SECRET_KEY``, hashed
static files and HTTPS redirects. The tests run as ``make run`` does, with the development
storage and plain HTTP; pytest-django still turns ``DEBUG`` off while each test runs, and
tests of the production settings set them themselves. Rate limits are off but where tested.
"""

import os

os.environ.setdefault("DEBUG", "true")

from config.settings import *  # noqa: F403

# Tests make many requests from one address; tests/test_ratelimit.py turns the limits on.
ARCHIVE_RATELIMIT_ENABLED = False

# One process runs the suite: a memory cache, so no test run reads another's entries.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
