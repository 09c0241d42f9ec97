"""No non-public reply leaks anywhere: every URL of the site, fetched with sensible arguments and
queries, and the open-data package never show a marker string that only hidden replies carry.

Non-public means every state ``Reply.objects.public()`` leaves out: a draft, a draft needing
review (a reply needing review cannot be published), a published reply marked 不予公开, a
withdrawn reply (published, indexed, then unpublished through ``actions.unpublish``) and a
published reply later marked 不予公开 through ``actions.edit``. There is no e-mail anywhere in
the project (no ``send_mail``), so there is no e-mail to check.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zipfile
from urllib.parse import unquote, urlencode

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from replies import actions, exports
from replies.alerts import tokens
from replies.browse import permalink
from replies.models import (
    Department,
    Disclosure,
    DocKind,
    Reply,
    ReplySection,
    Sector,
    Session,
    Status,
)

pytestmark = pytest.mark.django_db

#: In every text field of the hidden replies, never in a URL or a query: a page that shows it
#: shows a hidden reply.
MARK = "泄密标记"
#: Names (unit, sector, council) only hidden replies use; these do appear in the URLs that
#: ask for them, which must then be 404.
NAME_MARK = "泄密名称"
#: Words only the hidden replies hold, used as queries (so pages echo them, not MARK).
BAIT = ["琥珀蜻蜓", "翡翠螳螂", "玛瑙蟋蟀", "珊瑚蚱蜢", "水晶蝴蝶", "玳瑁甲虫"]


def _hidden_states() -> list[dict]:
    """The fields of each non-public state, with one bait word each."""
    return [
        {"status": Status.DRAFT, "disclosure": Disclosure.PUBLIC},
        {"status": Status.DRAFT, "disclosure": Disclosure.PUBLIC, "needs_review": True},
        {"status": Status.PUBLISHED, "disclosure": Disclosure.WITHHELD},
        {"status": Status.DRAFT, "disclosure": Disclosure.WITHHELD},
        {"status": Status.PUBLISHED, "disclosure": Disclosure.PUBLIC, "later": "withdraw"},
        {"status": Status.PUBLISHED, "disclosure": Disclosure.PUBLIC, "later": "withhold"},
    ]


@pytest.fixture
def site(db, django_capture_on_commit_callbacks, settings, tmp_path):
    """Two public replies and one hidden reply of every non-public state, all indexed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_EXPORT_DIR = tmp_path / "exports"
    settings.ARCHIVE_RATELIMIT_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        session = Session.objects.create(council="测试市政协", term=5, number=2, year=2024)
        hidden_session = Session.objects.create(
            council=f"{NAME_MARK}政协", term=9, number=1, year=2024
        )
        unit = Department.match_or_create("测试市教育局")
        hidden_unit = Department.match_or_create(f"{NAME_MARK}单位")
        sector = Sector.objects.create(name="教育")
        hidden_sector = Sector.objects.create(name=f"{NAME_MARK}界别")
        public = [
            Reply.objects.create(
                session=session,
                number=f"00{n}",
                number_int=n,
                title=f"对测试市政协五届二次会议第00{n}号提案的答复",
                proposal_title="关于推进课后服务的建议",
                proposer="教育界别",
                department=unit,
                sector=sector,
                result_label="解决或采纳",
                result_class="A",
                status=Status.PUBLISHED,
                disclosure=Disclosure.PUBLIC if n == 1 else Disclosure.ON_REQUEST,
                reply_date=datetime.date(2024, 5, n),
                body="提案收悉，现答复如下。\n一、丰富课后服务\n课后服务稳步推进。",
                is_sample=True,
            )
            for n in (1, 2)
        ]
        public[0].source_format = "txt"
        public[0].source_file.save("public.txt", ContentFile("公开答复原文".encode()), save=True)
        hidden = []
        for i, state in enumerate(_hidden_states()):
            later = state.pop("later", None)
            word = BAIT[i]
            reply = Reply.objects.create(
                # The first shares a public proposal (a hidden 会办意见 beside a public reply);
                # the others are on hidden-only sessions, units and sectors, or the public ones.
                session=session if i % 2 == 0 else hidden_session,
                number="001" if i == 0 else f"0{50 + i}",
                number_int=1 if i == 0 else 50 + i,
                doc_kind=DocKind.CO_OPINION if i == 0 else DocKind.REPLY,
                title=f"{MARK}{i}标题{word}",
                proposal_title=f"关于{word}的建议{MARK}{i}",
                proposer=f"{MARK}{i}提案人",
                department=hidden_unit if i % 3 else unit,
                sector=hidden_sector if i % 2 else sector,
                result_label="解决或采纳",
                result_class="A",
                signer=f"{MARK}{i}签发",
                contact_name=f"{MARK}{i}联系",
                contact_phone=f"9{i}7531{i}8642",
                contact_address=f"{MARK}{i}地址",
                reply_date=datetime.date(2024, 6, 1 + i),
                body=f"{word}的提案收悉。{MARK}{i}正文。\n一、{MARK}{i}章节\n课后服务{word}。",
                **state,
            )
            ReplySection.objects.create(
                reply=reply, order=0, number=1, heading=f"{MARK}{i}章节", text=""
            )
            if i == 1:
                public[1].co_departments.add(unit)
                reply.co_departments.add(unit)
            reply.source_file.save(f"hidden{i}.txt", ContentFile(f"{MARK}{i}原文".encode()))
            hidden.append((reply, later))
    # Published and indexed first, hidden afterwards through the real actions.
    with django_capture_on_commit_callbacks(execute=True):
        for reply, later in hidden:
            if later == "withdraw":
                actions.unpublish([reply])
            elif later == "withhold":
                reply.disclosure = Disclosure.WITHHELD
                actions.edit(reply)
    exports.write_package(exports.export_dir(), lambda path: "http://testserver" + path)
    return {
        "public": public,
        "hidden": [r for r, _ in hidden],
        "session": session,
        "hidden_session": hidden_session,
        "unit": unit,
        "hidden_unit": hidden_unit,
        "sector": sector,
        "hidden_sector": hidden_sector,
    }


