"""Readable permalinks, id redirects and the 404 page."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from replies.browse import permalink
from replies.models import Department, DocKind, Reply

pytestmark = pytest.mark.django_db


def test_permalink_is_readable_and_resolves(client, make_reply):
    reply = make_reply(number="005", number_int=5)
    url = unquote(permalink(reply))
    assert url == "/replies/测试市政协/5-2/005/测试市教育局/"
    response = client.get(permalink(reply))
    assert response.status_code == 200
    assert response.context["reply"] == reply
    assert (
        f'rel="canonical" href="http://testserver{permalink(reply)}"' in response.content.decode()
    )


def test_co_opinion_has_a_kind_suffix(client, make_reply):
    lead = make_reply(number="009", number_int=9)
    other = Department.match_or_create("测试市民政局")
    co = make_reply(number="009", number_int=9, department=other, doc_kind=DocKind.CO_OPINION)
    assert unquote(permalink(co)).endswith("/009/测试市民政局/会办意见/")
    assert client.get(permalink(co)).context["reply"] == co
    assert client.get(permalink(lead)).context["reply"] == lead
    # the same department's co-opinion path without the suffix is not the co-opinion
    wrong = unquote(permalink(co)).removesuffix("会办意见/")
    assert client.get(wrong).status_code == 404


def test_id_url_redirects_keeping_the_query(client, make_reply):
    reply = make_reply()
    response = client.get(f"/replies/{reply.pk}/", {"q": "答复 提案"})
    assert response.status_code == 302
    assert response["Location"] == permalink(reply) + "?q=%E7%AD%94%E5%A4%8D+%E6%8F%90%E6%A1%88"


def test_plain_kind_suffix_redirects_to_canonical(client, make_reply):
    reply = make_reply()
    response = client.get(permalink(reply) + "答复/")
    assert response.status_code == 302 and response["Location"] == permalink(reply)


def test_reply_without_session_lives_at_its_id(client, make_reply):
    reply = make_reply()
    Reply.objects.filter(pk=reply.pk).update(session=None)
    reply.refresh_from_db()
    assert permalink(reply) == f"/replies/{reply.pk}/"
    assert client.get(f"/replies/{reply.pk}/").status_code == 200


def test_get_absolute_url_reaches_the_permalink(client, make_reply):
    reply = make_reply()
    response = client.get(reply.get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == permalink(reply)


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/replies/999999/",
        "/replies/测试市政协/5-2/999/测试市教育局/",
        "/departments/no-such/",
        "/sessions/nowhere/1-1/",
    ],
)
def test_friendly_404(client, make_reply, url):
    make_reply()
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'lang="zh-CN"' in html and 'role="search"' in html
