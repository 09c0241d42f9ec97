"""Whatever arrives in the URL, the pages answer 200 (or 404), never 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replies.browse import permalink
from replies.filters import FACETS, RANGE_FILTERS

pytestmark = pytest.mark.django_db

KEYS = ["q", *FACETS, *RANGE_FILTERS, "sort", "page", "other"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.dictionaries(st.sampled_from(KEYS), st.text(max_size=40), max_size=6))
def test_any_parameters_give_a_page(client, make_reply, params):
    make_reply()
    response = client.get("/", params)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "字" * 2000},
        {"q": '"""'},
        {"q": "OR | -"},
        {"q": "\x00\x01"},
        {"page": "-1"},
        {"page": "0"},
        {"sort": "<script>"},
        {"year": "二〇二四"},
        {"date_from": "2024-02-30"},
        {"number": "第abc号"},
        {"session": "1e9"},
    ],
)
def test_odd_parameters(client, make_reply, params):
    make_reply()
    response = client.get("/", params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</head>")[1]


def test_long_query_says_it_was_shortened(client, make_reply):
    make_reply()
    html = client.get("/", {"q": "字" * 2000}).content.decode()
    assert 'class="notice"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/replies/%00/15-3/005/x/",
        "/replies/a/15-3/%00/x/",
        "/departments/%00/",
        "/sectors/a%01b/",
        "/sessions/%00/1-1/",
    ],
)
def test_control_characters_in_paths_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_control_characters_in_reply_query(client, make_reply):
    reply = make_reply()
    assert client.get(permalink(reply), {"q": "\x00答复"}).status_code == 200
