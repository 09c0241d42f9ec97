"""Each query operator against the real index: AND, "phrase", -exclusion, OR / |, number, session.

The parse-level behaviour is in test_search_parse.py; here every query runs through
``replies.search.search`` on a handful of fictional replies, and a few through the API
and the listing page, which must find exactly the same replies.
"""

from __future__ import annotations

import datetime

import pytest

from replies.models import Disclosure, Reply, Session, Status
from replies.search import SORTS, search

TITLE = "关于林业保护工作的答复"


def found(q: str, sort: str = "relevance") -> set[int]:
    return set(search(None, q, sort).queryset.values_list("pk", flat=True))


@pytest.fixture
def docs(make_reply):
    """Fictional replies named by what their body holds; titles hold none of the terms."""
    bodies = {
        "adjacent": "今年推广云杉石榴间作模式。",
        "apart": "云杉林下，也可以试种石榴。",
        "linebreak": "试点开展云杉\n石榴间作。",
        "punct": "本区种植了云杉，石榴，海棠。",
        "only_a": "云杉单独出现在这里。",
        "only_b": "石榴单独出现在这里。",
        "other": "鹭岛海岸线整治。",
        "none": "与本次检索无关的内容。",
    }
    made = {}
    for k, (name, body) in enumerate(bodies.items()):
        made[name] = make_reply(
            title=TITLE,
            proposal_title="关于林业保护的建议",
            number=f"{300 + k}",
            number_int=300 + k,
            body=body,
        ).pk
    return made


def pks(docs: dict[str, int], *names: str) -> set[int]:
    return {docs[n] for n in names}


def test_space_separated_terms_must_all_match(docs):
    both = pks(docs, "adjacent", "apart", "linebreak", "punct")
    assert found("云杉 石榴") == both
    assert found("石榴 云杉") == both
    assert found("云杉\u3000石榴") == both  # an ideographic space separates terms too
    assert found("云杉 石榴 海棠") == pks(docs, "punct")
    assert found("云杉 石榴 不存在的词") == set()


def test_quoted_phrase_matches_the_literal_text_only(docs):
    literal = pks(docs, "adjacent", "linebreak")  # whitespace in a document is ignored
    assert found('"云杉石榴"') == literal
    assert found("“云杉石榴”") == literal
    # whitespace inside the quotes is ignored too: still one phrase, not two AND terms
    assert found('"云杉 石榴"') == literal
    # "apart" and "punct" hold both words, but not side by side
    assert docs["apart"] not in found('"云杉石榴"')
    assert docs["punct"] not in found('"云杉石榴"')
    assert found('"云杉，石榴"') == pks(docs, "punct")


def test_minus_excludes(docs):
    assert found("云杉 -石榴") == pks(docs, "only_a")
    assert found('云杉 -"云杉石榴"') == pks(docs, "apart", "punct", "only_a")
    assert found("云杉 石榴 -海棠 -间作") == pks(docs, "apart")
    # a hyphen inside a word is a character, not an operator
    assert found("云杉-石榴") == set()


def test_a_query_of_exclusions_only_lists_everything_else(docs):
    for sort in SORTS:
        assert found("-石榴", sort) == pks(docs, "only_a", "other", "none"), sort
        assert found("-云杉 -石榴", sort) == pks(docs, "other", "none"), sort


@pytest.mark.parametrize(
    "q",
    ["云杉 OR 鹭岛", "云杉 | 鹭岛", "云杉|鹭岛", "云杉 ｜ 鹭岛", "云杉 ＯＲ 鹭岛", "鹭岛 OR 云杉"],
)
def test_or_matches_either(docs, q):
    assert found(q) == pks(docs, "adjacent", "apart", "linebreak", "punct", "only_a", "other")


def test_lower_case_or_is_a_word_not_an_operator(docs):
    assert found("云杉 or 鹭岛") == set()


def test_combinations(docs):
    assert found("云杉 OR 鹭岛 -石榴") == pks(docs, "only_a", "other")
    assert found("鹭岛 | 石榴 -云杉") == pks(docs, "only_b", "other")
    # OR binds tighter than the space: (石榴 OR 鹭岛) AND 间作
    assert found("石榴 OR 鹭岛 间作") == pks(docs, "adjacent", "linebreak")
    assert found('"云杉石榴" OR 鹭岛 -间作') == pks(docs, "other")