def _texts(content: bytes) -> str:
    """The body as a reader (or a program) would see it: decoded, with JSON ``\\u`` escapes,
    percent-encoding and zip members unpacked."""
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(_texts(archive.read(name)) for name in archive.namelist())
    text = content.decode("utf-8", errors="replace")
    text += "\n" + re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text + "\n" + unquote(text)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


ADDRESS = "reader@example.org"


def _route_names() -> set[str]:
    """Every named route of the public site and the API ('ns:name')."""
    names: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or ""
                walk(p.url_patterns, f"{prefix}{ns}:" if ns else prefix)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns, "")
    return {n for n in names if not n.startswith("admin:")}


def _reply_kwargs(reply: Reply) -> dict:
    s = reply.session
    return {
        "council": s.council_slug,
        "term": s.term,
        "session": s.number,
        "number": reply.number,
        "department": reply.department.slug,
    }


def _public_urls(site) -> dict[str, list[str]]:
    """Each route name with the URLs fetched for it, on public objects and filters."""
    reply, session = site["public"][0], site["session"]
    proposal = {k: v for k, v in _reply_kwargs(reply).items() if k != "department"}
    queries = [
        {},
        {"q": BAIT[0]},
        {"q": " OR ".join(BAIT)},
        {"q": "课后服务", "sort": "number"},
        {"q": "-不存在的词", "sort": "oldest"},
        {"number": "051"},
        {"session": str(site["hidden_session"].pk)},
        {"council": site["hidden_session"].council_slug},
        {"department": site["hidden_unit"].slug},
        {"sector": site["hidden_sector"].slug},
        {"date_from": "2024-06-01"},
    ]

    def with_queries(path: str, few: bool = False) -> list[str]:
        return [path + ("?" + urlencode(q) if q else "") for q in queries[: 3 if few else None]]

    pk = reply.pk
    return {
        "healthz": ["/healthz"],
        "robots": [reverse("robots")],
        "django.contrib.sitemaps.views.sitemap": [reverse("django.contrib.sitemaps.views.sitemap")],
        "api:docs": [reverse("api:docs")],
        "api:schema": [reverse("api:schema")],
        "api:reply-list": with_queries(reverse("api:reply-list")),
        "api:reply-detail": [
            reverse("api:reply-detail", kwargs={"pk": p.pk}) for p in site["public"]
        ],
        "api:not-found": ["/api/nothing/"],
        "replies:home": with_queries(reverse("replies:home")),
        "replies:detail": [
            reverse("replies:detail", kwargs={"pk": pk}) + s for s in ("", "?q=课后服务")
        ]
        + [reverse("replies:detail", kwargs={"pk": p.pk}) for p in site["public"][1:]],
        "replies:source": [reverse("replies:source", kwargs={"pk": pk})],
        "replies:proposal": [reverse("replies:proposal", kwargs=proposal)],
        "replies:permalink": [
            reverse("replies:permalink", kwargs=_reply_kwargs(p)) for p in site["public"]
        ],
        "replies:permalink_kind": [
            reverse("replies:permalink_kind", kwargs={**_reply_kwargs(reply), "kind": "答复"})
        ],
        "replies:department": with_queries(
            reverse("replies:department", kwargs={"slug": site["unit"].slug}), few=True
        ),
        "replies:sector": with_queries(
            reverse("replies:sector", kwargs={"slug": site["sector"].slug}), few=True
        ),
        "replies:session": with_queries(
            reverse(
                "replies:session",
                kwargs={"council": session.council_slug, "term": 5, "number": 2},
            ),
            few=True,
        ),
        "replies:directory": [reverse("replies:directory")],
        "replies:stats": with_queries(reverse("replies:stats")),
        "replies:feed": with_queries(reverse("replies:feed")),
        "replies:export_csv": with_queries(reverse("replies:export_csv")),
        "replies:export_jsonl": with_queries(reverse("replies:export_jsonl")),
        "replies:open_data": [reverse("replies:open_data")],
        "replies:open_data_latest": [reverse("replies:open_data_latest")],
        # Alert pages show conditions and addresses, never replies; walked all the same.
        "alerts:subscribe": [reverse("alerts:subscribe")],
        "alerts:confirm": [
            reverse("alerts:confirm", kwargs={"token": tokens.confirm_token(ADDRESS, {"q": q})})
            for q in ("课后服务", "隐藏")
        ],
        "alerts:unsubscribe": [
            reverse("alerts:unsubscribe", kwargs={"token": tokens.unsubscribe_token(1, ADDRESS)})
        ],
        "alerts:manage_request": [reverse("alerts:manage_request")],
        "alerts:manage": [reverse("alerts:manage", kwargs={"token": tokens.manage_token(ADDRESS)})],
    }


