"""The JSON API: public replies only, the browse filters, bounded pages, JSON errors."""

from replies.models import Disclosure, Sector, Status


def test_list_finds_public_replies_and_never_hidden_ones(client, make_reply):
    shown = make_reply(title="关于老旧小区加装电梯的答复", body="加装电梯工作稳步推进。")
    make_reply(title="草稿：加装电梯", body="加装电梯草稿。", status=Status.DRAFT)
    make_reply(title="不公开：加装电梯", body="加装电梯内部。", disclosure=Disclosure.WITHHELD)
    data = client.get("/api/replies/", {"q": "加装电梯"}).json()
    assert data["count"] == 1
    (result,) = data["results"]
    assert result["id"] == shown.pk
    assert any("<mark>" in s for s in result["snippets"])
    assert {"title", "council", "term", "session", "number", "score", "url"} <= result.keys()


def test_detail_of_hidden_reply_is_a_json_404(client, make_reply):
    hidden = make_reply(status=Status.DRAFT)
    response = client.get(f"/api/replies/{hidden.pk}/")
    assert response.status_code == 404
    assert "error" in response.json()


def test_detail_has_body_and_escapes_nothing_into_markup(client, make_reply):
    reply = make_reply(body="页面曾被注入<script>alert(1)</script>代码。")
    data = client.get(f"/api/replies/{reply.pk}/").json()
    assert data["body"] == reply.body
    assert {"proposal_title", "co_departments", "sections"} <= data.keys()


def test_filters_are_the_browse_filters(client, make_reply):
    sector = Sector.objects.create(name="经济")
    in_sector = make_reply(sector=sector)
    make_reply()
    data = client.get("/api/replies/", {"sector": sector.slug}).json()
    assert [r["id"] for r in data["results"]] == [in_sector.pk]
    bad = client.get("/api/replies/", {"date_from": "not-a-date"})
    assert bad.status_code == 400 and "error" in bad.json()


def test_page_size_is_capped_and_validated(client, make_reply):
    for _ in range(3):
        make_reply()
    data = client.get("/api/replies/", {"page_size": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["next"]
    assert client.get("/api/replies/", {"page_size": 101}).status_code == 400
