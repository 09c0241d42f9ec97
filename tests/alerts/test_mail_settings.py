"""Mail settings from the environment (config/mail.py) and subscriptions in the admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from config.mail import mail_settings
from replies.alerts.models import AlertSent, Subscription
from replies.alerts.sender import send_all

DATA = Path("/srv/archive")


def test_without_configuration_mail_goes_to_files_under_the_data_dir():
    values = mail_settings({}, DATA)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_FILE_PATH"] == "/srv/archive/mail"
    assert "政协提案答复库" in values["DEFAULT_FROM_EMAIL"]


def test_email_url_and_plain_email_settings():
    values = mail_settings(
        {"EMAIL_URL": "submission://alerts%40example.org:p%40ss@mail.example.org"}, DATA
    )
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert values["EMAIL_HOST_USER"] == "alerts@example.org"
    assert values["EMAIL_HOST_PASSWORD"] == "p@ss" and values["EMAIL_USE_TLS"] is True
    assert "EMAIL_FILE_PATH" not in values or not values["EMAIL_FILE_PATH"]
    plain = mail_settings(
        {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "465", "EMAIL_USE_SSL": "true"}, DATA
    )
    assert (plain["EMAIL_HOST"], plain["EMAIL_PORT"], plain["EMAIL_USE_SSL"]) == (
        "smtp.example.org",
        465,
        True,
    )
    assert "EMAIL_BACKEND" not in plain  # Django's default, SMTP


def test_bad_mail_settings_name_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_URL.*'smpt'"):
        mail_settings({"EMAIL_URL": "smpt://mail.example.org"}, DATA)
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_PORT.*'twenty-five'"):
        mail_settings({"EMAIL_HOST": "mail.example.org", "EMAIL_PORT": "twenty-five"}, DATA)


@pytest.mark.django_db
def test_subscriptions_in_the_admin_search_counts_disable(admin_client, make_reply, mailoutbox):
    now = timezone.now()
    followed = Subscription.objects.create(
        email="reader@example.com", params={"q": "养老"}, description="“养老”", confirmed_at=now
    )
    Subscription.objects.create(
        email="other@example.com", params={}, description="全部新答复", confirmed_at=now
    )
    for reply in (make_reply(), make_reply()):
        AlertSent.objects.create(subscription=followed, reply=reply)
    page = admin_client.get("/admin/replies/subscription/", {"q": "reader"})
    html = page.content.decode()
    assert page.status_code == 200 and "reader@example.com" in html
    assert "other@example.com" not in html
    assert '<td class="field-sent_count">2</td>' in html
    response = admin_client.post(
        "/admin/replies/subscription/",
        {"action": "disable", "_selected_action": [followed.pk]},
        follow=True,
    )
    assert "已停用 1 个订阅" in response.content.decode()
    assert not Subscription.objects.get(pk=followed.pk).active
    assert admin_client.get("/admin/replies/subscription/add/").status_code == 403
    # a disabled subscription is sent nothing; the other one is
    make_reply(title="停用之后公开的答复")
    assert send_all(report=lambda line: None).sent == 1
    assert [m.to for m in mailoutbox] == [["other@example.com"]]
