"""Compare jieba (pure Python, the reference) with rjieba (jieba-rs) on the archive's texts.

    python bench/segmenters.py [--replies 300]

Both segmenters get the same dictionary (jieba's dict.txt, which rjieba embeds) plus the
archive's user dictionary (fixtures/userdict.txt when present, words added with the same
frequency rule), and the same normalised text. Reports token agreement (precise mode with HMM,
with offsets), the tokens that differ by kind, speed in characters per second, load time and
the memory each segmenter adds to the process. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
USERDICT = ROOT / "fixtures" / "userdict.txt"

Token = tuple[str, int, int]


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def normalizer() -> Callable[[str], str]:
    """The archive's normalisation when replies.search has it, else the identity."""
    try:
        from replies.search.tokenize import normalize
    except ImportError:
        return lambda text: text
    return normalize


def user_words(path: Path | None = None) -> list[tuple[str, int | None]]:
    """(word, frequency or None) of a jieba-format user dictionary."""
    path = path or USERDICT
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            out.append((parts[0], freq))
    return out


def load_jieba(words: list[tuple[str, int | None]]) -> Callable[[str], list[Token]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq in words:
        tokenizer.add_word(word, freq)
    return lambda text: list(tokenizer.tokenize(text, mode="default", HMM=True))


def load_rjieba(words: list[tuple[str, int | None]]) -> Callable[[str], list[Token]]:
    import rjieba

    tokenizer = rjieba.Jieba()
    for word, freq in words:
        tokenizer.add_word(word, freq, None)
    return lambda text: tokenizer.tokenize(text, "default", True)


def _memory_of(name: str) -> float:
    """RSS (MB) a fresh interpreter gains by loading one segmenter with the user dictionary."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from bench import segmenters as s; "
        f"before = s._rss_kb(); cut = s.load_{name}(s.user_words()); cut('预热'); "
        "print(s._rss_kb() - before)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
    )
    return round(int(out.stdout.strip()) / 1024, 1)


_JOINED_ASCII = re.compile(r"[-_./]")
_JIEBA_ALNUM = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|\S")


def jieba_compatible(tokens: list[Token]) -> list[Token]:
    """Split rjieba's ASCII runs joined by - _ . / the way jieba's HMM fallback does.

    jieba cuts a non-dictionary ASCII run with ``[a-zA-Z0-9]+(?:\\.\\d+)?%?`` (0574-66591271
    → 0574, -, 66591271; covid-19 → covid, -, 19); rjieba keeps such runs whole.
    """
    out: list[Token] = []
    for text, start, end in tokens:
        if text.isascii() and _JOINED_ASCII.search(text) and len(text) > 1:
            for match in _JIEBA_ALNUM.finditer(text):
                out.append((match.group(), start + match.start(), start + match.end()))
        else:
            out.append((text, start, end))
    return out


def load_rjieba_compatible(words: list[tuple[str, int | None]]) -> Callable[[str], list[Token]]:
    cut = load_rjieba(words)
    return lambda text: jieba_compatible(cut(text))


def texts(replies: int) -> list[str]:
    """Generated replies, and the text the ingest pipeline reads from the seed and samples."""
    from bench.generate import CorpusGenerator
    from replies.ingest.pipeline import Rejected, default_result_classes, parse_path

    out = [r.text for r in CorpusGenerator().replies(replies)]
    table = default_result_classes()
    for folder in (ROOT / "fixtures" / "seed", ROOT / "fixtures" / "samples" / "docs"):
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            try:
                parsed = parse_path(path, table)
            except Rejected:
                continue
            out.append("\n".join([parsed.title or "", parsed.proposal_title or "", parsed.body]))
    return out


def _kind(token: str) -> str:
    if re.fullmatch(r"[0-9.\-+%/]+", token):
        return "digits/hyphen runs"
    if re.fullmatch(r"[A-Za-z0-9.\-+#&_%]+", token):
        return "latin/alnum runs"
    return "chinese (HMM/DAG)"


def compare(replies: int = 300) -> dict[str, Any]:
    norm = normalizer()
    docs = [norm(t) for t in texts(replies)]
    words = user_words()
    result: dict[str, Any] = {"documents": len(docs), "characters": sum(map(len, docs))}
    result["user_dictionary_words"] = len(words)
    runs: dict[str, list[list[Token]]] = {}
    loaders = (
        ("jieba", load_jieba),
        ("rjieba", load_rjieba),
        ("rjieba_compatible", load_rjieba_compatible),
    )
    for name, loader in loaders:
        t0 = time.perf_counter()
        cut = loader(words)
        cut("预热")
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        runs[name] = [[tuple(t) for t in cut(doc)] for doc in docs]
        seconds = time.perf_counter() - t0
        result[name] = {
            "load_s": round(load_s, 2),
            "rss_added_mb": _memory_of(name),
            "chars_per_s": round(result["characters"] / seconds),
        }
    for name in ("rjieba", "rjieba_compatible"):
        result[name].update(_agreement(runs["jieba"], runs[name]))
    result["speedup"] = round(result["rjieba"]["chars_per_s"] / result["jieba"]["chars_per_s"], 1)
    result["user_dictionary_words"] = len(words)
    return result


def _agreement(reference: list[list[Token]], other: list[list[Token]]) -> dict[str, Any]:
    """How many documents and tokens (with offsets) ``other`` gives exactly as ``reference``."""
    same_docs = tokens = differing = 0
    kinds: collections.Counter[str] = collections.Counter()
    examples: list[dict[str, Any]] = []
    for ref, got in zip(reference, other, strict=True):
        same_docs += ref == got
        a, b = set(ref), set(got)
        tokens += len(a)
        differing += len(a - b)
        for token in b - a:
            kinds[_kind(token[0])] += 1
            if len(examples) < 8:
                inside = sorted(
                    (t for t in a - b if token[1] <= t[1] < token[2]), key=lambda t: t[1]
                )
                examples.append({"other": token[0], "jieba": [t[0] for t in inside]})
    return {
        "identical_documents": same_docs,
        "tokens": tokens,
        "jieba_tokens_missing": differing,
        "agreement": round(1 - differing / tokens, 6) if tokens else None,
        "differing_tokens_by_kind": dict(kinds),
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="jieba 与 rjieba 分词对比")
    parser.add_argument("--replies", type=int, default=300)
    args = parser.parse_args(argv)
    print(json.dumps(compare(args.replies), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
