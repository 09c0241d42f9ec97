"""The one normalise + segment module, used for documents and for queries alike.

Normalisation is a per-character map that never changes the length of the text:
``normalize(text)[i]`` is the folded form of ``text[i]``.  Because it works character by
character, normalising a substring gives a substring of the normalised text, which is what the
recall guarantee of the character-gram index rests on, and offsets in normalised text are
offsets in the original text, which is what highlighting rests on.

Folding, in order, for each character:
  1. control, format, surrogate and separator characters become a space;
  2. Unicode NFKC when it yields one character (full-width letters, digits and punctuation
     to half-width, Kangxi radicals and compatibility ideographs to unified ideographs);
  3. traditional to simplified through OpenCC's t2s table (character level);
  4. lower case when it yields one character.

Segmentation is jieba's algorithm, run by rjieba (jieba-rs, about ten times faster, output
checked against jieba in the tests; ``ARCHIVE_SEGMENTER=jieba`` selects pure-Python jieba),
one segmenter per process, with the user dictionary in ``fixtures/userdict.txt`` plus the
staff-edited terms supplied through :func:`set_extra_terms`.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jieba
from opencc import OpenCC

jieba.setLogLevel(logging.WARNING)

USERDICT_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "userdict.txt"

#: Tokens longer than this are not put in the word index (URLs, long digit runs).
MAX_WORD_CHARS = 32

_SPACE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
_t2s = OpenCC("t2s")


def _fold_once(ch: str) -> str:
    if unicodedata.category(ch) in _SPACE_CATEGORIES or ch.isspace():
        return " "
    nfkc = unicodedata.normalize("NFKC", ch)
    if len(nfkc) == 1:
        ch = nfkc
    simplified = _t2s.convert(ch)
    if len(simplified) == 1:
        ch = simplified
    lower = ch.lower()
    if len(lower) == 1:
        ch = lower
    return ch


def _fold_char(ch: str) -> str:
    """Fold one character to its fixed point (at most a few rounds)."""
    for _ in range(4):
        folded = _fold_once(ch)
        if folded == ch:
            break
        ch = folded
    return ch


class _FoldTable(dict):
    """A ``str.translate`` table filled lazily, one character at a time."""

    def __missing__(self, codepoint: int) -> str:
        folded = _fold_char(chr(codepoint))
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def normalize(text: str) -> str:
    """Fold ``text`` character by character; the result has the same length."""
    return text.translate(_FOLD)


def is_space(ch: str) -> bool:
    """True for a character that normalisation turns into (or keeps as) a space."""
    return ch == " "


def compact(text: str) -> str:
    """Normalise and drop whitespace: the form in which literal containment is defined."""
    return "".join(normalize(text).split())


def is_wordlike(token: str) -> bool:
    """True when a token holds at least one letter or digit (punctuation-only tokens are not)."""
    return any(ch.isalnum() for ch in token)


# --------------------------------------------------------------------------------------------
# the segmenter, loaded once per process

Token = tuple[str, int, int]

_JOINED_ASCII = re.compile(r"[-_./]")
_JIEBA_ALNUM = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|\S")


class Segmenter:
    """A jieba-compatible segmenter: precise-mode tokens with offsets and a dictionary test."""

    name = "jieba"

    def __init__(self, words: Iterable[tuple[str, int | None]]) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word, freq in words:
            self._tokenizer.add_word(word, freq)

    def tokenize(self, text: str) -> list[Token]:
        return list(self._tokenizer.tokenize(text, mode="default", HMM=True))

    def has_word(self, word: str) -> bool:
        return bool(self._tokenizer.FREQ.get(word))


class RustSegmenter(Segmenter):
    r"""rjieba (jieba-rs): the same dictionary and algorithm, about ten times faster.

    rjieba keeps an ASCII run joined by ``- _ . /`` whole where jieba's fallback cuts it with
    ``[a-zA-Z0-9]+(?:\.\d+)?%?``; such runs are re-cut the jieba way, which makes the output
    match jieba's (checked by the tests against jieba, the reference).
    """

    name = "rjieba"

    def __init__(self, words: Iterable[tuple[str, int | None]]) -> None:
        import rjieba

        self._rust = rjieba.Jieba()
        for word, freq in words:
            self._rust.add_word(word, freq, None)

    def tokenize(self, text: str) -> list[Token]:
        out: list[Token] = []
        for token, start, end in self._rust.tokenize(text, "default", True):
            if len(token) > 1 and token.isascii() and _JOINED_ASCII.search(token):
                for match in _JIEBA_ALNUM.finditer(token):
                    out.append((match.group(), start + match.start(), start + match.end()))
            else:
                out.append((token, start, end))
        return out

    def has_word(self, word: str) -> bool:
        return self._rust.has_word(word)


def _segmenter_class() -> type[Segmenter]:
    wanted = os.environ.get("ARCHIVE_SEGMENTER", "rjieba")
    if wanted == "rjieba":
        try:
            import rjieba  # noqa: F401
        except ImportError:  # pragma: no cover - rjieba is a declared dependency
            return Segmenter
        return RustSegmenter
    return Segmenter


class _Holder:
    """Holds the process's segmenter and rebuilds it when the extra terms change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._segmenter: Segmenter | None = None
        self._extra: frozenset[str] = frozenset()

    def get(self) -> Segmenter:
        segmenter = self._segmenter
        if segmenter is None:
            with self._lock:
                if self._segmenter is None:
                    self._segmenter = self._build(self._extra)
                segmenter = self._segmenter
        return segmenter

    def set_extra(self, terms: Iterable[str]) -> bool:
        extra = frozenset(t for t in (compact(term) for term in terms) if t)
        with self._lock:
            if extra == self._extra:
                return False
            self._extra = extra
            if self._segmenter is not None:
                self._segmenter = self._build(extra)
            return True

    @staticmethod
    def _build(extra: frozenset[str]) -> Segmenter:
        words = read_userdict(USERDICT_PATH) + [(word, None) for word in sorted(extra)]
        return _segmenter_class()(words)


