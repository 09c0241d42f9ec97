"""Settings for the test suite: the project's settings with ``DEBUG`` on at import.

``DEBUG`` defaults to off (config/settings.py), which asks for a real ``SECRET_KEY``, hashed
static files and HTTPS redirects. The tests run as ``make run`` does, with the development
storage and plain HTTP; pytest-django still turns ``DEBUG`` off while each test runs, and
tests of the production settings set them themselves.
"""

import os

os.environ.setdefault("DEBUG", "true")

from config.settings import *  # noqa: F403
