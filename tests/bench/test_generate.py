"""The benchmark corpus generator: deterministic, realistic lengths, reply structure, queries."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from bench import domain
from bench.generate import MAX_CHARS, MIN_CHARS, CorpusGenerator, main
from bench.queries import COMMON_WORDS, QUERY_CLASSES, build_queries
from bench.specs import body_length, check_spec
from bench.specs import derive_sections as sections_of

SAMPLE = 300

_TITLE = re.compile(r"(?:对|关于)\S*?政协\S*?届\S+?次会议第\d+号提案的(?:答复|答复函|会办意见)$")


@pytest.fixture(scope="module")
def gen() -> CorpusGenerator:
    return CorpusGenerator()


@pytest.fixture(scope="module")
def sample(gen):
    return list(gen.replies(SAMPLE))


def test_same_seed_same_corpus_and_replies_independent_of_order(gen, sample):
    other = CorpusGenerator(seed=gen.seed, vocabulary=gen.vocab)
    for index in (0, 1, 57, 299):
        assert other.reply(index).text == sample[index].text
    assert [r.text for r in other.replies(3, start=5)] == [r.text for r in sample[5:8]]


def test_another_seed_another_corpus(gen):
    other = CorpusGenerator(seed=gen.seed + 1, vocabulary=gen.vocab)
    assert other.reply(0).text != gen.reply(0).text
    assert other.planted_words != gen.planted_words


def test_lengths_are_realistic(sample):
    lengths = [body_length(r.truth["paragraphs"]) for r in sample]
    assert min(lengths) >= MIN_CHARS
    assert max(lengths) <= MAX_CHARS
    mean = sum(lengths) / len(lengths)
    assert 2700 <= mean <= 3900
    assert sum(n < 2300 for n in lengths) >= SAMPLE // 20
    assert sum(n > 4500 for n in lengths) >= SAMPLE // 50


def test_reply_structure(sample):
    for reply in sample:
        truth = reply.truth
        lines = [line.strip() for line in reply.text.splitlines() if line.strip()]
        joined = "".join(lines)
        assert truth["title"] in joined[:80]
        assert _TITLE.search(truth["title"]), truth["title"]
        assert "收悉" in truth["paragraphs"][0]
        assert truth["paragraphs"][-1].endswith(("。", "！"))
        start = lines.index(truth["paragraphs"][0])
        assert lines[start : start + len(truth["paragraphs"])] == truth["paragraphs"]
        after = lines[start + len(truth["paragraphs"]) :]
        assert after[0] == truth["department"]
        assert re.fullmatch(r"20\d\d年\d+月\d+日", after[1])
        assert sections_of(truth["paragraphs"]) == truth["sections"]
        assert any(truth["contact_phone"] in line for line in after)
        if truth["disclosure"]:
            assert f"（此件{truth['disclosure']}）" in after
        if truth["result"]:
            assert f"办理结果：{truth['result']}" in joined
        else:
            assert "办理结果" not in joined
        if truth["sector"]:
            assert truth["proposer"] == f"{truth['sector']}界别"
        if truth["doc_kind"] != "会办意见":
            assert all(unit in joined for unit in truth["co_departments"])


def test_specs_pass_the_sample_checks_that_apply(sample):
    allowed = ("outside 2022-2025", "does not map to class", "bad disclosure None")
    for reply in sample[:60]:
        problems = [p for p in check_spec(reply.spec) if not any(a in p for a in allowed)]
        assert problems == [], (reply.index, problems)


def test_corpus_variety(gen, sample):
    departments = {
        domain.department_name(council, key)
        for council in domain.COUNCILS
        for key in domain.DEPARTMENT_KEYS
    }
    assert len(departments) >= 200
    assert len({(s.council.name, s.council.place) for s in gen.slots}) >= 8
    assert len({s.year for s in gen.slots}) >= 6
    assert {r.truth["result_class"] for r in sample} >= {"A", "B", "C", None}
    assert {r.truth["doc_kind"] for r in sample} == {"答复", "答复函", "会办意见"}
    assert len({r.truth["department"] for r in sample}) >= 100
    assert len({r.truth["sector"] for r in sample}) >= 20
    assert {r.truth["disclosure"] for r in sample} >= {"公开发布", "依申请公开", "不予公开"}
    keys = Counter((r.truth["council"], r.truth["term"], r.truth["session"], r.truth["number"],
                    r.truth["department"], r.truth["doc_kind"]) for r in sample)  # fmt: skip
    assert max(keys.values()) == 1


def test_vocabulary_is_zipfian_jieba_words_with_domain_phrases(gen, sample):
    vocab = gen.vocab
    assert len(vocab.words) >= 50_000
    ratio = (vocab.cum_weights[0]) / (vocab.cum_weights[1] - vocab.cum_weights[0])
    assert 1.9 < ratio < 2.2  # weight ∝ 1 / rank ** 1.05
    text = "".join(r.text for r in sample[:100])
    assert sum(text.count(p) for t in domain.TOPICS for p in t.phrases) > 1000


def test_common_words_in_nine_tenths_of_replies(sample):
    for word in COMMON_WORDS:
        share = sum(word in r.text for r in sample) / len(sample)
        assert share >= 0.95, (word, share)


def test_planted_words_occur_exactly_where_planted(gen, sample):
    planted = {r.index: r.planted for r in sample}
    assert 0.2 < sum(w is not None for w in planted.values()) / SAMPLE < 0.4
    chars = set("".join(gen.planted_words))
    for reply in sample:
        assert reply.planted == gen.planted_word(reply.index)
        found = {w for w in re.findall("“(..)”", reply.text) if w[0] in chars}
        assert found == ({reply.planted} if reply.planted else set())
        stray = [c for c in reply.text if c in chars]
        assert len(stray) == (2 if reply.planted else 0)


def test_queries_cover_every_class(gen, sample):
    queries = build_queries(gen, SAMPLE, per_class=40)
    assert tuple(queries) == QUERY_CLASSES
    assert all(len(qs) == 40 for qs in queries.values())
    texts = [r.text for r in sample]
    for query in queries["rare"]:
        assert any(query.q in t for t in texts)
    for query in queries["phrase"][:20]:
        assert query.q.startswith('"') and 4 <= len(query.q) - 2 <= 8
        assert any(query.q.strip('"') in t for t in texts)
    assert all(len(q.q) == 1 for q in queries["one_char"])
    assert all(len(q.filters) == 2 for q in queries["facets"])
    assert all(q.sort == "newest" for q in queries["sorted"])
    assert all(q.page == 200 for q in queries["deep_page"])
    assert build_queries(gen, SAMPLE, per_class=40) == queries


def test_command_writes_text_files_and_truth(tmp_path):
    out, truth = tmp_path / "corpus", tmp_path / "truth.jsonl"
    main(["--replies", "12", "--out", str(out), "--truth", str(truth)])
    files = sorted(out.rglob("*.txt"))
    assert len(files) == 12
    records = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in records] == [str(f.relative_to(out)) for f in files]
    assert files[3].read_text(encoding="utf-8").rstrip().splitlines()[-1].startswith("承办单位")


def test_the_real_parser_reads_every_field(sample):
    from replies.ingest.pipeline import default_result_classes, parse_bytes

    table = default_result_classes()
    for reply in sample[:80]:
        parsed = parse_bytes(reply.text.encode("utf-8"), f"{reply.index}.txt", table).to_json()
        truth = reply.truth
        assert sorted(parsed.pop("co_departments")) == sorted(truth.pop("co_departments"))
        assert {k: parsed[k] for k in truth} == truth, reply.index
