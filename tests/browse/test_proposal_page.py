"""The proposal page: every public reply to one proposal, with the units' roles."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from replies.browse import permalink, proposal_url
from replies.models import Department, Disclosure, DocKind, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(make_reply):
    lead = make_reply(
        number="005", number_int=5, proposal_title="关于口袋公园的建议", proposer="王五"
    )
    co_unit = Department.match_or_create("测试市绿化局")
    named_only = Department.match_or_create("测试市规划局")
    lead.co_departments.add(co_unit, named_only)
    co = make_reply(number="005", number_int=5, department=co_unit, doc_kind=DocKind.CO_OPINION)
    draft = make_reply(
        number="005",
        number_int=5,
        department=Department.match_or_create("测试市草稿局"),
        status=Status.DRAFT,
    )
    withheld = make_reply(
        number="005",
        number_int=5,
        department=Department.match_or_create("测试市保密局"),
        disclosure=Disclosure.WITHHELD,
    )
    other = make_reply(number="006", number_int=6)
    return {"lead": lead, "co": co, "hidden": [draft, withheld], "other": other}


def test_proposal_page_lists_every_public_reply_with_roles(client, proposal):
    url = proposal_url(proposal["lead"])
    assert unquote(url) == "/replies/测试市政协/5-2/005/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert [r.pk for r in response.context["replies"]] == [proposal["lead"].pk, proposal["co"].pk]
    roles = [(h.department.name, h.role) for h in response.context["handlers"]]
    assert roles == [("测试市教育局", "主办"), ("测试市绿化局", "会办"), ("测试市规划局", "会办")]
    assert permalink(proposal["lead"]) in html and permalink(proposal["co"]) in html
    assert "关于口袋公园的建议" in html and "王五" in html
    assert "测试市草稿局" not in html and "测试市保密局" not in html
    assert permalink(proposal["other"]) not in html


def test_reply_page_links_to_its_proposal(client, proposal):
    html = client.get(permalink(proposal["co"])).content.decode()
    assert f'href="{proposal_url(proposal["co"])}"' in html


def test_proposal_with_only_hidden_replies_is_404(client, proposal):
    for reply in proposal["hidden"]:
        reply.number = "077"
        reply.save()
    assert client.get(proposal_url(proposal["hidden"][0])).status_code == 404
    assert client.get("/replies/测试市政协/5-2/999/").status_code == 404


def test_reply_permalinks_still_resolve_next_to_the_proposal_page(client, proposal):
    for reply in (proposal["lead"], proposal["co"]):
        assert client.get(permalink(reply)).context["reply"] == reply
    assert client.get(f"/replies/{proposal['lead'].pk}/").status_code == 302


def test_proposer_filter_and_facet(client, proposal):
    response = client.get("/", {"proposer": "王五"})
    assert [r.pk for r in response.context["listing"].page.object_list] == [proposal["lead"].pk]
    facet = next(f for f in response.context["listing"].facets if f.name == "proposer")
    assert facet.selected.label == "王五" and facet.selected.count == 1
