"""The issue's Must show, through a real SMTP server on loopback: subscribe, confirm, publish,
send_alerts delivers one digest with exactly the matching public replies, never twice, and
nothing after unsubscribing."""

from __future__ import annotations

from io import StringIO
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import Client

from replies import actions
from replies.alerts.models import AlertSent, Subscription
from replies.models import Disclosure, Status
from replies.search.index import index_replies
from tests.alerts.conftest import html_of, link, text_of

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.com"


def send_alerts(*args: str) -> str:
    out = StringIO()
    call_command("send_alerts", *args, stdout=out)
    return out.getvalue()


def subscribe_and_confirm(client: Client, smtp, **conditions: str) -> Subscription:
    response = client.post("/alerts/subscribe/", {**conditions, "email": ADDRESS})
    assert response.status_code == 200
    assert "请查收邮件" in response.content.decode()
    (confirmation,) = smtp.take()
    assert confirmation["To"] == ADDRESS and "确认" in confirmation["Subject"]
    path = link(text_of(confirmation), "confirm")
    assert path in html_of(confirmation)
    assert not Subscription.objects.exists()  # nothing stored before the confirmation
    page = client.get(path)  # a link scanner's GET confirms nothing
    assert page.status_code == 200 and "确认订阅" in page.content.decode()
    assert not Subscription.objects.exists()
    assert client.post(path).status_code == 200
    return Subscription.objects.get(email=ADDRESS)


def test_subscribe_confirm_digest_once_then_unsubscribe(client, smtp, make_reply):
    older = make_reply(title="老旧的养老服务答复", body="关于养老服务的答复。")
    make_reply(title="无关答复", body="关于道路交通。")

    # before confirming, nothing is owed to anyone
    response = client.post("/alerts/subscribe/", {"q": "养老", "email": ADDRESS})
    assert response.status_code == 200
    smtp.take()
    make_reply(title="确认前公开的养老答复", body="养老服务设施。")
    assert "已发送 0 封" in send_alerts()
    assert smtp.take() == []

    subscription = subscribe_and_confirm(client, smtp, q="养老")
    assert subscription.params == {"q": "养老"} and "养老" in subscription.description

    first = make_reply(
        title="<script>alert(1)</script>养老服务答复",
        proposal_title="关于发展<b>社区养老</b>的提案",
        body="社区养老服务中心建设。",
        is_sample=True,
    )
    # a draft, published later through the curation action, counts from its publication
    draft = make_reply(title="草稿养老答复", body="养老机构。", status=Status.DRAFT)
    actions.publish([draft])
    index_replies([draft.pk])
    second = draft
    make_reply(title="教育答复", body="学校建设。")  # does not match
    make_reply(title="仍是草稿的养老答复", body="养老草稿。", status=Status.DRAFT)
    hidden = make_reply(title="不予公开的养老答复", body="养老内部。")
    hidden.disclosure = Disclosure.WITHHELD  # made public, then hidden before the run
    hidden.save()
    index_replies([hidden.pk])
    withheld = make_reply(
        title="自始不予公开的养老答复", body="养老", disclosure=Disclosure.WITHHELD
    )

    dry = send_alerts("--dry-run")
    assert ADDRESS in dry and str(first.pk) in dry and str(second.pk) in dry
    assert smtp.take() == [] and not AlertSent.objects.exists()

    assert "已发送 1 封摘要邮件，共 2 件答复" in send_alerts()
    (digest,) = smtp.take()
    assert digest["X-Envelope-To"] == ADDRESS
    text, html = text_of(digest), html_of(digest)
    for body in (text, html):
        assert "养老机构" not in body  # bodies are not mailed, titles are
        assert first.get_absolute_url() not in body  # readable permalinks, not /replies/<id>/
    assert "关于发展<b>社区养老</b>的提案" in text
    assert "关于发展&lt;b&gt;社区养老&lt;/b&gt;的提案" in html and "<b>" not in html
    assert "草稿养老答复" in text  # its title (no proposal title)
    assert text.count("［示例数据］") == 2  # the sample reply, and the note explaining it
    assert "［示例数据］关于发展" in text and "［示例数据］关于发展" in html
    for absent in (older, hidden, withheld):
        assert absent.display_title not in text and absent.display_title not in html
    for absent in ("无关答复", "教育答复", "仍是草稿", "确认前公开"):
        assert absent not in text and absent not in html
    assert "http://127.0.0.1:8000/replies/测试市政协/5-2/" in unquote(text)
    assert "您的邮件订阅（“养老”）有 2 件新公开的答复" in text
    unsubscribe = link(digest["List-Unsubscribe"], "unsubscribe")
    assert digest["List-Unsubscribe"].strip() == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link(text, "unsubscribe") == unsubscribe and unsubscribe in html
    assert link(text, "manage").startswith("/alerts/manage/")
    assert set(AlertSent.objects.values_list("reply_id", flat=True)) == {first.pk, second.pk}

    # run again: nothing
    assert "已发送 0 封" in send_alerts()
    assert smtp.take() == []

    # one-click unsubscribe (RFC 8058: the mail client POSTs to the header's address)
    page = client.get(unsubscribe)
    assert page.status_code == 200 and "退订" in page.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()  # GET only asks
    response = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "已退订" in response.content.decode()
    assert not Subscription.objects.exists()
    make_reply(title="退订后的养老答复", body="养老服务。")
    assert "已发送 0 封" in send_alerts()
    assert smtp.take() == []


