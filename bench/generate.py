"""Generate N fictional CPPCC proposal replies, deterministically, one at a time.

Reply ``i`` depends only on (seed, i): a corpus of 10,000 is the first 10,000 replies of the
corpus of 100,000, any reply can be regenerated alone (the benchmark draws phrase queries that
way), and nothing is held in memory. Each reply has the structure real replies print (title
with council/term/session/number, 办理结果 and 签发人, addressee, the …收悉… opening formula,
sections 一、二、…, closing formula, signing unit, date, disclosure marker, contact footer), a
body of 1,500–6,000 characters, whose text mixes Zipf-distributed words of jieba's dictionary
with government vocabulary and the key phrases of the reply's topic. The reply is made as a
spec (the truth keys of ``ingest --json-dir`` plus rendering hints, see bench/specs.py) and
rendered by bench/documents.py as clean text (``txt-clean``: one paragraph per line, with
varying indents, blank lines, line endings and title breaks).

About 30% of replies carry one planted rare word: two characters that occur nowhere else in
the corpus, quoted (“…”). Which reply carries which word is known without generating text
(:meth:`CorpusGenerator.planted_word`), so the benchmark can query words of known rarity.

Command line: ``python bench/generate.py --replies N --out DIR [--seed S] [--truth FILE]``
writes ``DIR/<i // 1000>/<i>.txt`` (UTF-8) and optionally the ground truth (the keys of
``ingest --json-dir``) as JSON lines.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import itertools
import json
import math
import random
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import domain
from bench.documents import render_text
from bench.domain import Council, cn_number
from bench.specs import TRUTH_KEYS
from bench.vocab import Vocabulary, load_vocabulary

DEFAULT_SEED = 20240430
DEFAULT_REPLIES = 100_000
MIN_CHARS = 1500
MAX_CHARS = 6000
FIRST_YEAR, LAST_YEAR = 2017, 2025
PLANTED_WORDS = 5000
PLANT_PROBABILITY = 0.3
#: The bench/documents.py rendering used: clean text, one paragraph per line.
RENDER_FORMAT = "txt-clean"


def _zipf_cum(n: int, exponent: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


@dataclass
class GeneratedReply:
    """One generated reply: its file name, its text and what a parser should read from it."""

    index: int
    name: str
    text: str
    #: The spec the text was rendered from: the truth keys plus id, format and hints.
    spec: dict[str, Any]
    topic: int
    planted: str | None = None
    body_paragraphs: list[str] = field(default_factory=list)

    @property
    def truth(self) -> dict[str, Any]:
        """What the parser should read: the keys of ``ingest --json-dir``."""
        return {key: self.spec[key] for key in TRUTH_KEYS}


@dataclass(frozen=True)
class Slot:
    council: Council
    term: int
    session: int
    year: int


class CorpusGenerator:
    """Makes reply ``i`` of the corpus for a seed; cheap to construct once, then stream."""

    def __init__(self, seed: int = DEFAULT_SEED, vocabulary: Vocabulary | None = None) -> None:
        self.seed = seed
        self.vocab = vocabulary or load_vocabulary()
        self.slots = [
            Slot(council, term, session, year)
            for council in domain.COUNCILS
            for term, session, year in council.sessions(FIRST_YEAR, LAST_YEAR)
        ]
        self._gov_cum = _zipf_cum(len(domain.GOV_WORDS))
        self._labels = [(label, cls) for label, cls, _ in domain.RESULT_LABELS]
        self._label_cum = list(itertools.accumulate(w for _, _, w in domain.RESULT_LABELS))
        self.planted_words = self._make_planted_words()

    # -- planted rare words -------------------------------------------------------------------

    def _make_planted_words(self) -> tuple[str, ...]:
        taken = set(_domain_characters())
        chars = [c for c in self.vocab.unused_chars if c not in taken and _is_stable(c)]
        rng = random.Random(self.seed)
        rng.shuffle(chars)
        chars = chars[:400]
        words: list[str] = []
        seen: set[str] = set()
        while len(words) < PLANTED_WORDS:
            word = rng.choice(chars) + rng.choice(chars)
            if word[0] != word[1] and word not in seen:
                seen.add(word)
                words.append(word)
        return tuple(words)

    def planted_word(self, index: int) -> str | None:
        """The rare word planted in reply ``index`` (None for most replies); no text is made."""
        rng = random.Random(self.seed * 2**40 + index * 2 + 1)
        if rng.random() >= PLANT_PROBABILITY:
            return None
        return self.planted_words[rng.randrange(len(self.planted_words))]

    # -- one reply ------------------------------------------------------------------------------

    def slot(self, index: int) -> tuple[Slot, int]:
        """The session of reply ``index`` and its proposal number (unique within the session)."""
        return self.slots[index % len(self.slots)], index // len(self.slots) + 1

    def reply(self, index: int) -> GeneratedReply:
        """Generate reply ``index``."""
        rng = random.Random(self.seed * 2**40 + index * 2)
        slot, n = self.slot(index)
        council = slot.council
        topic_index = rng.randrange(len(domain.TOPICS))
        topic = domain.TOPICS[topic_index]
        number = council.number_format.format(n=n, year=slot.year)

        roll = rng.random()
        doc_kind = "答复" if roll < 0.86 else "答复函" if roll < 0.96 else "会办意见"
        dept_key = (
            rng.choice(topic.departments)
            if rng.random() < 0.8
            else rng.choice(domain.DEPARTMENT_KEYS)
        )
        department = domain.department_name(council, dept_key)
        others = [k for k in domain.DEPARTMENT_KEYS if k != dept_key]
        co_keys = rng.sample(others, rng.choice((1, 1, 2))) if rng.random() < 0.25 else []
        co_departments = [domain.department_name(council, k) for k in co_keys]

        label, result_class = self._labels[
            _bisect(self._label_cum, rng.random() * self._label_cum[-1])
        ]
        corner_only = rng.random() < 0.04
        if doc_kind == "会办意见":
            label, result_class, corner_only = None, None, False
        elif corner_only:
            label = None

        signer = _person(rng)
        proposer, sector, you = _proposer(rng, council)
        a, b = rng.sample(topic.phrases, 2)
        proposal_title = rng.choice(domain.PROPOSAL_TITLES).format(a=a, b=b)
        reply_date = datetime.date(slot.year, rng.randint(3, 8), rng.randint(1, 28))
        disclosure = _weighted(
            rng, (("公开发布", 80), ("依申请公开", 12), ("不予公开", 5), (None, 3))
        )
        contact_name = _person(rng)
        phone = _phone(rng, council)
        address = f"{rng.choice(council.roads)}{rng.randint(1, 999)}号"
        postcode = f"{council.postcode_prefix}{rng.randint(0, 999):03d}"

        title = _title(council, slot, number, doc_kind, domain.department_short(council, dept_key))
        hints: dict[str, Any] = {"contact_style": 1 if council.style == "shanghai" else 0}
        if corner_only:
            hints["corner_mark"] = True
        if doc_kind == "会办意见":
            lead_key = rng.choice(others)
            lead = domain.department_short(council, lead_key).removeprefix(council.place)
            co_departments = [council.place[-1] + lead]
            opening = (
                f"贵单位转来的{proposer}提出的《{proposal_title}》（第{number}号）收悉。"
                "经认真研究，现将我单位会办意见函告如下："
            )
            closing = "以上意见，请在答复提案人时予以综合考虑。"
        else:
            if co_departments:
                hints["co_line"] = "会办单位"
            template = rng.choice(domain.OPENINGS)
            opening = template.format(proposer=proposer, title=proposal_title, you=you)
            field_name = rng.choice(topic.phrases[:2])
            closing = rng.choice(domain.CLOSINGS).format(you=you, field=field_name)
            hints["respectful"] = sector is None and rng.random() < 0.2

        target = _target_length(rng) - len(opening) - len(closing)
        planted = self.planted_word(index)
        paragraphs, sections = _Writer(self, rng, topic, planted).body(target)
        paragraphs = [opening, *paragraphs, closing]
        spec = {
            "id": f"bench{index:06d}",
            "format": RENDER_FORMAT,
            "encoding": "utf-8",
            "hints": hints,
            "title": title,
            "council": council.name,
            "term": slot.term,
            "session": slot.session,
            "number": number,
            "doc_kind": doc_kind,
            "result": label,
            "result_class": result_class,
            "signer": signer,
            "proposer": proposer,
            "sector": sector,
            "proposal_title": proposal_title,
            "department": department,
            "co_departments": co_departments,
            "date": reply_date.isoformat(),
            "disclosure": disclosure,
            "contact_name": contact_name,
            "contact_phone": phone,
            "address": address,
            "postcode": postcode,
            "sections": sections,
            "paragraphs": paragraphs,
        }
        text = render_text(spec, RENDER_FORMAT, seed=self.seed)
        return GeneratedReply(
            index=index,
            name=f"{index // 1000:03d}/{index:06d}.txt",
            text=text,
            spec=spec,
            topic=topic_index,
            planted=planted,
            body_paragraphs=paragraphs,
        )

    def replies(self, count: int, start: int = 0) -> Iterator[GeneratedReply]:
        """Replies ``start`` … ``start + count - 1``, one at a time."""
        for index in range(start, start + count):
            yield self.reply(index)

    def write_txt(self, out_dir: Path, count: int, truth_path: Path | None = None) -> int:
        """Write ``count`` replies as UTF-8 text files under ``out_dir``; return bytes written."""
        out_dir = Path(out_dir)
        total = 0
        truth_file = truth_path.open("w", encoding="utf-8") if truth_path else None
        try:
            made: set[Path] = set()
            for reply in self.replies(count):
                path = out_dir / reply.name
                if path.parent not in made:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made.add(path.parent)
                data = reply.text.encode("utf-8")
                path.write_bytes(data)
                total += len(data)
                if truth_file:
                    record = {"file": reply.name, **reply.truth}
                    truth_file.write(json.dumps(record, ensure_ascii=False) + "\n")
        finally:
            if truth_file:
                truth_file.close()
        return total


class _Writer:
    """Writes the body (paragraphs between the opening and closing formulas) of one reply."""

    def __init__(
        self, gen: CorpusGenerator, rng: random.Random, topic: domain.Topic, planted: str | None
    ) -> None:
        self.gen = gen
        self.rng = rng
        self.topic = topic
        self.planted = planted
        self._words: list[str] = []
        self._w = 0
        self._gov: list[str] = []
        self._g = 0

    def _draw_words(self, k: int) -> list[str]:
        if self._w + k > len(self._words):
            vocab = self.gen.vocab
            self._words = self.rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=600)
            self._w = 0
        out = self._words[self._w : self._w + k]
        self._w += k
        return out

    def _draw_gov(self) -> str:
        if self._g >= len(self._gov):
            self._gov = self.rng.choices(domain.GOV_WORDS, cum_weights=self.gen._gov_cum, k=200)
            self._g = 0
        self._g += 1
        return self._gov[self._g - 1]

    def clause(self) -> str:
        rng = self.rng
        parts: list[str] = []
        roll = rng.random()
        if roll < 0.55:
            parts.append(self._draw_gov())
        parts.extend(self._draw_words(rng.randint(2, 5)))
        roll = rng.random()
        if roll < 0.22:
            parts.append(rng.choice(self.topic.phrases))
        elif roll < 0.7:
            parts.append(self._draw_gov())
        elif roll < 0.74:
            parts.append(f"{rng.randint(2, 980)}{rng.choice('个项家处所万亿')}")
        elif roll < 0.76:
            parts.append(rng.choice(domain.MIXED_TOKENS))
        return "".join(parts)

    def sentence(self) -> str:
        n = self.rng.choice((1, 2, 2, 3, 3, 3, 4))
        sep = "；" if self.rng.random() < 0.1 else "，"
        return sep.join(self.clause() for _ in range(n)) + "。"

    def heading(self) -> str:
        rng = self.rng
        a, b = rng.sample(self.topic.phrases, 2)
        v, v2 = rng.sample(domain.VERBS, 2)
        return rng.choice(domain.SECTION_HEADINGS).format(a=a, b=b, v=v, v2=v2)

    def body(self, budget: int) -> tuple[list[str], list[dict[str, Any]]]:
        """Paragraphs of about ``budget`` characters in all, and the sections among them."""
        rng = self.rng
        n_paragraphs = max(3, round(budget / rng.randint(200, 320)))
        with_sections = rng.random() < 0.9
        n_sections = min(max(2, n_paragraphs // 3), 7) if with_sections else 0
        headings = [f"{cn_number(i + 1)}、{self.heading()}" for i in range(n_sections)]
        budget -= sum(len(h) for h in headings)
        prefix = ""
        if self.planted:
            prefix = f"依托“{self.planted}”{rng.choice(('项目', '平台', '品牌'))}，"
            budget -= len(prefix)
        sentences: list[str] = []
        size = 0
        while size < budget or len(sentences) < n_paragraphs:
            sentence = self.sentence()
            sentences.append(sentence)
            size += len(sentence)
        cuts = sorted(rng.sample(range(1, len(sentences)), n_paragraphs - 1))
        bounds = [0, *cuts, len(sentences)]
        texts = ["".join(sentences[bounds[i] : bounds[i + 1]]) for i in range(n_paragraphs)]
        if prefix:
            at = rng.randrange(n_paragraphs)
            texts[at] = prefix + texts[at]
        # Section k starts before paragraph starts[k]; paragraph 0 is the introduction.
        starts = sorted(rng.sample(range(1, n_paragraphs), n_sections)) if n_sections else []
        paragraphs: list[str] = []
        sections: list[dict[str, Any]] = []
        for i, text in enumerate(texts):
            if i in starts:
                heading = headings[len(sections)]
                sections.append({"number": len(sections) + 1, "heading": heading.split("、", 1)[1]})
                paragraphs.append(heading)
            paragraphs.append(text)
        return paragraphs, sections


def _is_stable(char: str) -> bool:
    """True when search normalisation (NFKC, traditional → simplified) keeps the character."""
    return unicodedata.normalize("NFKC", char) == char and _t2s().convert(char) == char


@functools.cache
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def _domain_characters() -> str:
    parts: list[str] = []
    for value in vars(domain).values():
        parts.append(repr(value))
    return "".join(parts)


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _weighted(rng: random.Random, options: tuple[tuple[Any, int], ...]) -> Any:
    values = [v for v, _ in options]
    return rng.choices(values, weights=[w for _, w in options])[0]


def _person(rng: random.Random) -> str:
    given = rng.choice(domain.GIVEN) + (rng.choice(domain.GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(domain.SURNAMES) + given


def _proposer(rng: random.Random, council: Council) -> tuple[str, str | None, str]:
    """(proposer as addressed, sector or None, how the reply says "you")."""
    roll = rng.random()
    if roll < 0.35:
        sector = rng.choice(domain.SECTORS)
        return f"{sector}界别", sector, "贵界别"
    if roll < 0.6:
        party = rng.choice(domain.PARTIES)
        suffix = "委" if council.place.endswith("区") else "委会"
        return f"{party}{council.place}{suffix}", None, "贵委" if suffix == "委" else "贵会"
    if roll < 0.85:
        return f"{_person(rng)}委员", None, "您"
    names = "、".join(_person(rng) for _ in range(2))
    return f"{names}等{rng.randint(3, 9)}位委员", None, "你们"


def _phone(rng: random.Random, council: Council) -> str:
    digits = f"{rng.randint(20000000, 69999999)}"
    if not council.area_code:
        return digits
    if len(council.area_code) == 4 and rng.random() < 0.5:
        digits = digits[:7]
    return f"{council.area_code}-{digits}"


def _title(council: Council, slot: Slot, number: str, doc_kind: str, dept_short: str) -> str:
    suffix = {"答复": "提案的答复", "答复函": "提案的答复函", "会办意见": "提案的会办意见"}[
        doc_kind
    ]
    term, session = cn_number(slot.term), cn_number(slot.session)
    if council.style == "shanghai":
        lead = "关于" if doc_kind == "会办意见" else "对"
        return f"{lead}{council.name}第{term}届{session}次会议第{number}号{suffix}"
    if council.style == "ningbo":
        return f"对{council.name}{term}届{session}次会议第{number}号{suffix}"
    if council.style == "province":
        return f"关于{council.name}{term}届{session}次会议第{number}号{suffix}"
    return f"{dept_short}关于{council.name}{term}届{session}次会议第{number}号{suffix}"


def _target_length(rng: random.Random) -> int:
    """Body characters (opening to closing formula): log-normal around 3,000, 1,500–6,000."""
    while True:
        value = int(rng.lognormvariate(math.log(3000), 0.38))
        if MIN_CHARS <= value <= MAX_CHARS - 150:
            return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成基准测试用的虚构答复语料（txt）。")
    parser.add_argument("--replies", type=int, default=DEFAULT_REPLIES)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--truth", type=Path, help="write ground truth as JSON lines here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    size = CorpusGenerator(args.seed).write_txt(args.out, args.replies, args.truth)
    elapsed = time.perf_counter() - started
    print(
        f"{args.replies} replies, {size / 1e6:.1f} MB in {elapsed:.1f} s "
        f"({args.replies / elapsed:.0f} replies/s) → {args.out}"
    )


if __name__ == "__main__":
    main()