def test_every_sort_finds_the_same_replies(docs):
    for q in ("云杉 石榴", '"云杉石榴"', "云杉 -石榴", "云杉 | 鹭岛 -石榴"):
        sets = {sort: found(q, sort) for sort in SORTS}
        assert len({frozenset(s) for s in sets.values()}) == 1, (q, sets)


@pytest.mark.parametrize(
    "q", ["云杉 石榴", '"云杉石榴"', "云杉 -石榴", "云杉 OR 鹭岛 -石榴", "-云杉"]
)
def test_api_and_page_find_what_search_finds(client, docs, q):
    expected = list(search(None, q).queryset.values_list("pk", flat=True))
    data = client.get("/api/replies/", {"q": q, "page_size": 100}).json()
    assert [r["id"] for r in data["results"]] == expected
    assert data["count"] == len(expected)
    html = client.get("/", {"q": q}).content.decode()
    assert f"共 <strong>{len(expected)}</strong> 件答复" in html


# --------------------------------------------------------------------------------------------
# a query that is only a proposal number or only a session


@pytest.fixture
def sessions(db):
    def session(term: int, number: int) -> Session:
        return Session.objects.create(council="测试市政协", term=term, number=number, year=2024)

    return {key: session(*key) for key in [(15, 3), (15, 2), (14, 3)]}


def test_a_proposal_number_finds_the_reply_by_its_number(make_reply, sessions):
    five = make_reply(title=TITLE, number="005", number_int=5)
    # the same number written without zeros (indexed as 第5号) is found through the field
    five_plain = make_reply(title=TITLE, number="5", number_int=5, session=sessions[(15, 3)])
    fifty = make_reply(title=TITLE, number="050", number_int=50)
    fifteen = make_reply(title=TITLE, number="015", number_int=15)
    citing = make_reply(title=TITLE, number="077", number_int=77, body="参见第005号提案。")
    for q in ("005", "第005号", "第5号", "００５"):
        got = found(q)
        assert {five.pk, five_plain.pk} <= got, q
        assert fifty.pk not in got and fifteen.pk not in got, q
    # literal text still counts: a reply citing 第005号 is found, but after the numbered ones
    ranked = list(search(None, "第005号").queryset.values_list("pk", flat=True))
    assert set(ranked) == {five.pk, five_plain.pk, citing.pk}
    assert ranked[-1] == citing.pk
    # with another term the number is only literal text (no field match)
    assert five_plain.pk not in found("005 林业")


def test_a_session_finds_the_replies_of_that_session(make_reply, sessions):
    in_session = [make_reply(title=TITLE, session=sessions[(15, 3)]) for _ in range(2)]
    other_session = make_reply(title=TITLE, session=sessions[(15, 2)])
    other_term = make_reply(title=TITLE, session=sessions[(14, 3)])
    mentions = make_reply(
        title=TITLE, session=sessions[(15, 2)], body="此事已在十五届三次会议上提出。"
    )
    wanted = {r.pk for r in in_session}
    for q in ("十五届三次", "第十五届第三次会议", "15届3次", "十五届三次会议"):
        got = found(q)
        assert wanted <= got, q
        assert other_session.pk not in got and other_term.pk not in got, q
    assert found("第十五届第三次会议") == wanted  # only the field matches this wording
    assert found("十五届三次") == wanted | {mentions.pk}  # the text matches literally too
    assert found("十五届三次 -会议") == set()  # an exclusion turns the hint off


def test_number_and_session_queries_never_reach_hidden_replies(make_reply, sessions):
    shown = make_reply(title=TITLE, number="006", number_int=6, session=sessions[(15, 3)])
    make_reply(
        title=TITLE, number="007", number_int=6, session=sessions[(15, 3)], status=Status.DRAFT
    )
    make_reply(
        title=TITLE,
        number="008",
        number_int=6,
        session=sessions[(15, 3)],
        disclosure=Disclosure.WITHHELD,
    )
    assert found("006") == {shown.pk}
    assert found("十五届三次") == {shown.pk}
    assert Reply.objects.filter(number_int=6).count() == 3


def test_dates_do_not_matter_to_matching(make_reply):
    old = make_reply(title=TITLE, body="云杉", reply_date=datetime.date(2001, 1, 1))
    undated = make_reply(title=TITLE, body="云杉", reply_date=None)
    assert found("云杉") == {old.pk, undated.pk}
