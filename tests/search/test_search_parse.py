"""The query language (pure functions)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from replies.search.parse import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    NOTICE_MALFORMED,
    Term,
    literal_query,
    parse_query,
)


def texts(groups):
    return [[t.text for t in g] for g in groups]


def test_spaces_mean_and():
    q = parse_query("老旧小区  加装电梯")
    assert texts(q.groups) == [["老旧小区"], ["加装电梯"]]
    assert not q.literal and not q.notices


def test_quoted_phrase_is_one_term_without_whitespace():
    q = parse_query('"城市 更新" 硅巷')
    assert q.groups == ((Term("城市更新", True),), (Term("硅巷"),))
    assert parse_query("“上海硅巷”").groups == ((Term("上海硅巷", True),),)


def test_exclusion():
    q = parse_query('城市更新 -硅巷 -"老旧 小区"')
    assert texts(q.groups) == [["城市更新"]]
    assert [t.text for t in q.excluded] == ["硅巷", "老旧小区"]
    assert parse_query("-硅巷").excluded == (Term("硅巷"),)


def test_or_forms():
    for raw in ("硅巷 OR 电梯", "硅巷 | 电梯", "硅巷|电梯", "硅巷｜电梯", "硅巷 ＯＲ 电梯"):
        assert texts(parse_query(raw).groups) == [["硅巷", "电梯"]], raw
    assert texts(parse_query("a OR b c").groups) == [["a", "b"], ["c"]]
    assert texts(parse_query("a or b").groups) == [["a"], ["or"], ["b"]]


def test_normalisation_applies_to_terms():
    assert texts(parse_query("ＡＩ 繁體").groups) == [["ai"], ["繁体"]]


def test_literal_characters_inside_terms():
    assert texts(parse_query("硅巷”科创 5-10 a-b").groups) == [["硅巷”科创"], ["5-10"], ["a-b"]]


def test_number_and_session_hints():
    assert parse_query("005").number == 5
    assert parse_query("第005号").number == 5
    assert parse_query("第 005 号").number is None  # three terms, not only a number
    assert parse_query("十五届三次").session == (15, 3)
    assert parse_query("第十五届第三次会议").session == (15, 3)
    assert parse_query("15届3次").session == (15, 3)
    assert parse_query("十五届三次 硅巷").session is None


def test_malformed_degrades_to_literal_words():
    for raw, expected in [
        ('"城市更新', [["城市更新"]]),
        ('老旧小区 "加装 电梯', [["老旧小区"], ["加装"], ["电梯"]]),
        ("硅巷 OR", [["硅巷"], ["or"]]),
        ("| 硅巷", [["硅巷"]]),
        ("a OR OR b", [["a"], ["or"], ["b"]]),
        ("a OR -b", [["a"], ["or"], ["b"]]),
    ]:
        q = parse_query(raw)
        assert q.literal, raw
        assert NOTICE_MALFORMED in q.notices
        assert texts(q.groups) == expected, raw


def test_only_operators():
    q = parse_query("| | |")
    assert q.literal and q.is_empty
    assert parse_query("").is_empty and not parse_query("").literal
    assert parse_query('""').is_empty


def test_long_and_many():
    q = parse_query("长" * 2000)
    assert len(q.groups[0][0].text) == MAX_QUERY_CHARS and q.notices
    q = parse_query(" ".join(f"词{i}" for i in range(40)))
    assert sum(len(g) for g in q.groups) == MAX_TERMS and q.notices


def test_literal_query_is_one_exact_term():
    q = literal_query('a "b" | c')
    assert q.groups == ((Term('a"b"|c', True),),) and q.literal


@given(st.text(max_size=300) | st.text(alphabet='"“”|-OR ab甲乙\u3000', max_size=40))
@settings(max_examples=500)
def test_never_raises_and_terms_are_compact(raw):
    q = parse_query(raw)
    for group in q.groups:
        assert group
        for term in group:
            assert term.text and not any(ch.isspace() for ch in term.text)
    assert sum(len(g) for g in q.groups) + len(q.excluded) <= MAX_TERMS


def test_non_string_input():
    assert parse_query(None).is_empty
    assert parse_query(["a"]).is_empty