def read_userdict(path: Path) -> list[tuple[str, int | None]]:
    """Read a jieba-format user dictionary (``word [freq] [tag]``), normalising each word."""
    entries: list[tuple[str, int | None]] = []
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        word = compact(parts[0])
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        if word:
            entries.append((word, freq))
    return entries


_holder = _Holder()


def get_segmenter() -> Segmenter:
    """The process's segmenter (rjieba unless ARCHIVE_SEGMENTER=jieba), built on first use."""
    return _holder.get()


def set_extra_terms(terms: Iterable[str]) -> bool:
    """Replace the staff-edited dictionary terms; returns True when the set changed."""
    return _holder.set_extra(terms)


# --------------------------------------------------------------------------------------------
# words


@dataclass(frozen=True, slots=True)
class Word:
    """A word-index token: the normalised text, its ordinal and its span in the input.

    ``sub`` marks a dictionary sub-word of a longer token (search-mode extra).
    """

    text: str
    ordinal: int
    start: int
    end: int
    sub: bool = False


def words(text: str) -> list[Word]:
    """Segment ``text`` into word-index tokens.

    Precise-mode jieba tokens are numbered in order (punctuation and whitespace tokens are
    dropped but still take an ordinal, so a phrase cannot bridge them).  Like jieba's search
    mode, dictionary sub-words of longer tokens (科学 and 委员会 in 科学技术委员会) are added
    at the ordinal of the token that holds them.
    """
    segmenter = get_segmenter()
    out: list[Word] = []
    ordinal = 0
    for token, start, end in segmenter.tokenize(normalize(text)):
        if token.isspace():
            continue
        ordinal += 1
        if not is_wordlike(token) or len(token) > MAX_WORD_CHARS:
            continue
        out.append(Word(token, ordinal, start, end))
        for sub, offset in _subwords(token, segmenter):
            out.append(Word(sub, ordinal, start + offset, start + offset + len(sub), True))
    return out


def long_words(text: str, min_chars: int = 3) -> list[str]:
    """The texts of the :func:`words` of ``text`` that have at least ``min_chars`` characters.

    The same tokens in the same order, without building a :class:`Word` for the many short
    tokens: the indexer's fast path.
    """
    segmenter = get_segmenter()
    sizes = tuple(size for size in (2, 3) if size >= min_chars)
    out: list[str] = []
    for token, _start, _end in segmenter.tokenize(normalize(text)):
        n = len(token)
        if n < min_chars or n > MAX_WORD_CHARS or not is_wordlike(token):
            continue
        out.append(token)
        out.extend(sub for sub, _ in _subwords(token, segmenter, sizes))
    return out


def _subwords(
    token: str, segmenter: Segmenter, sizes: tuple[int, ...] = (2, 3)
) -> Iterator[tuple[str, int]]:
    n = len(token)
    for size in sizes:
        if n <= size:
            continue
        for i in range(n - size + 1):
            sub = token[i : i + size]
            if is_wordlike(sub) and segmenter.has_word(sub):
                yield sub, i


def query_words(term: str) -> list[str]:
    """The precise-mode word tokens of a query term, in order (no sub-words)."""
    return [w.text for w in words(term) if not w.sub]


# --------------------------------------------------------------------------------------------
# character grams

#: Joins the indexed fields of a reply in its search text; normalisation turns every control
#: character into a space, so no query term can contain it and no match can cross it.
SEGMENT_SEPARATOR = "\x1f"


def search_text(segments: Iterable[str]) -> str:
    """The text literal matching runs on: each field compacted, joined by the separator."""
    return SEGMENT_SEPARATOR.join(c for c in (compact(s) for s in segments) if c)


def text_lexemes(text: str) -> set[str]:
    """What ``replies_search_grams(text)`` indexes: every character and every bigram.

    (Grams that hold the separator are indexed too; no query asks for them.)
    """
    return set(text) | {text[i : i + 2] for i in range(len(text) - 1)}


def term_lexemes(term: str) -> list[str]:
    """The grams a literal term needs: itself when one character, else its distinct bigrams.

    A one- or two-character term is found exactly by its one gram; a longer one needs all its
    bigrams (a necessary condition, which a literal check on the candidates then completes).
    """
    units = compact(term)
    if len(units) <= 1:
        return [units] if units else []
    return list(dict.fromkeys(units[i : i + 2] for i in range(len(units) - 1)))


def tsquery_literal(lexeme: str) -> str:
    """A lexeme quoted for tsquery/tsvector input (quotes doubled, backslashes escaped)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
