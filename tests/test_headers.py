"""Security headers (Content-Security-Policy without inline script or style, Permissions-Policy)
and request size limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from replies import browse

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(make_reply):
    reply = make_reply(result_class="A", result_label="A类")
    return [
        "/",
        "/?q=答复",
        "/directory/",
        browse.permalink(reply),
        f"/departments/{reply.department.slug}/",
        "/no-such-page/",
        "/admin/login/",
        "/api/replies/",
        "/feed/",
    ]


def test_every_response_has_a_strict_csp_and_a_permissions_policy(client, pages):
    for url in pages:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, url
        assert "object-src 'none'" in csp
        assert "camera=()" in response["Permissions-Policy"], url


def test_pages_have_no_inline_script_or_style(client, pages):
    staff = get_user_model().objects.create_superuser("staff", "s@example.org", "pw")
    admin = Client()
    admin.force_login(staff)
    for url in [*pages, "/admin/", "/admin/replies/reply/", "/admin/replies/reply/import/"]:
        html = (admin if url.startswith("/admin/") else client).get(url).content.decode()
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"<style", html), url
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_templates_carry_no_inline_style_or_script():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert " style=" not in text and "<style" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path


def test_an_oversized_body_is_refused_before_it_is_read(client):
    response = client.post("/", data=b"x" * 70_000, content_type="text/plain")
    assert response.status_code == 413 and "请求内容过大" in response.content.decode()
    api = client.post("/api/replies/", data=b"x" * 70_000, content_type="application/json")
    assert api.status_code == 413 and api.json() == {"error": "请求内容过大。"}
    # the admin takes uploads up to its own limit
    assert (
        client.post("/admin/login/", data=b"x" * 70_000, content_type="text/plain").status_code
        != 413
    )
