"""A Zipf-weighted vocabulary drawn from jieba's own dictionary (jieba/dict.txt).

Words are ranked by jieba's frequency and drawn with weight 1 / rank**s: the classic Zipf
law of running text. Person names, pronouns, interjections and modal particles are left out
(replies rarely use them), and so are words that would collide with the reply's structure
(收悉, 签发人, 此件 …) and confuse the parser. Characters that the vocabulary never uses are
the raw material of the planted rare words (see ``rare_characters``).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import jieba

#: jieba part-of-speech tags left out of the vocabulary.
_SKIP_TAGS = frozenset({"nr", "nrfg", "nrt", "e", "o", "y", "r", "ul", "uz", "ug", "zg", "x"})
#: Substrings that belong to the reply's structure and must only appear where it puts them.
STRUCTURE_WORDS = (
    "收悉",
    "签发",
    "办理结果",
    "此件",
    "公开",
    "联系",
    "界别",
    "提案",
    "答复",
    "会办",
    "协办",
    "政协",
    "感谢",
    "函复",
    "邮编",
    "邮政",
    "通讯地址",
    "会议",
    "委员",
    "致",
    "届",
)
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
DEFAULT_SIZE = 60_000
ZIPF_EXPONENT = 1.05


def jieba_dict_path() -> Path:
    return Path(jieba.__file__).resolve().parent / "dict.txt"


@dataclass(frozen=True)
class Vocabulary:
    """Words most frequent first, with cumulative Zipf weights for ``random.choices``."""

    words: tuple[str, ...]
    cum_weights: tuple[float, ...]
    #: Every CJK character of jieba's dictionary that ``words`` never uses.
    unused_chars: tuple[str, ...]

    def rank_of(self, word: str) -> int | None:
        try:
            return self.words.index(word) + 1
        except ValueError:
            return None


@functools.cache
def load_vocabulary(size: int = DEFAULT_SIZE, exponent: float = ZIPF_EXPONENT) -> Vocabulary:
    """The ``size`` most frequent usable words of jieba's dictionary, Zipf-weighted."""
    rows: list[tuple[int, str]] = []
    all_chars: set[str] = set()
    with jieba_dict_path().open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            tag = parts[2] if len(parts) > 2 else ""
            if not _CJK_WORD.match(word):
                continue
            all_chars.update(word)
            if tag in _SKIP_TAGS or any(s in word for s in STRUCTURE_WORDS):
                continue
            rows.append((freq, word))
    rows.sort(key=lambda row: (-row[0], row[1]))
    words = tuple(word for _, word in rows[:size])
    weights = (1.0 / (rank**exponent) for rank in range(1, len(words) + 1))
    cum = tuple(itertools.accumulate(weights))
    used = set("".join(words))
    unused = tuple(sorted(all_chars - used))
    return Vocabulary(words, cum, unused)
