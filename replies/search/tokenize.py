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

Segmentation is jieba (one ``jieba.Tokenizer`` per process) with the user dictionary in
``fixtures/userdict.txt`` plus staff-edited terms supplied through :func:`set_extra_terms`.
"""

from __future__ import annotations

import logging
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
# jieba, loaded once per process


class _Segmenter:
    """Holds the process's jieba tokenizer and rebuilds it when the extra terms change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer: jieba.Tokenizer | None = None
        self._extra: frozenset[str] = frozenset()

    def get(self) -> jieba.Tokenizer:
        tokenizer = self._tokenizer
        if tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._build(self._extra)
                tokenizer = self._tokenizer
        return tokenizer

    def set_extra(self, terms: Iterable[str]) -> bool:
        extra = frozenset(t for t in (compact(term) for term in terms) if t)
        with self._lock:
            if extra == self._extra:
                return False
            self._extra = extra
            if self._tokenizer is not None:
                self._tokenizer = self._build(extra)
            return True

    @staticmethod
    def _build(extra: frozenset[str]) -> jieba.Tokenizer:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word, freq in read_userdict(USERDICT_PATH):
            tokenizer.add_word(word, freq)
        for word in sorted(extra):
            tokenizer.add_word(word)
        return tokenizer


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


_segmenter = _Segmenter()


def get_tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer, built on first use."""
    return _segmenter.get()


def set_extra_terms(terms: Iterable[str]) -> bool:
    """Replace the staff-edited dictionary terms; returns True when the set changed."""
    return _segmenter.set_extra(terms)


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
    norm = normalize(text)
    tokenizer = get_tokenizer()
    freq = tokenizer.FREQ
    out: list[Word] = []
    ordinal = 0
    for token, start, end in tokenizer.tokenize(norm, mode="default", HMM=True):
        if token.isspace():
            continue
        ordinal += 1
        if not is_wordlike(token) or len(token) > MAX_WORD_CHARS:
            continue
        out.append(Word(token, ordinal, start, end))
        for sub, offset in _subwords(token, freq):
            out.append(Word(sub, ordinal, start + offset, start + offset + len(sub), True))
    return out


def _subwords(token: str, freq: dict[str, int]) -> Iterator[tuple[str, int]]:
    n = len(token)
    for size in (2, 3):
        if n <= size:
            continue
        for i in range(n - size + 1):
            sub = token[i : i + size]
            if freq.get(sub) and is_wordlike(sub):
                yield sub, i


def query_words(term: str) -> list[str]:
    """The precise-mode word tokens of a query term, in order (no sub-words)."""
    return [w.text for w in words(term) if not w.sub]


# --------------------------------------------------------------------------------------------
# character grams


def grams(text: str) -> list[tuple[str, int]]:
    """The character grams of one segment of text, with 0-based positions.

    The text is normalised and its whitespace dropped (a literal match ignores whitespace);
    every remaining character, punctuation included, is a unit.  Each unit starts a bigram
    with the next unit; the last unit is also emitted alone, so a one-character query,
    matched as a prefix, finds a character wherever it stands.
    """
    units = compact(text)
    out = [(units[i : i + 2], i) for i in range(len(units) - 1)]
    if units:
        out.append((units[-1], len(units) - 1))
    return out


def term_grams(term: str) -> list[tuple[str, int]]:
    """The grams that a literal term is matched by, with offsets from its first character.

    One character: the character itself (to be matched as a prefix).  Otherwise bigrams at
    offsets 0, 2, 4, … plus the last bigram: together they pin every character of the term,
    so ``'ab' <2> 'cd' <-> 'de'`` is equivalent to the full chain of overlapping bigrams.
    """
    units = compact(term)
    n = len(units)
    if n == 0:
        return []
    if n == 1:
        return [(units, 0)]
    offsets = list(range(0, n - 1, 2))
    if offsets[-1] != n - 2:
        offsets.append(n - 2)
    return [(units[i : i + 2], i) for i in offsets]
