"""The peer engines find exactly the replies that contain every term literally (not timing)."""

from __future__ import annotations

import pytest

from bench.peers import Doc, SqlitePeer, TantivyPeer
from bench.queries import BenchQuery
from replies.search.tokenize import search_text

pytest.importorskip("tantivy")


def _docs() -> list[Doc]:
    """Fictional search texts (示例数据): fixed tricky ones, then 40 numbered ones."""
    fixed = [
        (
            ["示例数据：关于加装电梯的答复", "我们将加快老旧小区加装电梯工作。"],
            "A",
            ("测试市住建局",),
        ),
        (["示例数据", "电梯", "加装"], "B", ("测试市住建局", "测试市财政局")),
        (["示例数据 哈哈哈", "完成率50%_以上，ABC 全角ＡＢＣ"], "C", ("测试市教育局",)),
        (["示例数据", "加装电梯，加装，电梯"], "A", ("测试市财政局",)),
    ]
    docs = [
        Doc(
            id=i + 1,
            text=search_text(fields),
            date=19_000 + (i * 7) % 11,
            council="测试市政协" if i % 2 else "示例县政协",
            year=2023 + i % 2,
            result=result,
            sector="经济界",
            departments=departments,
        )
        for i, (fields, result, departments) in enumerate(fixed)
    ]
    for i in range(5, 45):
        body = f"第{i}号示例数据答复：推进工作" + ("，加强管理" if i % 3 else "")
        docs.append(
            Doc(
                id=i,
                text=search_text([f"示例数据答复{i}", body]),
                date=19_000 + (i * 13) % 37,
                council="测试市政协",
                year=2024,
                result="ABC"[i % 3],
                sector="教育界" if i % 2 else "经济界",
                departments=("测试市教育局",),
            )
        )
    return docs


QUERIES = [
    BenchQuery("rare", "加装电梯"),
    BenchQuery("two_words", "加装 电梯"),
    BenchQuery("rare", "电梯加装"),
    BenchQuery("phrase", '"哈哈哈"'),
    BenchQuery("phrase", '"哈哈哈哈"'),
    BenchQuery("one_char", "梯"),
    BenchQuery("one_char", "%"),
    BenchQuery("rare", "50%_"),
    BenchQuery("rare", "abc"),
    BenchQuery("rare", "ＡＢＣ全角"),
    BenchQuery("common", "示例数据"),
    BenchQuery("facets", "电梯", filters=(("department", "测试市财政局"), ("year", "2024"))),
    BenchQuery("facets", "管理", filters=(("council", "测试市政协"), ("result", "B"))),
    BenchQuery("facets", "答复", filters=(("result", "A"), ("sector", "教育界"))),
    BenchQuery("sorted", "工作", sort="newest"),
    BenchQuery("deep_page", "答复", sort="newest", page=2),
    BenchQuery("deep_page", "工作", page=9),
]


def _expected(docs: list[Doc], query: BenchQuery, terms: list[str]) -> list[Doc]:
    wanted = dict(query.filters)
    out = []
    for doc in docs:
        facets = {
            "council": doc.council,
            "year": str(doc.year),
            "result": doc.result,
            "sector": doc.sector,
        }
        if not all(term in doc.text for term in terms):
            continue
        if "department" in wanted and wanted["department"] not in doc.departments:
            continue
        if all(facets[k] == v for k, v in wanted.items() if k != "department"):
            out.append(doc)
    return out


@pytest.mark.parametrize("engine", [TantivyPeer, SqlitePeer], ids=["tantivy", "sqlite"])
def test_peer_counts_and_pages_are_exact(tmp_path, engine):
    from bench.peers import query_terms

    docs = _docs()
    peer = engine(tmp_path / "index")
    peer.build(docs)
    try:
        for query in QUERIES:
            matches = _expected(docs, query, query_terms(query.q))
            count, page = peer.search(query)
            assert count == len(matches), query
            ids = {d.id for d in matches}
            assert set(page) <= ids and len(page) == len(set(page)), query
            newest = [d.id for d in sorted(matches, key=lambda d: (-d.date, -d.id))]
            last_page = max(1, -(-len(matches) // 20))
            start = (min(query.page, last_page) - 1) * 20
            if query.sort == "newest":
                assert [peer_date(docs, i) for i in page] == [
                    peer_date(docs, i) for i in newest[start : start + 20]
                ], query
            else:
                assert len(page) == len(newest[start : start + 20]), query
    finally:
        peer.close()


def peer_date(docs: list[Doc], reply_id: int) -> int:
    return next(d.date for d in docs if d.id == reply_id)


def test_or_queries_are_refused():
    from bench.peers import query_terms

    with pytest.raises(ValueError, match="AND-ed terms only"):
        query_terms("电梯 OR 加装")