def test_every_route_is_walked(site):
    assert set(_public_urls(site)) == _route_names()


def test_no_url_shows_a_hidden_reply(client, site):
    for reply in site["hidden"]:
        reply.refresh_from_db()
        assert not reply.is_public, reply.title
    fetched = 0
    for name, urls in _public_urls(site).items():
        for url in urls:
            response = client.get(url, follow=True)
            # The API answers 400 to a filter value it does not know (a hidden-only unit too).
            allowed = (200, 404, 400) if name == "api:reply-list" else (200, 404)
            if name.startswith("alerts:"):  # a sign-up is a POST; a link to nothing is a 400
                allowed = (200, 400, 404, 405)
            assert response.status_code in allowed, (url, response.status_code)
            text = _texts(_body(response))
            assert MARK not in text, (name, url)
            # A page may echo what was asked for (a slug made of the name), nothing more.
            if NAME_MARK not in unquote(url):
                assert NAME_MARK not in text, (name, url)
            fetched += 1
    # The walk reached real content: the public replies, a search, their source and the package.
    assert "第001号提案" in _texts(_body(client.get("/", {"q": "课后服务"})))
    html = _texts(_body(client.get(permalink(site["public"][0]))))
    assert "课后服务稳步推进" in html
    package = _texts(_body(client.get(reverse("replies:open_data_latest"))))
    assert "对测试市政协五届二次会议第001号提案的答复" in package and "公开答复原文" in package
    assert fetched > 80


