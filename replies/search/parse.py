"""Parse a user's query into literal terms; pure functions, never raises.

Query language (after normalisation, so full-width operators work too):

* terms separated by whitespace must all match (AND);
* ``"a quoted phrase"`` (or ``“…”``) is one term, whitespace inside it ignored;
* ``-term`` / ``-"phrase"`` excludes replies that contain it;
* ``A OR B`` and ``A | B`` (also ``A|B``) match either;
* every term matches literally: a reply matches a term when the term's text, normalised and
  without whitespace, occurs in one of the reply's indexed fields.

A query that is only a proposal number (``005``, ``第005号``) or only a session
(``十五届三次``) also carries that as a hint, so it can match those fields.

Malformed input (unbalanced ``"``, a dangling ``OR``/``|``, nothing but operators) degrades to
a literal search: syntax characters become separators and every remaining word is an AND term;
``ParsedQuery.literal`` is set and ``notices`` says so in Chinese for the page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from replies.ingest.numerals import parse_number_input, to_int
from replies.search.tokenize import compact, normalize

MAX_QUERY_CHARS = 256
MAX_TERMS = 16

NOTICE_MALFORMED = "查询语法不完整（如引号不成对或 OR 缺少一侧），已按字面文字检索。"
NOTICE_TRUNCATED = f"查询过长，只使用前 {MAX_QUERY_CHARS} 个字符。"
NOTICE_TOO_MANY = f"检索词过多，只使用前 {MAX_TERMS} 个。"

_OPEN_CURLY, _CLOSE_CURLY = "“", "”"


@dataclass(frozen=True, slots=True)
class Term:
    """One literal term: ``text`` is normalised and has no whitespace."""

    text: str
    quoted: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A query as AND of OR-groups of terms, minus excluded terms."""

    raw: str
    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    literal: bool = False
    notices: tuple[str, ...] = ()
    number: int | None = None
    session: tuple[int, int] | None = None

    @property
    def is_empty(self) -> bool:
        """True when the query asks for nothing (no terms at all)."""
        return not self.groups and not self.excluded

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        """Every term that may match (for ranking and highlighting), without duplicates."""
        seen: dict[str, Term] = {}
        for group in self.groups:
            for term in group:
                seen.setdefault(term.text, term)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "term" or "or"
    text: str = ""
    quoted: bool = False
    negated: bool = False


class _Malformed(Exception):
    pass


def parse_query(raw: object) -> ParsedQuery:
    """Parse ``raw`` (any object; non-strings count as empty) into a :class:`ParsedQuery`."""
    try:
        return _parse(raw if isinstance(raw, str) else "")
    except Exception:  # the contract is: never raise
        return literal_words_query(raw if isinstance(raw, str) else "", (NOTICE_MALFORMED,))


def literal_query(text: str) -> ParsedQuery:
    """A query of exactly one literal term (the whole text, whitespace ignored)."""
    term = compact(text)
    return ParsedQuery(raw=text, groups=((Term(term, True),),) if term else (), literal=True)


def literal_words_query(text: str, notices: tuple[str, ...] = ()) -> ParsedQuery:
    """Every word of ``text`` as an AND term, syntax characters treated as separators."""
    cleaned = re.sub(r'["|“”]', " ", normalize(text))
    terms = [Term(t) for t in (compact(w.lstrip("-")) for w in cleaned.split()) if t]
    notices, terms = _cap_terms(notices, terms)
    return ParsedQuery(
        raw=text,
        groups=tuple((t,) for t in _dedupe(terms)),
        literal=True,
        notices=notices,
    )


def _parse(raw: str) -> ParsedQuery:
    notices: tuple[str, ...] = ()
    if len(raw) > MAX_QUERY_CHARS:
        raw = raw[:MAX_QUERY_CHARS]
        notices += (NOTICE_TRUNCATED,)
    try:
        groups, excluded = _group(_lex(raw))
    except _Malformed:
        return literal_words_query(raw, (*notices, NOTICE_MALFORMED))
    count = sum(len(g) for g in groups) + len(excluded)
    if count > MAX_TERMS:
        notices += (NOTICE_TOO_MANY,)
        groups, excluded = _cap_groups(groups, excluded)
    single = groups[0][0].text if len(groups) == 1 and len(groups[0]) == 1 else ""
    if excluded:
        single = ""
    return ParsedQuery(
        raw=raw,
        groups=groups,
        excluded=excluded,
        notices=notices,
        number=parse_number_input(single),
        session=parse_session(single),
    )


