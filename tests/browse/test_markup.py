"""Markup checks on every kind of page: ids, references, labels, headings, language."""

from __future__ import annotations

import itertools

import pytest
from lxml import html as lxml_html

from replies.browse import permalink

pytestmark = pytest.mark.django_db


def pages(corpus) -> list[str]:
    reply = corpus.public[1]
    session = reply.session
    return [
        "/",
        "/?q=电梯&result=A",
        "/?q=不存在的词语&result=A",
        "/?page=2&sort=oldest",
        permalink(reply),
        permalink(reply) + "?q=电梯",
        f"/departments/{reply.department.slug}/",
        f"/sectors/{reply.sector.slug}/",
        f"/sessions/{session.council_slug}/{session.term}-{session.number}/",
        "/directory/",
        "/no-such-page/",
    ]


def test_markup_is_sound(client, corpus):
    for url in pages(corpus):
        response = client.get(url)
        tree = lxml_html.fromstring(response.content)
        assert tree.get("lang") == "zh-CN", url
        assert tree.findtext(".//title").strip(), url
        ids = [e.get("id") for e in tree.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))
        for element in tree.xpath("//*[@aria-labelledby]"):
            assert element.get("aria-labelledby") in ids, url
        for label in tree.xpath("//label[@for]"):
            assert label.get("for") in ids, url
        for link in tree.xpath("//a[starts-with(@href, '#')]"):
            assert link.get("href")[1:] in ids, (url, link.get("href"))
        # every visible form control is labelled
        for control in tree.xpath("//input[not(@type='hidden')] | //select | //textarea"):
            assert tree.xpath(f"//label[@for='{control.get('id')}']"), (url, control.get("name"))
        # one h1, and no heading level skipped on the way down
        levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1, url
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (url, levels)
        for link in tree.iter("a"):
            assert (link.text_content() or "").strip() or link.get("aria-label"), url
