"""Strip what a web page adds around a reply when its text is copied or saved.

Text copied from a government site still carries the site's chrome: a line such as
``发布时间:… 信息来源:… 文字大小:[大 中 小] 背景色``, ``作者: 来自: 时间:``, breadcrumbs, share
and print buttons, visit counters, 上一篇/下一篇 links and the ICP footer. Such lines are dropped
before parsing; the page's own metadata (标题, 发布时间, 信息来源, 索引号, 发布机构 …) is kept in
the returned mapping, so a title printed only in a metadata table can still be read.
"""

from __future__ import annotations

import re

from replies.ingest.width import fold

#: Metadata labels of disclosure pages and article headers, kept as page metadata.
META_LABELS = (
    "标题", "索引号", "主题分类", "发布机构", "发文机关", "成文日期", "发文日期", "文号",
    "发文字号", "发布日期", "发布时间", "信息来源", "来源", "作者", "来自", "时间", "公开方式",
    "公开范围", "公开时限", "生成日期", "有效性", "浏览次数", "点击数", "阅读次数", "访问量",
    "主题词", "所属机构", "信息分类", "编制单位",
)  # fmt: skip
_META = re.compile(
    r"(?:^|(?<=[\s|｜丨【\[]))(?P<label>{})\s*[：]".format(
        "|".join(sorted(META_LABELS, key=len, reverse=True))
    )
)
#: Words that only a page's chrome prints.
_CHROME_WORDS = re.compile(
    r"文字大小|字体[：]?\s*[【\[]?\s*大|[【\[]\s*大\s*中\s*小\s*[】\]]|背景色|打印本页|关闭窗口"
    r"|打印本文|关闭本页|分享到|扫一扫在手机|在手机上?打开|收藏本页|加入收藏|设为首页|网站地图"
    r"|当前位置|您的位置|你的位置|您现在的位置|^首页\s*[>＞›»]|[>＞›»]\s*正文$"
    r"|ICP备|网站标识码|公网安备|技术支持[：]|版权所有|主办单位[：].*(?:承办|维护|政府)"
    r"|^上一篇|^下一篇|^【?\s*(?:打印|关闭|返回顶部|纠错)\s*】?$|(?:浏览次数|阅读次数|访问量|点击数)："
    r"|^(?:微信|微博|QQ空间|QQ好友|豆瓣)(?:\s+(?:微信|微博|QQ空间|QQ好友|豆瓣))+$"
)
_BREADCRUMB = re.compile(r"^[^。，；：]{1,12}(?:\s*[>＞›»]\s*[^。，；：>＞›»]{1,20}){2,}$")


def is_chrome(text: str) -> bool:
    """True for a line that belongs to the page, not to the reply."""
    line = fold(text).strip()
    if not line or len(line) > 200 or line[-1] in "。！？；":
        return False
    if _CHROME_WORDS.search(line) or _BREADCRUMB.match(line):
        return True
    labels = list(_META.finditer(line))
    if len(labels) >= 2:
        return True
    return bool(labels) and labels[0].group("label") in _PAGE_ONLY and labels[0].start() == 0


#: Labels that on their own line mark page metadata (not a reply's header or footer).
_PAGE_ONLY = {
    "标题", "索引号", "主题分类", "发布机构", "发文机关", "发布日期", "发布时间", "信息来源",
    "来源", "作者", "来自", "浏览次数", "点击数", "阅读次数", "访问量", "主题词", "所属机构",
    "信息分类", "生成日期", "有效性", "编制单位",
}  # fmt: skip


def page_meta(text: str) -> dict[str, str]:
    """The label → value pairs a chrome line carries (索引号:…||标题:…||)."""
    found: dict[str, str] = {}
    labels = list(_META.finditer(fold(text)))
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        # Folding keeps positions: the value's span is the same in the printed text.
        value = re.split(r"[|｜丨【\[\u3000]|\s{2,}", text[m.end() : end].strip())[0]
        value = value.strip().strip("|｜丨:：").strip()
        if value:
            found.setdefault(m.group("label"), value)
    return found