def test_department_page_alert_follows_its_unit(client, smtp, make_reply):
    from replies.models import Department

    civil = Department.match_or_create("测试市民政局")
    make_reply(department=civil, body="旧答复。")
    page = client.get(f"/departments/{civil.slug}/").content.decode()
    assert 'action="/alerts/subscribe/"' in page
    assert f'name="department" value="{civil.slug}"' in page
    subscription = subscribe_and_confirm(client, smtp, department=civil.slug)
    assert "测试市民政局" in subscription.description
    mine = make_reply(department=civil, title="民政局的新答复", body="低保。")
    make_reply(title="教育局的新答复", body="低保。")
    send_alerts()
    (digest,) = smtp.take()
    assert mine.title in text_of(digest) and "教育局的新答复" not in text_of(digest)


def test_a_refused_message_is_retried_and_a_claimed_digest_never_goes_twice(
    client, smtp, make_reply, settings
):
    from django.core.management.base import CommandError

    from replies.alerts import sender

    subscription = subscribe_and_confirm(client, smtp)
    reply = make_reply(title="新答复甲")
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, 9  # nothing listens: the send fails
    with pytest.raises(CommandError, match="1 封摘要邮件发送失败"):
        send_alerts()
    assert not AlertSent.objects.exists()
    settings.EMAIL_PORT = port
    assert "已发送 1 封" in send_alerts()  # retried
    (digest,) = smtp.take()
    assert "新答复甲" in text_of(digest)

    # a run that recorded its digest and was interrupted before sending: never sent twice
    later = make_reply(title="新答复乙")
    claimed = sender._claim(subscription.pk, dry_run=False, report=print)
    assert claimed is not None and claimed[2] == [later.pk]
    assert "已发送 0 封" in send_alerts()
    assert smtp.take() == []
    assert reply.pk in AlertSent.objects.values_list("reply_id", flat=True)


def test_sector_and_session_pages_carry_their_scope_into_the_form(client, make_reply):
    from replies.models import Sector

    sector = Sector.match_or_create("测试界别")
    reply = make_reply(sector=sector)
    session = reply.session
    pages = {
        f"/sectors/{sector.slug}/": ("sector", sector.slug),
        f"/sessions/{session.council_slug}/{session.term}-{session.number}/": (
            "session",
            str(session.pk),
        ),
    }
    for url, (name, value) in pages.items():
        html = client.get(url, {"q": "答复", "page": "1"}).content.decode()
        assert "邮件订阅" in html and 'action="/alerts/subscribe/"' in html
        assert f'name="{name}" value="{value}"' in html and 'name="q" value="答复"' in html
        assert 'name="page"' not in html.split('action="/alerts/subscribe/"')[1].split("</form>")[0]
