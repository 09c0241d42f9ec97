"""Mark query hits in original text, HTML-safe.

A hit is a literal occurrence of a term in the text after the same normalisation the index
uses (繁體 matches 繁体, ＡＩ matches ai) with whitespace ignored, so a hit may span a line break
left by extraction. Normalisation keeps offsets, so the original characters are marked. The
text is always escaped piece by piece and only ``<mark>`` tags are added around escaped
pieces: nothing from a document can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from replies.search.tokenize import compact, normalize

SNIPPET_BEFORE = 30
SNIPPET_AFTER = 70

Span = tuple[int, int]
_SPACES = re.compile(r"\s+")


def find_spans(text: str, terms: Iterable[str]) -> list[Span]:
    """Sorted, merged ``(start, end)`` spans of ``text`` where any term occurs."""
    wanted = sorted({t for t in (compact(term) for term in terms) if t}, key=len, reverse=True)
    if not wanted or not text:
        return []
    norm = normalize(text)
    keep = [i for i, ch in enumerate(norm) if ch != " "]
    flat = "".join(norm[i] for i in keep)
    spans: list[Span] = []
    for term in wanted:
        at = flat.find(term)
        while at >= 0:
            spans.append((keep[at], keep[at + len(term) - 1] + 1))
            at = flat.find(term, at + 1)
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[Span], first_id: str | None = None, squash=False) -> str:
    def piece(s: str) -> str:
        return escape(_SPACES.sub(" ", s) if squash else s)

    out, last = [], 0
    for k, (start, end) in enumerate(spans):
        attr = f' id="{escape(first_id)}"' if first_id and k == 0 else ""
        out += [piece(text[last:start]), f"<mark{attr}>", piece(text[start:end]), "</mark>"]
        last = end
    out.append(piece(text[last:]))
    return "".join(out)


def mark(text: str, terms: Iterable[str], first_id: str | None = None) -> tuple[SafeString, int]:
    """``text`` escaped with every hit in ``<mark>`` (the first one with ``id=first_id``).

    Returns the HTML and the number of hits.
    """
    spans = find_spans(text, terms)
    return mark_safe(_render(text, spans, first_id)), len(spans)  # pieces escaped in _render


def mark_lines(text: str, terms: Iterable[str], first_id: str | None = None) -> list[SafeString]:
    """The lines of ``text`` (paragraphs of a body), each escaped and marked.

    Hits are found in the whole text, so one that runs over a line break is marked on both
    lines; only the first hit of the text gets ``first_id``.
    """
    spans = find_spans(text, terms)
    out: list[SafeString] = []
    offset = 0
    first_pending = first_id
    for line in text.split("\n"):
        end = offset + len(line)
        local = [(max(s, offset) - offset, min(e, end) - offset) for s, e in spans]
        local = [(s, e) for s, e in local if s < e]
        html = _render(line, local, first_pending if local else None)
        if local:
            first_pending = None
        out.append(mark_safe(html))  # pieces escaped in _render
        offset = end + 1
    return out


def snippets(
    text: str,
    terms: Iterable[str],
    limit: int = 2,
    before: int = SNIPPET_BEFORE,
    after: int = SNIPPET_AFTER,
) -> list[SafeString]:
    """Up to ``limit`` excerpts of ``text`` around hits, whitespace squashed, hits marked."""
    spans = find_spans(text, terms)
    found: list[SafeString] = []
    k = 0
    while k < len(spans) and len(found) < limit:
        start = max(0, spans[k][0] - before)
        end = min(len(text), spans[k][1] + after)
        inside = []
        while k < len(spans) and spans[k][0] < end:
            end = max(end, spans[k][1])
            inside.append((spans[k][0] - start, spans[k][1] - start))
            k += 1
        html = _render(text[start:end], inside, squash=True)
        prefix = "…" if start else ""
        suffix = "…" if end < len(text) else ""
        found.append(mark_safe(prefix + html + suffix))  # pieces escaped in _render
    return found