def _lex(raw: str) -> list[_Tok]:
    s = normalize(raw)
    n = len(s)
    toks: list[_Tok] = []
    i = 0
    while i < n:
        c = s[i]
        if c == " ":
            i += 1
            continue
        if c == "|":
            toks.append(_Tok("or"))
            i += 1
            continue
        negated = False
        if c == "-" and i + 1 < n and s[i + 1] not in " |":
            negated = True
            i += 1
            c = s[i]
        if c == '"':
            j = s.find('"', i + 1)
            if j < 0:
                raise _Malformed
            toks.append(_Tok("term", s[i + 1 : j], quoted=True, negated=negated))
            i = j + 1
            continue
        if c == _OPEN_CURLY:
            j = s.find(_CLOSE_CURLY, i + 1)
            if j > i + 1:
                toks.append(_Tok("term", s[i + 1 : j], quoted=True, negated=negated))
                i = j + 1
                continue
        j = i
        while j < n and s[j] not in ' |"':
            j += 1
        if not negated and unicodedata.normalize("NFKC", raw[i:j]) == "OR":
            toks.append(_Tok("or"))
        else:
            toks.append(_Tok("term", s[i:j], negated=negated))
        i = j
    return toks


def _group(toks: list[_Tok]) -> tuple[tuple[tuple[Term, ...], ...], tuple[Term, ...]]:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    last_was_positive = False
    for tok in toks:
        if tok.kind == "or":
            if pending_or or not last_was_positive:
                raise _Malformed
            pending_or = True
            continue
        text = compact(tok.text)
        if tok.negated:
            if pending_or:
                raise _Malformed
            if text:
                excluded.append(Term(text, tok.quoted))
            last_was_positive = False
            continue
        if not text:  # an empty phrase "" counts as nothing
            if pending_or:
                raise _Malformed
            continue
        term = Term(text, tok.quoted)
        if pending_or:
            if term not in groups[-1]:
                groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
        last_was_positive = True
    if pending_or or (not groups and not excluded and toks):
        raise _Malformed
    unique = _dedupe(tuple(g) for g in groups)
    return tuple(unique), tuple(_dedupe(excluded))


def _dedupe(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _cap_terms(notices: tuple[str, ...], terms: list[Term]) -> tuple[tuple[str, ...], list]:
    if len(terms) > MAX_TERMS:
        return (*notices, NOTICE_TOO_MANY), terms[:MAX_TERMS]
    return notices, terms


def _cap_groups(groups, excluded):
    budget = MAX_TERMS
    kept: list[tuple[Term, ...]] = []
    for group in groups:
        if budget <= 0:
            break
        kept.append(group[:budget])
        budget -= len(kept[-1])
    return tuple(kept), tuple(excluded[: max(budget, 0)])


# --------------------------------------------------------------------------------------------
# number and session hints

_CN_NUM = "〇零一二两三四五六七八九十百"
_SESSION_RE = re.compile(
    rf"^(?:第)?([{_CN_NUM}\d]{{1,4}})届(?:第)?([{_CN_NUM}\d]{{1,3}})次(?:会议|全会|全体会议)?$"
)


def parse_session(text: str) -> tuple[int, int] | None:
    """``十五届三次`` / ``第十五届第三次会议`` → (15, 3); anything else → None."""
    match = _SESSION_RE.match(text)
    if not match:
        return None
    term, session = to_int(match.group(1)), to_int(match.group(2))
    if not term or not session:
        return None
    return term, session


def normalized_query(parsed: ParsedQuery) -> str:
    """A canonical text of the query (cache keys, the zero-result log)."""
    parts = [" OR ".join(t.text for t in group) for group in parsed.groups]
    parts += [f"-{t.text}" for t in parsed.excluded]
    return " ".join(parts)[:300]
