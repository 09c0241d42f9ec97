"""replies/conf.py: every ARCHIVE_*/SEARCH_* setting, its default written once."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from replies.conf import DEFAULTS, archive_settings, from_environment

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""(?:settings\.|setting\(\s*["'])((?:ARCHIVE|SEARCH)_[A-Z_]+)""")


def test_every_setting_the_code_reads_has_its_default_in_conf():
    read = set()
    for path in (ROOT / "replies").rglob("*.py"):
        if "migrations" not in path.parts:
            read |= set(READ.findall(path.read_text(encoding="utf-8")))
    read.discard("ARCHIVE_DATA_DIR")  # a path, from config/settings.py
    assert read and read <= set(DEFAULTS), read - set(DEFAULTS)


def test_defaults_environment_and_overrides():
    values = from_environment({"SEARCH_CACHE_SECONDS": "0", "ARCHIVE_ZIP_MAX_RATIO": "50"})
    assert values["SEARCH_CACHE_SECONDS"] == 0
    assert values["ARCHIVE_ZIP_MAX_RATIO"] == 50.0
    assert values["ARCHIVE_MAX_BODY_CHARS"] == DEFAULTS["ARCHIVE_MAX_BODY_CHARS"]
    assert DEFAULTS["ARCHIVE_ZIP_MAX_MEMBERS"] == settings.ARCHIVE_ZIP_MAX_MEMBERS


def test_a_test_override_is_seen(settings):
    settings.SEARCH_ZERO_LOG_MAX_ROWS = 7
    assert archive_settings.SEARCH_ZERO_LOG_MAX_ROWS == 7
    del settings.SEARCH_ZERO_LOG_MAX_ROWS
    assert DEFAULTS["SEARCH_ZERO_LOG_MAX_ROWS"] == archive_settings.SEARCH_ZERO_LOG_MAX_ROWS
