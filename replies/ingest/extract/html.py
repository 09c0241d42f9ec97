"""Government web pages: the reply's text, title and metadata table without the site's chrome."""

from __future__ import annotations

import re
from typing import Any

from replies.ingest.extract.base import (
    DEFAULT_TIMEOUT,
    Extracted,
    ExtractionError,
    Line,
    run_parser,
)
from replies.ingest.extract.encodings import decode_text
from replies.ingest.title import title_like
from replies.ingest.width import flat, fold

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_LABELS = (
    "索引号", "主题分类", "发布机构", "发文机关", "成文日期", "发文日期", "文号", "发文字号",
    "发布日期", "公开方式", "公开范围", "公开时限", "信息来源", "生成日期", "有效性", "标题",
)  # fmt: skip
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "frame", "object", "embed",
    "svg", "math", "canvas", "form", "button", "select", "textarea", "input", "head",
    "nav", "audio", "video", "applet", "link", "meta",
)  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tr",
    "tbody", "thead", "section", "article", "blockquote", "pre", "center", "dd", "dt",
    "dl", "header", "footer", "main", "aside", "address", "figure", "figcaption", "hr",
}  # fmt: skip
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])", re.I
)
# Markup that survived as text (double-escaped pages): whole script/style elements, and
# tags carrying event handlers or javascript: URLs. A lone "<script>" mentioned in prose
# is the document's own text and stays.
_MARKUP = re.compile(
    r"<\s*(script|style|iframe|object|embed|svg)\b[^>]*>.*?<\s*/\s*\1\s*>"
    r"|<\s*/?\s*[A-Za-z][\w:-]*\b[^<>]*?(?:\son\w+\s*=|javascript:|data:text/html)[^<>]*>",
    re.I | re.S,
)
# An internal DTD subset (<!DOCTYPE html [ … ]>) or an entity declaration: no real page has
# one, and it is how entity-expansion bombs ("billion laughs") are built.
_DTD_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[|<!ENTITY\b", re.I)
DTD_IN_PAGE = "网页含有 DTD/实体声明（<!ENTITY …>），疑似 XML 炸弹，已拒收"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def extract_html(data: bytes, timeout: float = DEFAULT_TIMEOUT) -> Extracted:
    """A government web page, read under the same time limit as PDF and Word files."""
    return run_parser(_extract_html, data, timeout, "网页")


def _extract_html(data: bytes) -> Extracted:
    """A government information-disclosure page: the reply's content, title and metadata.

    Site chrome (navigation, scripts, share links, footer) is dropped by choosing the
    element that holds most of the page's paragraph text; hidden elements and anything
    that still looks like markup are removed, so no field can carry HTML or script.
    """
    from bs4 import BeautifulSoup, Comment

    m = _META_CHARSET.search(data[:8192])
    text, encoding = decode_text(data, declared=m.group(1).decode("ascii", "ignore") if m else None)
    if _DTD_SUBSET.search(text):
        raise ExtractionError(DTD_IN_PAGE)
    soup = BeautifulSoup(text, "lxml")
    warnings: list[str] = []
    meta: dict[str, str] = {}
    head_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all("meta"):
        if (tag.get("name") or "").lower() in ("articletitle", "title") and tag.get("content"):
            meta.setdefault("ArticleTitle", _strip_markup(tag["content"]).strip())
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    hidden_classes, hidden_ids = _css_hidden(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if (
            tag.has_attr("hidden")
            or (tag.get("aria-hidden") or "").lower() == "true"
            or _HIDDEN_STYLE.search(tag.get("style") or "")
            or (tag.get("id") or "") in hidden_ids
            or hidden_classes.intersection(tag.get("class") or ())
        ):
            tag.decompose()
    meta.update(_html_meta_table(soup))
    title = _page_heading(soup)
    container = _main_container(soup)
    if container is None:
        raise ExtractionError("网页中找不到正文内容")
    lines = _html_lines(container)
    head = _flat("".join(line.text for line in lines[:8]))
    if title and _flat(title) not in head:
        lines.insert(0, Line(title, align="center"))
    elif not title and (meta.get("ArticleTitle") or head_title):
        meta.setdefault("page_title", meta.get("ArticleTitle") or head_title)
    cleaned: list[Line] = []
    for line in lines:
        stripped = _strip_markup(line.text)
        if stripped != line.text:
            if "网页正文中含有脚本或带事件属性的标记文本，已删除" not in warnings:
                warnings.append("网页正文中含有脚本或带事件属性的标记文本，已删除")
            line.text = stripped
        if line.text.strip():
            cleaned.append(line)
    return Extracted(
        "html", cleaned, wrapped=False, meta=meta, encoding=encoding, warnings=warnings
    )


_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^[A-Za-z0-9]*([.#])([A-Za-z0-9_-]+)$")


def _page_heading(soup: Any) -> str:
    """The page's heading that reads as a reply's title (not the site's logo <h1>)."""
    headings = [_clean_ws(h.get_text(" ", strip=True)) for h in soup.find_all(["h1", "h2"])]
    for text in headings:
        if title_like(fold(flat(text))):
            return text
    return ""


def _css_hidden(soup: Any) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own stylesheets hide (display:none …)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in soup.find_all("style"):
        for selectors, body in _CSS_RULE.findall(style.get_text()):
            if not _HIDDEN_STYLE.search(body):
                continue
            for selector in selectors.split(","):
                m = _SIMPLE_SELECTOR.match(selector.strip())
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2))
    return classes, ids


def _strip_markup(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _MARKUP.sub("", text)
    return text


def _flat(text: str) -> str:
    return "".join(text.split())


def _clean_ws(text: str) -> str:
    return re.sub(r"[ \t\r\n\xa0]+", " ", text).strip()


def _html_meta_table(soup: Any) -> dict[str, str]:
    """Read label/value pairs such as 索引号：… from cells or 'label：value' snippets."""
    found: dict[str, str] = {}
    label_re = re.compile(r"^\s*({})\s*[：:]?\s*$".format("|".join(_META_LABELS)))
    inline_re = re.compile(r"({})\s*[：:]\s*([^\s：:]+)".format("|".join(_META_LABELS)))
    for cell in soup.find_all(["th", "td", "span", "li", "dt", "label", "b", "strong", "em"]):
        text = cell.get_text(" ", strip=True)
        m = label_re.match(flat(text))  # labels are often spaced out: 标　　题, 索 引 号
        if m:
            nxt = cell.find_next_sibling(["td", "th", "span", "dd", "em", "div"])
            if nxt is not None:
                value = _clean_ws(nxt.get_text(" ", strip=True))
                if value and not label_re.match(value):
                    found.setdefault(m.group(1), value)
        elif len(text) < 80:
            for m2 in inline_re.finditer(text):
                found.setdefault(m2.group(1), m2.group(2))
    return found


def _main_container(soup: Any) -> Any:
    """The element whose own paragraphs hold the most Chinese text (readability-style)."""
    scores: dict[int, float] = {}
    nodes: dict[int, Any] = {}
    for piece in soup.find_all(string=True):
        text = str(piece)
        n = len(_CJK.findall(text))
        if not n:
            continue
        parent = piece.parent
        # Climb out of inline wrappers to the paragraph-like element.
        while (
            parent is not None
            and parent.name not in _BLOCK_TAGS
            and parent.name
            not in (
                "td",
                "th",
                "body",
                "html",
                "[document]",
            )
        ):
            parent = parent.parent
        if parent is None:
            continue
        if parent.name in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt"):
            container = parent.parent
        else:
            container = parent
        if container is None:
            continue
        link_penalty = 0.2 if piece.find_parent("a") is not None else 1.0
        for depth, node in enumerate([container, container.parent]):
            if node is None or node.name in ("[document]",):
                break
            scores[id(node)] = scores.get(id(node), 0.0) + n * link_penalty / (1 + depth * 2)
            nodes[id(node)] = node
    if not scores:
        return None
    return nodes[max(scores, key=scores.__getitem__)]


def _html_lines(container: Any) -> list[Line]:
    """Split an element's text into lines at block elements and <br>."""
    from bs4 import NavigableString, Tag

    lines: list[Line] = []
    current: list[str] = []
    state = {"align": None}

    def flush() -> None:
        text = "".join(current).replace("\xa0", " ")
        current.clear()
        lead = len(text) - len(text.lstrip(" \u3000\t\n"))
        text = re.sub(r"[ \t\r\n]+", " ", text).strip(" \t\r\n")
        if text.strip(" \u3000"):
            align = state["align"]
            if align is None and lead >= 12:
                align = "right"
            lines.append(Line(text.strip(" \u3000"), align=align))

    def align_of(tag: Tag) -> str | None:
        style = (tag.get("style") or "").replace(" ", "").lower()
        value = (tag.get("align") or "").lower()
        for key in ("center", "right"):
            if f"text-align:{key}" in style or value == key or tag.name == "center":
                return "center" if tag.name == "center" else key
        return None

    def walk(root: Any) -> None:
        # Iterative, so deeply nested pages cannot exhaust the stack.
        stack: list[Any] = [("enter", child) for child in reversed(list(root.children))]
        while stack:
            action, node = stack.pop()
            if action == "exit":
                flush()
                state["align"] = node
                continue
            if action == "text":
                current.append(node)
                continue
            if isinstance(node, NavigableString):
                current.append(str(node))
            elif isinstance(node, Tag):
                children = [("enter", c) for c in reversed(list(node.children))]
                if node.name == "br":
                    flush()
                elif node.name in ("td", "th"):
                    current.append("\u3000")
                    stack.append(("text", "\u3000"))
                    stack.extend(children)
                elif node.name in _BLOCK_TAGS:
                    flush()
                    stack.append(("exit", state["align"]))
                    state["align"] = align_of(node) or state["align"]
                    stack.extend(children)
                else:
                    stack.extend(children)

    state["align"] = align_of(container)
    walk(container)
    flush()
    return lines
