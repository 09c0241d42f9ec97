"""Drafts and 不予公开 replies appear nowhere: lists, counts, facets, related lists, pages."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from replies.browse import build_listing, directory, permalink
from replies.models import Department, Disclosure, DocKind, Reply, Sector, Status

pytestmark = pytest.mark.django_db

HIDDEN_MARK = "隐藏"


def all_pages_html(client, url: str) -> str:
    html, page = "", 1
    while True:
        response = client.get(url, {"page": page})
        html += response.content.decode()
        if 'rel="next"' not in response.content.decode():
            return html
        page += 1


def test_hidden_replies_are_not_listed_or_counted(client, corpus):
    assert corpus.hidden, "the corpus must include drafts and withheld replies"
    html = all_pages_html(client, "/")
    assert HIDDEN_MARK not in html
    assert f"共 <strong>{len(corpus.public)}</strong> 件答复" in html
    listing = build_listing({})
    for facet in listing.facets:
        if facet.name != "department":
            assert sum(o.count for o in facet.options) == len(corpus.public), facet.name


def test_hidden_replies_are_not_found_by_search_or_filters(client, corpus):
    for reply in corpus.hidden:
        html = client.get("/", {"q": reply.title}).content.decode()
        assert "共 <strong>0</strong> 件答复" in html
        assert client.get("/", {"number": reply.number}).content.decode().count(HIDDEN_MARK) == 0


def test_facets_never_offer_values_only_hidden_replies_have(client, corpus):
    only_hidden = Department.objects.create(name="只有草稿的单位")
    sector = Sector.objects.create(name="只有草稿的界别")
    corpus.hidden[0].department = only_hidden
    corpus.hidden[0].sector = sector
    corpus.hidden[0].save()
    corpus.hidden[1].co_departments.add(only_hidden)
    html = client.get("/").content.decode()
    assert "只有草稿的单位" not in html and "只有草稿的界别" not in html
    assert "只有草稿的单位" not in client.get("/directory/").content.decode()
    data = directory()
    assert only_hidden.slug not in {o.value for o in data["departments"]}
    assert client.get(f"/departments/{only_hidden.slug}/").status_code == 404
    assert client.get(f"/sectors/{sector.slug}/").status_code == 404


def test_hidden_pages_and_sources_are_404(client, corpus):
    for reply in corpus.hidden:
        reply.source_file.save("x.txt", ContentFile(b"secret"), save=True)
        assert client.get(f"/replies/{reply.pk}/").status_code == 404
        assert client.get(permalink(reply)).status_code == 404
        assert client.get(f"/replies/{reply.pk}/source/").status_code == 404


def test_hidden_siblings_and_related_are_not_shown(client, corpus):
    reply = corpus.public[0]
    for status, disclosure, name in [
        (Status.DRAFT, Disclosure.PUBLIC, "草稿会办单位"),
        (Status.PUBLISHED, Disclosure.WITHHELD, "不公开会办单位"),
    ]:
        Reply.objects.create(
            session=reply.session,
            number=reply.number,
            number_int=reply.number_int,
            doc_kind=DocKind.CO_OPINION,
            department=Department.objects.create(name=name),
            sector=reply.sector,
            title=f"{HIDDEN_MARK}的会办意见",
            status=status,
            disclosure=disclosure,
        )
    html = client.get(permalink(reply)).content.decode()
    assert HIDDEN_MARK not in html
    assert "草稿会办单位" not in html and "不公开会办单位" not in html


def test_session_page_counts_only_public(client, corpus):
    session = corpus.sessions[0]
    url = f"/sessions/{session.council_slug}/{session.term}-{session.number}/"
    html = client.get(url).content.decode()
    public = Reply.objects.public().filter(session=session).count()
    assert public < Reply.objects.filter(session=session).count()
    assert f"共 <strong>{public}</strong> 件公开答复" in html
    assert HIDDEN_MARK not in html
