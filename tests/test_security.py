"""What probing the running site found: technical pages, source files run in the site's
origin, unthrottled logins, and an API that answered a POST with an HTML page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PRINT_DEBUG = "from django.conf import settings; print(settings.DEBUG)"


def _settings_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    # A URL that is only parsed: these subprocesses never connect.
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="postgresql://nobody@127.0.0.1:9/none",
        **extra,
    )
    return env


def _import_settings(**extra: str) -> subprocess.CompletedProcess:
    code = f"import django; django.setup(); {PRINT_DEBUG}"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_settings_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_unless_asked_for_and_then_a_secret_key_is_required():
    assert _import_settings(SECRET_KEY="k" * 50).stdout.strip() == "False"
    assert _import_settings(DEBUG="true").stdout.strip() == "True"
    missing = _import_settings()
    assert missing.returncode != 0 and "SECRET_KEY" in missing.stderr


def test_make_run_turns_debug_on():
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DEBUG ?= true" in makefile


# --------------------------------------------------------------------------------------------
# source files


HOSTILE_HTML = "<html><body><script>alert(document.cookie)</script>答复</body></html>"


@pytest.fixture
def reply_with_source(make_reply, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    def make(name: str, content: bytes):
        reply = make_reply(source_name=name)
        reply.source_file.save(name, ContentFile(content))
        return reply

    return make


def test_an_html_source_is_an_opaque_sandboxed_attachment(client, reply_with_source):
    reply = reply_with_source("答复.html", HOSTILE_HTML.encode())
    response = client.get(f"/replies/{reply.pk}/source/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == HOSTILE_HTML.encode()


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("答复.pdf", "application/pdf"),
        ("答复.TXT", "text/plain"),
        ("答复.svg", "application/octet-stream"),
        ("答复", "application/octet-stream"),
    ],
)
def test_known_source_types_keep_their_type_and_every_source_is_sandboxed(
    client, reply_with_source, name, content_type
):
    reply = reply_with_source(name, b"%PDF-1.4 or text")
    response = client.get(f"/replies/{reply.pk}/source/")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"


# --------------------------------------------------------------------------------------------
# login throttling


LOGIN = "/admin/login/?next=/admin/"


def _login(client: Client, password: str):
    return client.post(LOGIN, {"username": "editor", "password": password})


def _logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "e@example.org", "the-right-pw-9")


def test_forty_wrong_passwords_then_the_right_one_does_not_log_in(editor):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(40):
        assert _login(client, "wrong").status_code in (200, 429)
    response = _login(client, "the-right-pw-9")
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂停" in text and "15 分钟" in text
    assert not _logged_in(client)
    # claiming another address in X-Forwarded-For changes nothing without a trusted proxy
    forged = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert _login(forged, "the-right-pw-9").status_code == 429


def test_the_lockout_is_per_client_so_the_editor_elsewhere_still_logs_in(editor):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        _login(attacker, "wrong")
    office = Client(REMOTE_ADDR="192.0.2.10")
    assert _login(office, "the-right-pw-9").status_code == 302
    assert _logged_in(office)


def test_a_few_mistakes_are_forgiven(editor):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        assert _login(client, "wrong").status_code == 200
    assert _login(client, "the-right-pw-9").status_code == 302
    assert _logged_in(client)


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(editor, settings):
    settings.ARCHIVE_TRUSTED_PROXIES = 1
    proxy = "127.0.0.1"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    for _ in range(10):
        _login(attacker, "wrong")
    assert _login(attacker, "the-right-pw-9").status_code == 429
    office = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert _login(office, "the-right-pw-9").status_code == 302


# --------------------------------------------------------------------------------------------
# the API's methods


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/replies/", "/api/replies/1/"])
def test_the_api_answers_a_post_with_a_json_405_even_without_a_csrf_token(url):
    client = Client(enforce_csrf_checks=True)
    for method in (client.post, client.put, client.delete):
        response = method(url)
        assert response.status_code == 405
        assert response["Content-Type"] == "application/json"
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {"error": "只支持 GET 请求"}


@pytest.mark.django_db
def test_a_post_to_an_unknown_api_address_is_a_json_404():
    response = Client(enforce_csrf_checks=True).post("/api/nothing/")
    assert response.status_code == 404
    assert response.json() == {"error": "没有这个接口"}
