"""The search page: state in the URL, sorting, pages, chips, empty results, entity pages."""

from __future__ import annotations

import datetime
import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.http import QueryDict

from replies.browse import PAGE_SIZE, build_listing
from replies.models import Reply

pytestmark = pytest.mark.django_db


def listing_for(params: dict[str, str], **kwargs):
    return build_listing(QueryDict(mutable=True) | params, **kwargs)


def hrefs(html: str) -> list[str]:
    return [unquote(unescape(h)) for h in re.findall(r'href="([^"]*)"', html)]


def test_pages_of_twenty_with_numbers_and_total(client, corpus):
    html = client.get("/").content.decode()
    assert html.count('<li class="result">') == PAGE_SIZE
    assert f"共 <strong>{len(corpus.public)}</strong> 件答复，当前第 1–20 件" in html
    assert 'aria-current="page"' in html and "共 3 页" in html
    last = client.get("/", {"page": 3}).content.decode()
    assert last.count('<li class="result">') == len(corpus.public) - 2 * PAGE_SIZE
    assert client.get("/", {"page": "abc"}).status_code == 200
    assert client.get("/", {"page": "999"}).status_code == 200


def test_pages_cover_every_reply_once(corpus):
    seen = []
    for page in (1, 2, 3):
        seen += [r.pk for r in listing_for({"page": str(page)}).page.object_list]
    assert sorted(seen) == sorted(r.pk for r in corpus.public)


def test_sorting(corpus):
    def order(sort):
        return list(listing_for({"sort": sort}).page.paginator.object_list)

    newest = order("newest")
    assert [r.reply_date for r in newest] == sorted((r.reply_date for r in newest), reverse=True)
    oldest = order("oldest")
    assert [r.reply_date for r in oldest] == sorted(r.reply_date for r in oldest)
    numbers = [r.number_int for r in order("number")]
    assert numbers == sorted(numbers)
    # no query: relevance falls back to newest and is not offered
    listing = listing_for({"sort": "relevance"})
    assert listing.sort == "newest" and "relevance" not in [s.key for s in listing.sorts]
    assert listing_for({"q": "电梯"}).sort == "relevance"


def test_relevance_puts_title_hits_first(make_reply):
    body_only = make_reply(body="这里顺带提到了硅巷。", reply_date=datetime.date(2025, 1, 1))
    in_title = make_reply(proposal_title="关于建设硅巷的建议", reply_date=datetime.date(2020, 1, 1))
    results = list(listing_for({"q": "硅巷"}).page.object_list)
    assert [r.pk for r in results] == [in_title.pk, body_only.pk]


def test_state_lives_in_links(client, corpus):
    params = {"q": "养老", "council": "长宁区政协", "sort": "oldest"}
    html = client.get("/", params).content.decode()
    links = hrefs(html)
    # facet links keep the query, the other filters and the sort, and reset the page
    year_links = [h for h in links if "year=" in h]
    assert year_links and all("q=养老" in h and "sort=oldest" in h for h in year_links)
    # forms carry the state as hidden inputs
    assert '<input type="hidden" name="council" value="长宁区政协">' in html
    assert '<input type="hidden" name="q" value="养老">' in html


def test_chips_remove_one_filter_and_clear_all(client, corpus):
    listing = listing_for({"q": "养老", "result": "A", "year": "2024"}, path="/")
    assert [(c.label, c.value) for c in listing.chips] == [
        ("关键词", "养老"),
        ("年份", "2024年"),
        ("办理结果", "A类（解决或采纳）"),
    ]
    removed = {c.name: QueryDict(c.url.split("?", 1)[1]) for c in listing.chips}
    assert "result" not in removed["result"] and removed["result"]["year"] == "2024"
    assert "q" not in removed["q"] and removed["q"]["result"] == "A"
    assert listing.clear_url == "/"


def test_range_chips(corpus):
    listing = listing_for({"date_from": "2023-01-01", "number": "第7号"})
    assert [(c.label, c.value) for c in listing.chips] == [
        ("答复日期起", "2023-01-01"),
        ("提案号", "第007号"),
    ]


def test_empty_result_suggests_what_to_drop(client, corpus):
    html = client.get("/", {"q": "电梯", "kind": "会办意见", "result": "A"}).content.decode()
    assert "没有找到符合条件的答复" in html
    expected = Reply.objects.public().filter(doc_kind="会办意见", result_class="A").count()
    assert f"去掉“关键词：电梯”</a>，可找到 {expected} 件" in html
    assert "减少检索词" in html


def test_search_and_exclusion(make_reply):
    a = make_reply(body="老旧小区加装电梯")
    b = make_reply(body="老旧小区改造")
    ids = lambda q: {r.pk for r in listing_for({"q": q}).page.paginator.object_list}  # noqa: E731
    assert ids("老旧小区") == {a.pk, b.pk}
    assert ids("老旧小区 电梯") == {a.pk}
    assert ids("老旧小区 -电梯") == {b.pk}
    assert ids('"小区加装"') == {a.pk}
    assert ids('"不成对') == set()


def test_results_show_snippets_badges_and_labels(client, corpus):
    html = client.get("/", {"q": "电梯"}).content.decode()
    assert '<p class="snippet">' in html and "<mark>电梯</mark>" in html
    assert "示例数据" in html and 'class="badge badge-' in html
    # every control has a label
    for control in re.findall(r'<input id="([^"]+)"', html):
        assert f'<label for="{control}"' in html, control
    assert 'lang="zh-CN"' in html


def test_entity_pages_show_count_shares_and_filtered_list(client, corpus):
    department = corpus.departments[2]
    html = client.get(f"/departments/{department.slug}/").content.decode()
    ids = set(
        Reply.objects.public()
        .filter(department=department)
        .values_list("pk", flat=True)
        .union(
            Reply.objects.public().filter(co_departments=department).values_list("pk", flat=True)
        )
    )
    assert f"共 <strong>{len(ids)}</strong> 件公开答复" in html
    assert "办理结果构成" in html and "%" in html
    # its own facet is fixed, not offered or chipped
    assert 'id="facet-department"' not in html
    filtered = client.get(f"/departments/{department.slug}/", {"result": "A"}).content.decode()
    a_count = Reply.objects.public().filter(pk__in=ids, result_class="A").count()
    assert f"共 <strong>{a_count}</strong> 件答复" in filtered
    assert 'href="/departments/' in filtered  # clear-all stays on the department page
    sector = corpus.sectors[0]
    html = client.get(f"/sectors/{sector.slug}/").content.decode()
    count = Reply.objects.public().filter(sector=sector).count()
    assert f"共 <strong>{count}</strong> 件公开答复" in html


def test_directory(client, corpus):
    html = client.get("/directory/").content.decode()
    for session in corpus.sessions:
        assert str(session) in html
    assert "长宁区民政局" in html and "台胞台属" in html


def test_empty_result_without_single_fix_offers_clear_all(client, corpus):
    html = client.get("/", {"q": "不存在的词语", "number": "999"}).content.decode()
    assert "去掉“" not in html
    assert '<a href="/">清除全部条件</a>' in html and "检查检索词" in html