def test_hidden_replies_have_no_address(client, site):
    for reply in site["hidden"]:
        kwargs = _reply_kwargs(reply)
        proposal = {k: v for k, v in kwargs.items() if k != "department"}
        urls = [
            reverse("replies:detail", kwargs={"pk": reply.pk}),
            reverse("replies:source", kwargs={"pk": reply.pk}),
            reverse("api:reply-detail", kwargs={"pk": reply.pk}),
            reverse("replies:permalink_kind", kwargs={**kwargs, "kind": reply.doc_kind}),
        ]
        if reply.doc_kind == DocKind.REPLY:  # else the address is the public 答复's
            urls.append(reverse("replies:permalink", kwargs=kwargs))
        if reply.number != "001":  # 001 is a public proposal with a hidden 会办意见
            urls.append(reverse("replies:proposal", kwargs=proposal))
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 404, url
            assert MARK not in _texts(_body(response)), url
    hidden_session = site["hidden_session"]
    for url in [
        reverse("replies:department", kwargs={"slug": site["hidden_unit"].slug}),
        reverse("replies:sector", kwargs={"slug": site["hidden_sector"].slug}),
        reverse(
            "replies:session",
            kwargs={"council": hidden_session.council_slug, "term": 9, "number": 1},
        ),
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 404, url
        assert MARK not in _texts(_body(response)), url


def test_counts_and_facets_count_only_public_replies(client, site):
    public = len(site["public"])
    html = client.get("/").content.decode()
    assert f"共 <strong>{public}</strong> 件答复" in html
    data = json.loads(client.get("/api/replies/").content)
    assert data["count"] == public
    for word in BAIT:
        assert json.loads(client.get("/api/replies/", {"q": word}).content)["count"] == 0
    lines = _body(client.get("/export.jsonl")).decode().splitlines()
    assert len(lines) == public
    csv_rows = list(csv.reader(io.StringIO(_body(client.get("/export.csv")).decode("utf-8-sig"))))
    assert len(csv_rows) == public + 1
    with zipfile.ZipFile(exports.latest_package()) as archive:
        assert len(archive.read("replies.jsonl").decode().splitlines()) == public
        sources = [n for n in archive.namelist() if n.startswith("sources/")]
    assert sources == [f"sources/{site['public'][0].pk}.txt"]


def _neutral_slugs(site) -> dict[str, str]:
    """Give the hidden-only council, unit and sector slugs without their names in them, so
    a page that shows NAME_MARK for them names a record it was never told the name of."""
    Session.objects.filter(pk=site["hidden_session"].pk).update(council_slug="yincang-zhengxie")
    Department.objects.filter(pk=site["hidden_unit"].pk).update(slug="yincang-danwei")
    Sector.objects.filter(pk=site["hidden_sector"].pk).update(slug="yincang-jiebie")
    return {
        "session": str(site["hidden_session"].pk),
        "council": "yincang-zhengxie",
        "department": "yincang-danwei",
        "sector": "yincang-jiebie",
    }


def test_a_filter_on_a_hidden_only_record_is_invalid_and_never_named(client, site):
    """A session, council, unit or sector that only hidden replies have is an unknown filter
    value: the pages ignore it with their usual notice, the API answers 400, none names it."""
    hidden = _neutral_slugs(site)
    for name, value in hidden.items():
        for url in ("/", "/stats/", "/feed/", "/export.csv", "/api/replies/"):
            response = client.get(url, {name: value})
            text = _texts(_body(response))
            assert NAME_MARK not in text, (name, url)
            assert MARK not in text, (name, url)
            if url == "/api/replies/":
                assert response.status_code == 400, (name, response.content)
                assert name in json.loads(response.content)["errors"], name
            else:
                assert response.status_code == 200, (name, url)
        # The listing ignores it as any invalid filter: every public reply, the notice.
        html = client.get("/", {name: value}).content.decode()
        assert "部分筛选条件无效，已忽略。" in html, name
        assert f"共 <strong>{len(site['public'])}</strong> 件答复" in html, name
        feed = client.get("/feed/", {name: value}).content.decode()
        assert "<title>政协提案答复库 · 最新答复</title>" in feed, name


def test_a_filter_on_a_public_record_still_works_and_is_named(client, site):
    """The same filters on the records the public replies have: applied and named."""
    public = {
        "session": (str(site["session"].pk), "测试市政协五届二次会议"),
        "council": (site["session"].council_slug, "测试市政协"),
        "department": (site["unit"].slug, "测试市教育局"),
        "sector": (site["sector"].slug, "教育"),
    }
    for name, (value, label) in public.items():
        html = client.get("/", {name: value}).content.decode()
        assert "部分筛选条件无效" not in html, name
        assert label in html, name
        feed = client.get("/feed/", {name: value}).content.decode()
        assert label in feed.split("</title>")[0], (name, feed[:300])
        assert label in client.get("/stats/", {name: value}).content.decode(), name
        data = json.loads(client.get("/api/replies/", {name: value}).content)
        assert data["count"] == len(site["public"]), (name, data)
