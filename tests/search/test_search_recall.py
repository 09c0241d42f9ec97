"""Must-show: the recall guarantee, known items, and what is (not) in the index."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from replies.models import Disclosure, Reply, Status
from replies.search import index, search, tokenize
from replies.search.models import ReplySearch
from replies.search.parse import literal_query

sys.path.insert(0, str(Path(__file__).parent))
from corpus import Generator

SYNTAX = set('"|“”')


def as_query(text: str) -> str | object:
    """The substring as a user would type it; quoted when it holds query syntax."""
    if text == "OR" or text.startswith("-") or SYNTAX & set(text):
        return literal_query(text) if '"' in text else f'"{text}"'
    return text


def core_text(reply: Reply) -> str:
    """What the issue's contract names: title, proposal title and body."""
    return tokenize.search_text([reply.title, reply.proposal_title, reply.body])


def indexed_text(reply: Reply) -> str:
    """Every indexed field (the contract plus department, proposer, number, session …)."""
    return tokenize.search_text(index.segments(reply))


def found(q) -> set[int]:
    outcome = search(Reply.objects.public(), q)
    return set(outcome.queryset.values_list("pk", flat=True))


def _generated(add_reply, n: int) -> None:
    gen = Generator(seed=11)
    for k in range(n):
        fake = gen.reply(k + 1, length=(300, 900))
        add_reply(title=fake.title, proposal_title=fake.proposal_title, body=fake.body)


def test_random_substrings_find_exactly_the_replies_that_contain_them(samples, add_reply):
    _generated(add_reply, 25)
    # Invisible replies whose text must never come back.
    add_reply(status=Status.DRAFT, body="草稿里的独有词句：蓝鲸翻越雪山。")
    add_reply(disclosure=Disclosure.WITHHELD, body="不予公开的独有词句：白鹭掠过沙洲。")
    replies = list(
        Reply.objects.select_related("department", "sector", "session").prefetch_related(
            "department__aliases", "co_departments"
        )
    )
    visible = [r for r in replies if r.is_public]
    core = {r.pk: core_text(r) for r in replies}
    full = {r.pk: indexed_text(r) for r in replies}
    rng = random.Random(20240501)
    checked = 0
    while checked < 520:
        source = core[rng.choice(replies).pk].replace(tokenize.SEGMENT_SEPARATOR, "")
        size = rng.randint(1, 8)
        start = rng.randrange(0, max(1, len(source) - size))
        sub = source[start : start + size]
        if not sub:
            continue
        got = found(as_query(sub))
        must = {r.pk for r in visible if sub in core[r.pk]}
        may = {r.pk for r in visible if sub in full[r.pk]}
        assert must <= got, f"missed {sorted(must - got)} for {sub!r}"
        assert got <= may, f"extra {sorted(got - may)} for {sub!r}"
        checked += 1


def test_multi_term_queries_match_the_literal_contract(samples):
    replies = list(Reply.objects.public())
    texts = {r.pk: indexed_text(r) for r in replies}
    rng = random.Random(7)
    for _ in range(60):
        a, b = (
            tokenize.compact(rng.choice(replies).body)[i : i + rng.randint(2, 4)]
            for i in (rng.randrange(0, 400), rng.randrange(0, 400))
        )
        if not a or not b or SYNTAX & set(a + b) or "-" in a + b:
            continue
        both = {pk for pk, t in texts.items() if a in t and b in t}
        either = {pk for pk, t in texts.items() if a in t or b in t}
        only_a = {pk for pk, t in texts.items() if a in t and b not in t}
        assert found(f"{a} {b}") == both
        assert found(f"{a} OR {b}") == either
        assert found(f"{a} | {b}") == either
        assert found(f"{a} -{b}") == only_a


def test_known_item_two_or_three_title_words_put_the_reply_first(samples):
    replies = [r for r in Reply.objects.public() if r.proposal_title]
    rng = random.Random(3)
    stop = {"关于", "建议", "提案", "进一步", "加强", "推进", "相关", "问题", "有关", "工作"}
    hits = 0
    for reply in replies:
        words = [
            w.text
            for w in tokenize.words(reply.proposal_title)
            if not w.sub and len(w.text) >= 2 and w.text not in stop
        ]
        words = list(dict.fromkeys(words))
        chosen = sorted(rng.sample(words, min(len(words), rng.choice((2, 3)))), key=words.index)
        q = " ".join(chosen)
        assert q != tokenize.compact(reply.proposal_title)
        first = search(None, q).queryset.first()
        if first is not None and (
            first.pk == reply.pk or first.proposal_title == reply.proposal_title
        ):
            hits += 1
    assert hits / len(replies) >= 0.9, f"{hits} of {len(replies)}"


def test_every_visible_reply_is_indexed_and_nothing_else(samples):
    public = set(Reply.objects.public().values_list("pk", flat=True))
    hidden = set(Reply.objects.values_list("pk", flat=True)) - public
    assert hidden, "the samples include replies that are not public"
    assert set(ReplySearch.objects.values_list("reply_id", flat=True)) == public
    rng = random.Random(5)
    for reply in Reply.objects.all():
        by_number = found(f"第{reply.number}号") if reply.number else set()
        body = tokenize.compact(reply.body)
        start = rng.randrange(0, max(1, len(body) - 12))
        by_phrase = found(literal_query(body[start : start + 12]))
        if reply.pk in public:
            assert reply.pk in by_number and reply.pk in by_phrase, reply.pk
        else:
            assert reply.pk not in by_number and reply.pk not in by_phrase, reply.pk


@pytest.mark.parametrize("tail", ["终点站在这里", "A", "末"])
def test_text_near_the_end_of_a_very_long_reply_is_found(add_reply, tail):
    gen = Generator(seed=2)
    body = "\n".join(gen.paragraph() for _ in range(700)) + "这是最后一句：" + tail + "。"
    assert len(body.encode()) > 200_000
    reply = add_reply(body=body)
    assert ReplySearch.objects.get(pk=reply.pk).chunked
    assert reply.pk in found(literal_query("最后一句：" + tail))
    assert reply.pk in found(tail)


def test_a_phrase_across_a_chunk_boundary_is_found(add_reply):
    gen = Generator(seed=4)
    body = "\n".join(gen.paragraph() for _ in range(700))
    reply = add_reply(body=body)
    entry = ReplySearch.objects.get(pk=reply.pk)
    chunks = list(entry.chunks.order_by("ordinal").values_list("text", flat=True))
    assert len(chunks) >= 2
    boundary = len(chunks[0]) - index.CHUNK_OVERLAP
    for offset in (-40, -3, 0, 5):
        phrase = entry.text[boundary + offset : boundary + offset + 30]
        assert reply.pk in found(literal_query(phrase)), offset
    assert found(literal_query(entry.text[boundary : boundary + 200])) == {reply.pk}
