"""Normalisation in the real index: 繁體 finds 简体, ＡＩ / ai find AI, full-width digits fold.

Documents and queries go through the same folding, so either side may use either form; the
highlighter marks the original characters of the document.
"""

from __future__ import annotations

import pytest

from replies.search import search

TITLE = "关于城市管理工作的答复"


def found(q: str) -> set[int]:
    return set(search(None, q).queryset.values_list("pk", flat=True))


@pytest.fixture
def docs(make_reply):
    bodies = {
        "simplified": "进一步完善养老服务体系。",
        "traditional": "統籌醫療衛生資源。",
        "latin": "推动AI应用落地。",
        "fullwidth_latin": "建设ＡＩ算力平台。",
        "digits": "2023年完成5G基站建设。",
        "fullwidth_digits": "２０２４年新增５Ｇ基站。",
        "unrelated": "河道整治稳步推进。",
    }
    return {
        name: make_reply(title=TITLE, proposal_title="关于城市管理的建议", body=body).pk
        for name, body in bodies.items()
    }


def pks(docs, *names):
    return {docs[n] for n in names}


@pytest.mark.parametrize("q", ["養老服務", "养老服务", "養老服务", '"養老 服務"', "服務 體系"])
def test_traditional_query_finds_simplified_text(docs, q):
    assert found(q) == pks(docs, "simplified")


@pytest.mark.parametrize("q", ["医疗卫生", "醫療衛生", "统筹医疗"])
def test_simplified_query_finds_traditional_text(docs, q):
    assert found(q) == pks(docs, "traditional")


@pytest.mark.parametrize("q", ["AI", "ai", "Ai", "ＡＩ", "ａｉ", "Ａi"])
def test_latin_is_folded_in_width_and_case(docs, q):
    assert found(q) == pks(docs, "latin", "fullwidth_latin")


def test_full_width_digits_fold_to_ascii(docs):
    assert found("２０２３年") == pks(docs, "digits")
    assert found("2024年") == pks(docs, "fullwidth_digits")
    assert found("5G") == found("５ｇ") == pks(docs, "digits", "fullwidth_digits")
    assert found("5g 基站 -２０２４") == pks(docs, "digits")


def test_operators_apply_after_folding(docs):
    assert found("ＡＩ ＯＲ 養老") == pks(docs, "latin", "fullwidth_latin", "simplified")
    assert found("ai -算力") == pks(docs, "latin")


def test_snippets_mark_the_original_characters(client, docs):
    def snippets(q):
        data = client.get("/api/replies/", {"q": q}).json()
        return {r["id"]: " ".join(r["snippets"]) for r in data["results"]}

    assert "<mark>养老服务</mark>" in snippets("養老服務")[docs["simplified"]]
    assert "<mark>醫療衛生</mark>" in snippets("医疗卫生")[docs["traditional"]]
    marked = snippets("ai")
    assert "<mark>AI</mark>" in marked[docs["latin"]]
    assert "<mark>ＡＩ</mark>" in marked[docs["fullwidth_latin"]]
    assert "<mark>２０２４</mark>" in snippets("2024")[docs["fullwidth_digits"]]
    html = client.get("/", {"q": "ａｉ"}).content.decode()
    assert "<mark>AI</mark>" in html and "<mark>ＡＩ</mark>" in html
