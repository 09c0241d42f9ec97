"""Static files: hashed, compressed and cached forever in production; plain in development."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

SOURCE_CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "site.css"
PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def production(settings, tmp_path):
    """DEBUG off with the production storage, collecting into a fresh STATIC_ROOT."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    return settings


@pytest.fixture
def collected(production) -> tuple[Path, str]:
    call_command("collectstatic", interactive=False, verbosity=0)
    root = Path(production.STATIC_ROOT)
    manifest = json.loads((root / "staticfiles.json").read_text())
    return root, manifest["paths"]["css/site.css"]


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    root, hashed = collected
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed), hashed
    css = (root / hashed).read_bytes()
    assert css == SOURCE_CSS.read_bytes()
    assert gzip.decompress((root / f"{hashed}.gz").read_bytes()) == css
    brotli = root / f"{hashed}.br"
    if brotli.exists():  # written when the brotli package is installed
        assert brotli.stat().st_size < len(css)


def test_pages_link_the_hashed_css_served_compressed_and_immutable(collected):
    _, hashed = collected
    client = Client()  # a new handler: WhiteNoise reads the collected files at start
    for url in ("/", "/directory/", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert f'<link rel="stylesheet" href="/static/{hashed}">' in html, url
    response = client.get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert gzip.decompress(b"".join(response.streaming_content)) == SOURCE_CSS.read_bytes()


def test_a_missing_collectstatic_is_reported(production):
    warnings = [m for m in run_checks(tags=["staticfiles"]) if m.id == "replies.W001"]
    assert warnings and "collectstatic" in warnings[0].hint
    call_command("collectstatic", interactive=False, verbosity=0)
    assert not [m for m in run_checks(tags=["staticfiles"]) if m.id == "replies.W001"]


def test_development_serves_the_source_css(settings):
    """``make run`` (DEBUG on, plain storage): WhiteNoise serves static/ through the finders."""
    settings.DEBUG = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    assert '<link rel="stylesheet" href="/static/css/site.css">' in client.get("/").content.decode()
    response = client.get("/static/css/site.css")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert b"".join(response.streaming_content) == SOURCE_CSS.read_bytes()
    assert not [m for m in run_checks(tags=["staticfiles"]) if m.id == "replies.W001"]
