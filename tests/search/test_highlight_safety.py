"""Highlighting is HTML-safe: document text is escaped, only <mark> is added, every hit marked.

Checked where people and programs see it: snippets and titles on the listing page, the marked
body on the reply page, the API's snippets and the command's JSON; plus a property test of
the highlighter itself.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import re

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from replies.browse import permalink
from replies.search import highlight

BODY = (
    "云杉林旁曾被注入<script>alert(1)</script>代码，另有<b>加粗</b>标签，"
    "A&B两项与\"引号\"和'单引号'。\n第二段再次提到云杉。"
)
MARK_TAG = re.compile(r'<mark(?: id="[^"]*")?>|</mark>')


def snippets_in(page: str) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', page, flags=re.S)


def assert_only_marks(fragment: str) -> None:
    """No tag but <mark> in ``fragment``, and what is left is escaped text."""
    text = MARK_TAG.sub("", fragment)
    assert "<" not in text and ">" not in text, fragment
    assert htmllib.escape(htmllib.unescape(text), quote=False) == text.replace(
        "&quot;", '"'
    ).replace("&#x27;", "'"), fragment


@pytest.fixture
def reply(make_reply):
    return make_reply(
        title="关于<b>云杉</b>保护的答复",
        proposal_title="关于云杉<i>林</i>保护的建议",
        body=BODY,
    )


def test_listing_snippets_escape_the_document_and_mark_hits(client, reply):
    page = client.get("/", {"q": "云杉"}).content.decode()
    body = page.split("</head>", 1)[1]
    assert "<script>alert" not in body and "<b>" not in body and "<i>" not in body
    found = snippets_in(page)
    assert found, page
    for snippet in found:
        assert_only_marks(snippet)
    joined = " ".join(found)
    assert "<mark>云杉</mark>" in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "&lt;b&gt;加粗&lt;/b&gt;" in joined
    # the result title is marked and escaped as well
    assert "关于<mark>云杉</mark>&lt;i&gt;林&lt;/i&gt;保护的建议" in page


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("script", "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"),
        ("<b>", "<mark>&lt;b&gt;</mark>加粗"),
        ("&", "A<mark>&amp;</mark>B"),
        ('"<script>alert(1)"', "<mark>&lt;script&gt;alert(1)</mark>"),
        ('"引号"', "&quot;<mark>引号</mark>&quot;"),
    ],
)
def test_hits_on_markup_characters_are_marked_as_text(client, reply, q, expected):
    page = client.get("/", {"q": q}).content.decode()
    joined = " ".join(snippets_in(page))
    assert expected in joined, joined
    for snippet in snippets_in(page):
        assert_only_marks(snippet)
    assert "<script>alert" not in page.split("</head>", 1)[1]


def test_a_query_made_of_markup_is_shown_as_text(client, reply):
    q = "<img src=x onerror=alert(1)> 云杉"
    page = client.get("/", {"q": q}).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    detail = client.get(permalink(reply), {"q": q}).content.decode()
    assert "<img src=x" not in detail


def test_reply_page_marks_every_hit_in_escaped_text(client, reply):
    page = client.get(permalink(reply), {"q": "云杉 script"}).content.decode()
    body = page.split("</head>", 1)[1]
    assert "<script>alert" not in body and "<b>" not in body and "<i>" not in body
    assert '<mark id="first-hit">云杉</mark>林旁' in page
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in page
    assert "再次提到<mark>云杉</mark>" in page
    assert body.count("<mark") == 4
    assert 'href="#first-hit"' in page and "共有 4 处匹配" in page
    assert "&lt;b&gt;加粗&lt;/b&gt;" in page
    assert "关于&lt;b&gt;云杉&lt;/b&gt;保护的答复" in page


def test_api_snippets_are_escaped_and_marked(client, reply):
    data = client.get("/api/replies/", {"q": "script"}).json()
    (result,) = data["results"]
    assert result["snippets"]
    for snippet in result["snippets"]:
        assert_only_marks(snippet)
    assert "&lt;<mark>script</mark>&gt;" in result["snippets"][0]
    # the title is plain data in JSON (not HTML): it is returned as stored
    assert result["title"] == reply.title


def test_command_json_snippets_are_escaped_and_marked(reply):
    out = io.StringIO()
    call_command("search", "<b>", "--json", stdout=out)
    (result,) = json.loads(out.getvalue())["results"]
    assert any("<mark>&lt;b&gt;</mark>" in s for s in result["snippets"])
    for snippet in result["snippets"]:
        assert_only_marks(snippet)


ALPHABET = "<>&\"'/ab云杉 \n"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=ALPHABET, max_size=80),
    st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), max_size=3),
)
def test_marking_never_adds_markup_and_keeps_the_text(text, terms):
    marked, hits = highlight.mark(text, terms, first_id="first-hit")
    assert htmllib.unescape(MARK_TAG.sub("", marked)) == text
    assert_only_marks(marked)
    assert marked.count("<mark") == hits
    wanted = [t for t in ("".join(term.split()) for term in terms) if t]
    flat = "".join(text.split())
    if any(t in flat for t in wanted):
        assert hits and marked.count('id="first-hit"') == 1
    for snippet in highlight.snippets(text, terms):
        assert_only_marks(snippet)
