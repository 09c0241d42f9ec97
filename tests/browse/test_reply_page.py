"""The reply page: metadata, TOC anchors, hits, escaping, siblings, related, download."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from replies.browse import body_blocks, permalink
from replies.models import Department, DocKind, ReplySection, Sector

pytestmark = pytest.mark.django_db

BODY = "\n".join(
    [
        "您提出的关于加装电梯的提案收悉，现答复如下：",
        "一、加快审批流程",
        "我们简化了加装电梯的审批。",
        "二、完善资金补贴。补贴标准已经提高。",
        "三、 加强 后续管理",
        "电梯维保由物业负责。",
    ]
)


def with_sections(reply, headings):
    ReplySection.objects.bulk_create(
        ReplySection(reply=reply, order=i, number=i + 1, heading=h) for i, h in enumerate(headings)
    )
    return reply


def test_toc_anchors_point_at_section_headings(client, make_reply):
    reply = with_sections(make_reply(body=BODY), ["加快审批流程", "完善资金补贴", "加强后续管理"])
    html = client.get(permalink(reply)).content.decode()
    toc = re.findall(r'<a href="#(section-\d)">([^<]+)</a>', html)
    assert toc == [
        ("section-1", "一、加快审批流程"),
        ("section-2", "二、完善资金补贴"),
        ("section-3", "三、加强后续管理"),
    ]
    for anchor, _ in toc:
        assert f'<h3 id="{anchor}">' in html
    # a run-in heading keeps its text as a paragraph
    assert "<p>补贴标准已经提高。</p>" in html


def test_body_blocks_without_sections_are_paragraphs():
    blocks, toc, hits = body_blocks("第一段\n\n第二段", [], [])
    assert [b.kind for b in blocks] == ["paragraph", "paragraph"] and toc == [] and hits == 0


def test_query_hits_are_marked_with_a_jump_link(client, make_reply):
    reply = with_sections(make_reply(body=BODY), ["加快审批流程", "完善资金补贴", "加强后续管理"])
    html = client.get(permalink(reply), {"q": "电梯"}).content.decode()
    assert html.count("<mark") == 3
    assert '<mark id="first-hit">电梯</mark>' in html
    assert 'href="#first-hit"' in html
    assert "共有 3 处匹配" in html
    plain = client.get(permalink(reply)).content.decode()
    assert "<mark" not in plain


def test_document_text_is_escaped(client, make_reply):
    reply = make_reply(
        title="<script>alert(1)</script>答复",
        proposal_title="<b>粗体</b>",
        body="<script>alert(2)</script>\n<img src=x onerror=alert(3)>",
    )
    for q in ("", "script", "<img"):
        html = client.get(permalink(reply), {"q": q} if q else {}).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>粗体" not in html
        assert "&lt;script&gt;" in html
    listing = client.get("/", {"q": "script"}).content.decode()
    assert "<script>alert" not in listing and "&lt;" in listing


def test_metadata_table(client, make_reply):
    sector = Sector.objects.create(name="台胞台属")
    co = Department.match_or_create("测试市财政局")
    reply = make_reply(
        number="005",
        proposer="台胞台属界别",
        sector=sector,
        proposal_title="关于以科技创新引领高质量发展的相关建议",
        result_label="解决或采纳",
        result_class="A",
        signer="詹镭",
        contact_name="王建涛",
        contact_phone="52388272",
        contact_address="安西路35号",
        postcode="200050",
    )
    reply.co_departments.add(co)
    html = client.get(permalink(reply)).content.decode()
    for text in [
        "测试市政协",
        "第五届第二次会议",
        "第005号",
        "台胞台属界别",
        reverse("replies:sector", args=["台胞台属"]),
        "解决或采纳",
        "A类（解决或采纳）",
        "测试市教育局",
        "测试市财政局",
        "詹镭",
        "2024年5月1日",
        "公开发布",
        "王建涛",
        "52388272",
        "安西路35号",
        "200050",
    ]:
        assert text in html, text


def test_siblings_and_related(client, make_reply):
    sector = Sector.objects.create(name="经济")
    lead = make_reply(number="011", number_int=11, sector=sector)
    co = make_reply(
        number="011",
        number_int=11,
        doc_kind=DocKind.CO_OPINION,
        department=Department.match_or_create("测试市商务委员会"),
        sector=sector,
    )
    other = make_reply(number="012", number_int=12, sector=sector, proposal_title="另一件提案")
    html = client.get(permalink(lead)).content.decode()
    siblings = html.split('id="siblings-title"')[1].split("</section>")[0]
    assert permalink(co) in siblings and "测试市商务委员会的会办意见" in siblings
    related = html.split('id="related-title"')[1].split("</section>")[0]
    assert "另一件提案" in related and permalink(other) in related
    assert permalink(co) not in related


def test_sample_badge_and_download(client, make_reply):
    reply = make_reply(is_sample=True, source_format="pdf")
    html = client.get(permalink(reply)).content.decode()
    assert "示例数据" in html and "下载原始文件" not in html
    reply.source_file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    html = client.get(permalink(reply)).content.decode()
    assert f'href="/replies/{reply.pk}/source/"' in html and "（PDF）" in html
    assert client.get(f"/replies/{reply.pk}/source/").status_code == 200
