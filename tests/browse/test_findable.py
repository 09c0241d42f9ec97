"""Findable: sitemap.xml and the feeds are well-formed XML holding only public replies;
robots.txt points to the sitemap; reply pages carry Open Graph tags and a GB/T 7714 citation."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
from django.utils import timezone

from replies.browse import permalink, proposal_url, session_url
from replies.models import Department

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
SITE = "http://testserver"


def sitemap(client) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        unquote(url.find("s:loc", NS).text): url.find("s:lastmod", NS).text
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_every_public_page_and_no_hidden_reply(client, corpus):
    urls = sitemap(client)
    for reply in corpus.public:
        assert (
            urls[SITE + unquote(permalink(reply))]
            == f"{timezone.localtime(reply.updated_at):%Y-%m-%d}"
        )
        assert SITE + unquote(proposal_url(reply)) in urls
        assert SITE + unquote(session_url(reply.session)) in urls
        assert SITE + f"/departments/{reply.department.slug}/" in urls
        assert SITE + f"/sectors/{reply.sector.slug}/" in urls
    for reply in corpus.hidden:
        assert SITE + unquote(permalink(reply)) not in urls
        assert f"/replies/{reply.pk}/" not in "".join(urls)
    # every listed page answers
    for url in list(urls)[:5] + [u for u in urls if "/departments/" in u][:3]:
        assert client.get(url.removeprefix(SITE)).status_code == 200


def test_sitemap_leaves_out_pages_only_hidden_replies_fill(client, corpus):
    only_hidden = Department.objects.create(name="只有草稿的单位")
    corpus.hidden[0].department = only_hidden
    corpus.hidden[0].number = "999"
    corpus.hidden[0].save()
    corpus.hidden[1].co_departments.add(only_hidden)
    urls = "".join(sitemap(client))
    assert "只有草稿的单位" not in urls and "/999/" not in urls


@pytest.mark.parametrize("params", [{}, {"q": "养老"}, {"department": "长宁区民政局"}])
def test_feeds_are_xml_without_hidden_replies(client, corpus, params):
    root = ET.fromstring(client.get("/feed/", params).content)
    links = {e.find("a:link", NS).get("href") for e in root.findall("a:entry", NS)}
    assert links
    hidden = {SITE + permalink(r) for r in corpus.hidden} | {
        f"{SITE}/replies/{r.pk}/" for r in corpus.hidden
    }
    assert not links & hidden
    assert "隐藏" not in client.get("/feed/", params).content.decode()


def test_robots_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_reply_page_has_open_graph_and_a_gbt_7714_citation(client, make_reply):
    reply = make_reply(
        number="005",
        number_int=5,
        title="关于口袋公园建设的答复",
        proposal_title="关于口袋公园<建设>的建议",
        reply_date=datetime.date(2024, 5, 6),
        is_sample=True,
    )
    html = client.get(permalink(reply)).content.decode()
    url = SITE + permalink(reply)
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="［示例数据］关于口袋公园&lt;建设&gt;的建议' in html
    assert '<meta property="article:published_time" content="2024-05-06">' in html
    today = timezone.localdate()
    expected = (
        f"测试市教育局. ［示例数据］关于口袋公园建设的答复[EB/OL]. (2024-05-06)"
        f"[{today:%Y-%m-%d}]. {SITE}{unquote(permalink(reply))}."
    )
    assert expected in html
