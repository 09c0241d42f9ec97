"""The benchmark's query classes, drawn deterministically from a generated corpus.

Each class is a list of :class:`BenchQuery`. Facet filters are given by meaning (council name,
year, result class, department or sector name); the runner turns them into the site's GET
parameters. Classes:

* ``rare``: a planted word (in a handful of replies, known without searching);
* ``common``: a word in at least 90% of replies (工作, 推进 …; checked by the tests);
* ``two_words``: two key phrases of one topic, AND-ed (老旧小区 加装电梯);
* ``phrase``: a quoted 4–8 character substring of a generated reply's body;
* ``one_char``: one character, from very common to rare;
* ``facets``: a topic phrase plus two facet filters;
* ``sorted``: a topic or government word, sorted newest first;
* ``deep_page``: a common word, page 200.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from bench import domain
from bench.generate import CorpusGenerator

QUERY_CLASSES = (
    "rare",
    "common",
    "two_words",
    "phrase",
    "one_char",
    "facets",
    "sorted",
    "deep_page",
)

#: Words the generator puts in (nearly) every reply.
COMMON_WORDS = ("工作", "推进", "加强", "建设", "发展", "进一步", "我们", "管理", "服务", "落实")
DEEP_PAGE = 200

_CLAUSE_SPLIT = re.compile(r"[，。；：、“”《》（）\s]+")


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query: text, facet filters by meaning, sort order and page."""

    kind: str
    q: str
    filters: tuple[tuple[str, str], ...] = field(default=())
    sort: str = ""
    page: int = 1

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "q": self.q,
            "filters": dict(self.filters),
            "sort": self.sort,
            "page": self.page,
        }


def build_queries(
    gen: CorpusGenerator, n_replies: int, per_class: int = 500, seed: int = 1
) -> dict[str, list[BenchQuery]]:
    """``per_class`` queries of every class for a corpus of the first ``n_replies`` replies."""
    rng = random.Random(seed)
    return {
        "rare": _rare(gen, n_replies, per_class, rng),
        "common": [BenchQuery("common", rng.choice(COMMON_WORDS)) for _ in range(per_class)],
        "two_words": [_two_words(rng) for _ in range(per_class)],
        "phrase": _phrases(gen, n_replies, per_class, rng),
        "one_char": _one_chars(gen, per_class, rng),
        "facets": [_facets(gen, n_replies, rng) for _ in range(per_class)],
        "sorted": [_sorted(rng) for _ in range(per_class)],
        "deep_page": [
            BenchQuery("deep_page", rng.choice(COMMON_WORDS), page=DEEP_PAGE)
            for _ in range(per_class)
        ],
    }


def _rare(gen: CorpusGenerator, n: int, count: int, rng: random.Random) -> list[BenchQuery]:
    present = sorted({w for i in range(n) if (w := gen.planted_word(i))})
    if not present:
        present = list(gen.planted_words[:count])
    rng.shuffle(present)
    return [BenchQuery("rare", present[i % len(present)]) for i in range(count)]


def _two_words(rng: random.Random) -> BenchQuery:
    topic = rng.choice(domain.TOPICS)
    if rng.random() < 0.7:
        a, b = rng.sample(topic.phrases, 2)
    else:
        a, b = rng.choice(topic.phrases), rng.choice(domain.GOV_WORDS[10:60])
    return BenchQuery("two_words", f"{a} {b}")


def _phrases(gen: CorpusGenerator, n: int, count: int, rng: random.Random) -> list[BenchQuery]:
    out: list[BenchQuery] = []
    while len(out) < count:
        reply = gen.reply(rng.randrange(n))
        body = reply.body_paragraphs[1:-1]
        for _ in range(5):
            paragraph = rng.choice(body)
            pieces = [p for p in _CLAUSE_SPLIT.split(paragraph) if len(p) >= 4]
            if not pieces:
                continue
            piece = rng.choice(pieces)
            size = rng.randint(4, min(8, len(piece)))
            start = rng.randrange(len(piece) - size + 1)
            out.append(BenchQuery("phrase", f'"{piece[start : start + size]}"'))
            if len(out) == count:
                break
    return out


def _one_chars(gen: CorpusGenerator, count: int, rng: random.Random) -> list[BenchQuery]:
    words = gen.vocab.words
    common = sorted(set("".join(words[:300])))
    middle = sorted(set("".join(words[2000:20000])))
    topical = sorted(set("".join(p for t in domain.TOPICS for p in t.phrases)))
    pools = (common, middle, topical)
    return [BenchQuery("one_char", rng.choice(rng.choice(pools))) for _ in range(count)]


def _facets(gen: CorpusGenerator, n: int, rng: random.Random) -> BenchQuery:
    topic = rng.choice(domain.TOPICS)
    q = rng.choice(topic.phrases)
    slot, _ = gen.slot(rng.randrange(n))
    council = slot.council
    choice = rng.randrange(4)
    if choice == 0:
        filters = (("council", council.name), ("year", str(slot.year)))
    elif choice == 1:
        filters = (("council", council.name), ("result", rng.choice("ABC")))
    elif choice == 2:
        dept = domain.department_name(council, rng.choice(topic.departments))
        filters = (("department", dept), ("year", str(slot.year)))
    else:
        filters = (("result", rng.choice("ABC")), ("sector", rng.choice(domain.SECTORS)))
    return BenchQuery("facets", q, filters=filters)


def _sorted(rng: random.Random) -> BenchQuery:
    if rng.random() < 0.7:
        q = rng.choice(rng.choice(domain.TOPICS).phrases)
    else:
        q = rng.choice(domain.GOV_WORDS[:60])
    return BenchQuery("sorted", q, sort="newest")
