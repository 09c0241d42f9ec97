"""Signed links: forged, altered, reused for another purpose or expired ones are refused; the
manage page lists and cancels an address's subscriptions; sign-ups never tell whether an
address is subscribed, and are limited per client and per address."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client

from replies.alerts import tokens
from replies.alerts.models import Subscription
from tests.alerts.conftest import link

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.com"


def aged(payload: object, salt: str, hours: float, compress: bool = False) -> str:
    """A genuinely signed token whose timestamp is ``hours`` old."""
    signer = signing.TimestampSigner(salt=salt)
    signer.timestamp = lambda: signing.b62_encode(int(time.time() - hours * 3600))
    return signer.sign_object(payload, compress=compress)


def subscription(email: str = ADDRESS, **params: str) -> Subscription:
    from django.utils import timezone

    return Subscription.objects.create(
        email=email,
        params=params,
        description="、".join(params.values()),
        confirmed_at=timezone.now(),
    )


def refused(response, words: str) -> bool:
    return response.status_code == 400 and words in response.content.decode()


def test_forged_altered_and_misused_links_are_refused(client: Client):
    good = tokens.confirm_token(ADDRESS, {"q": "养老"})
    payload, stamp, signature = good.rsplit(":", 2)
    altered = f"{payload[:-2]}xx:{stamp}:{signature}"
    assert refused(client.post(f"/alerts/confirm/{altered}/"), "链接无效")
    forged = signing.dumps({"e": ADDRESS, "p": {}}, salt=tokens.CONFIRM, key="not-our-key")
    assert refused(client.post(f"/alerts/confirm/{forged}/"), "链接无效")
    # a manage link is not a confirmation, nor an unsubscribe link
    manage = tokens.manage_token(ADDRESS)
    assert refused(client.post(f"/alerts/confirm/{manage}/"), "链接无效")
    sub = subscription()
    other_salt = signing.dumps({"s": sub.pk, "e": ADDRESS}, salt=tokens.CONFIRM)
    assert refused(client.post(f"/alerts/unsubscribe/{other_salt}/"), "链接无效")
    assert refused(client.get(f"/alerts/manage/{good}/"), "链接无效")
    assert not Subscription.objects.exclude(pk=sub.pk).exists()
    assert Subscription.objects.filter(pk=sub.pk).exists()
    # the right link works
    assert client.post(f"/alerts/confirm/{good}/").status_code == 200
    assert Subscription.objects.filter(email=ADDRESS, params={"q": "养老"}).exists()


def test_expired_links_are_refused(client: Client, settings):
    settings.ARCHIVE_ALERT_CONFIRM_HOURS = 72
    settings.ARCHIVE_ALERT_MANAGE_DAYS = 7
    old = aged({"e": ADDRESS, "p": {}}, tokens.CONFIRM, 73, compress=True)
    assert refused(client.post(f"/alerts/confirm/{old}/"), "链接已过期")
    assert not Subscription.objects.exists()
    recent = aged({"e": ADDRESS, "p": {}}, tokens.CONFIRM, 71, compress=True)
    assert client.post(f"/alerts/confirm/{recent}/").status_code == 200
    assert refused(client.get(f"/alerts/manage/{aged(ADDRESS, tokens.MANAGE, 24 * 8)}/"), "过期")
    page = client.get(f"/alerts/manage/{aged(ADDRESS, tokens.MANAGE, 24 * 6)}/")
    assert page.status_code == 200
    # an unsubscribe link never expires
    sub = Subscription.objects.get()
    old_unsubscribe = aged({"s": sub.pk, "e": ADDRESS}, tokens.UNSUBSCRIBE, 24 * 400)
    assert client.post(f"/alerts/unsubscribe/{old_unsubscribe}/").status_code == 200
    assert not Subscription.objects.exists()


def test_the_page_never_tells_whether_an_address_is_subscribed(client: Client, mailoutbox):
    subscription(q="养老")
    answers = []
    for email in (ADDRESS, "stranger@example.com"):
        response = client.post("/alerts/subscribe/", {"q": "养老", "email": email})
        answers.append((response.status_code, response.content.decode().replace(email, "X")))
    assert answers[0] == answers[1] and answers[0][0] == 200
    assert len(mailoutbox) == 2  # both get a confirmation (confirming again changes nothing)
    for email in (ADDRESS, "stranger@example.com"):
        response = client.post("/alerts/manage/", {"email": email})
        answers.append((response.status_code, response.content.decode().replace(email, "X")))
    assert answers[2] == answers[3]
    form = client.get("/alerts/manage/")
    assert form.status_code == 200 and "发送管理链接" in form.content.decode()
    empty = client.post("/alerts/manage/", {})
    assert empty.status_code == 400 and "请填写邮箱地址" in empty.content.decode()
    # only the subscribed address is sent a manage link
    assert [m.to for m in mailoutbox[2:]] == [[ADDRESS]]
    bad = client.post("/alerts/subscribe/", {"q": "养老", "email": "不是地址"})
    assert bad.status_code == 400 and "邮箱地址格式不正确" in bad.content.decode()
    assert len(mailoutbox) == 3


def test_manage_page_lists_and_cancels_an_addresses_subscriptions(client: Client, mailoutbox):
    one, two = subscription(q="养老"), subscription(q="教育")
    three = subscription(q="交通")
    theirs = subscription("other@example.com", q="养老")
    client.post("/alerts/manage/", {"email": ADDRESS.upper()})
    (message,) = mailoutbox
    path = link(message.body, "manage")
    page = client.get(path).content.decode()
    assert all(s.description in page for s in (one, two, three))
    assert "other@example.com" not in page
    page = client.post(path, {"cancel": str(one.pk)}).content.decode()
    assert "已取消 1 个订阅" in page and one.description not in page
    client.post(path, {"cancel": str(theirs.pk)})  # another address's: untouched
    assert Subscription.objects.filter(pk=theirs.pk).exists()
    page = client.post(path, {"cancel": "all"}).content.decode()
    assert "已取消 2 个订阅" in page and "这个地址没有订阅" in page
    assert list(Subscription.objects.all()) == [theirs]


def test_sign_ups_are_limited_per_client_and_per_address(settings, mailoutbox):
    settings.ARCHIVE_RATELIMIT_ENABLED = True
    settings.ARCHIVE_RATE_ALERT = 3
    settings.ARCHIVE_RATE_ALERT_ADDRESS = 2
    # fixed windows: ones so long that the test never straddles a boundary
    settings.ARCHIVE_RATE_WINDOW = settings.ARCHIVE_ALERT_ADDRESS_WINDOW = 10**9
    first = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        first.post("/alerts/subscribe/", {"q": f"词{i}", "email": ADDRESS}).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # the address had its two emails; from another client the page is the same, no email
    second = Client(REMOTE_ADDR="198.51.100.4")
    response = second.post("/alerts/subscribe/", {"email": ADDRESS})
    assert response.status_code == 200 and "请查收邮件" in response.content.decode()
    assert len(mailoutbox) == 2
    assert second.post("/alerts/subscribe/", {"email": "new@example.com"}).status_code == 200
    assert len(mailoutbox) == 3
