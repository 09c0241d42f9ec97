"""Nobody outside the staff reaches an admin or upload page: every route of every registered
ModelAdmin (changelist, add, change, history, delete and the custom views: batch import,
reparse, restore, reclassify) and of the admin site itself (view on site included),
anonymously and as a logged-in
user without staff status, by GET and by POST: a redirect to the login page, never a 200 and
never a 500, and nothing written."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver

from replies.models import Reply, ReplyVersion

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
#: Admin routes meant for anyone: logging in and out.
OPEN = {"login", "logout"}
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _routes() -> list[tuple[str, str, type | None]]:
    """(name, route with <params>, model) of every named admin route."""
    found: list[tuple[str, str, type | None]] = []

    def walk(patterns, prefix: str, model: type | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), model)
            elif isinstance(p, URLPattern) and p.name:
                found.append((p.name, prefix + str(p.pattern), model))

    for model, model_admin in admin.site._registry.items():
        base = f"{model._meta.app_label}/{model._meta.model_name}/"
        walk(model_admin.urls, base, model)
    site = [p for p in admin.site.get_urls() if isinstance(p, URLPattern)]
    walk(site, "", None)
    return found


@pytest.fixture
def objects(make_reply):
    """One saved object of every registered model, so change/history/delete have a target."""
    reply = make_reply(title="后台测试答复")
    reply.save_version("测试版本")
    made = {Reply: reply, ReplyVersion: reply.versions.first()}
    for model in admin.site._registry:
        if model not in made:
            made[model] = model.objects.first()
    return made


def _url(route: str, model: type | None, objects: dict) -> str:
    target = objects.get(model) if model else None

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "app_label":
            return "replies"
        if name == "content_type_id":
            return "1"
        return str(target.pk if target is not None else 1)

    return "/admin/" + _PARAM.sub(value, route.lstrip("^").rstrip("$"))


@pytest.fixture
def outsider(client, db):
    user = get_user_model().objects.create_user("读者", password="a-long-password-1")
    user.is_staff = False
    user.save()
    return user


def _assert_refused(client, objects) -> int:
    checked = 0
    counts = {model: model.objects.count() for model in admin.site._registry}
    for name, route, model in _routes():
        if name in OPEN or route.endswith("(?P<url>.*)"):
            continue
        url = _url(route, model, objects)
        for method in ("get", "post"):
            data = {"document": SimpleUploadedFile("a.txt", "答复".encode()), "post": "yes"}
            response = getattr(client, method)(url, data) if method == "post" else client.get(url)
            assert response.status_code in (302, 403), (name, url, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(LOGIN), (name, url, response["Location"])
            checked += 1
    assert {model: model.objects.count() for model in admin.site._registry} == counts
    return checked


def test_every_admin_route_is_known():
    names = {name for name, _, _ in _routes()}
    for expected in (
        "replies_reply_import",
        "replies_reply_reparse",
        "replies_replyversion_restore",
        "replies_resultlabel_reclassify",
        "replies_reply_changelist",
        "replies_reply_add",
        "replies_reply_change",
        "replies_reply_history",
        "replies_reply_delete",
        "replies_userdictionaryterm_changelist",
        "index",
        "app_list",
        "view_on_site",
    ):
        assert expected in names
    assert len(admin.site._registry) >= 8


def test_anonymous_reaches_no_admin_page(client, objects):
    assert _assert_refused(client, objects) > 60


def test_a_user_without_staff_status_reaches_no_admin_page(client, objects, outsider):
    client.force_login(outsider)
    assert _assert_refused(client, objects) > 60


def test_the_login_page_is_open(client):
    response = client.get(LOGIN)
    assert response.status_code == 200 and 'name="password"' in response.content.decode()
