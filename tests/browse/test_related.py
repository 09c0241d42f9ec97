"""Related replies come from the search index: shared distinctive words, not shared metadata."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from replies import search
from replies.browse import permalink
from replies.models import Department, Disclosure, DocKind, Reply, Sector, Status
from replies.search import related
from tests.browse.corpus import body_for

pytestmark = pytest.mark.django_db

ELEVATOR = "老旧小区加装电梯"
ELEVATOR_HEADINGS = [
    ("加快审批流程", "完善资金补贴"),
    ("简化加装电梯审批", "加强电梯维保"),
    ("推进楼道加装电梯", "协调低层住户"),
    ("完善资金补贴", "加强电梯维保"),
]
OTHER_TOPICS = [
    ("垃圾分类长效机制", ("完善收运体系", "加强宣传引导")),
    ("缓解停车难问题", ("挖掘停车资源", "推进错时共享")),
    ("中小学课后服务", ("丰富服务内容", "保障师资力量")),
    ("河道水环境治理", ("实施截污纳管", "开展生态修复")),
    ("非物质文化遗产保护", ("加强传承人培养", "推动活态传承")),
]


def page_related(client, reply: Reply) -> str:
    html = client.get(permalink(reply)).content.decode()
    if 'id="related-title"' not in html:
        return ""
    return html.split('id="related-title"')[1].split("</section>")[0]


@pytest.fixture
def topics(make_reply):
    """A reply about lift retrofits; three more in other departments and sectors; unrelated
    replies in the source's own department and sector; hidden lift replies; a sibling."""
    home_department = Department.match_or_create("测试市教育局")
    home_sector = Sector.objects.create(name="教育")
    others = [Department.match_or_create(f"测试市第{i}局") for i in range(3)]
    sectors = [Sector.objects.create(name=f"第{i}界别") for i in range(3)]

    def elevator(headings, **fields):
        return make_reply(
            proposal_title=f"关于推进{ELEVATOR}的建议",
            body=body_for(ELEVATOR, list(headings), fields["department"].name),
            **fields,
        )

    source = elevator(ELEVATOR_HEADINGS[0], department=home_department, sector=home_sector)
    same_topic = [
        elevator(headings, department=department, sector=sector)
        for headings, department, sector in zip(ELEVATOR_HEADINGS[1:], others, sectors, strict=True)
    ]
    unrelated = [
        make_reply(
            proposal_title=f"关于推进{topic}的建议",
            body=body_for(topic, list(headings), home_department.name),
            department=home_department,
            sector=home_sector,
        )
        for topic, headings in OTHER_TOPICS
    ]
    hidden = [
        elevator(ELEVATOR_HEADINGS[0], department=others[0], sector=home_sector, **state)
        for state in (
            {"status": Status.DRAFT, "title": "隐藏的草稿"},
            {"disclosure": Disclosure.WITHHELD, "title": "隐藏的不予公开答复"},
        )
    ]
    sibling = make_reply(
        session=source.session,
        number=source.number,
        number_int=source.number_int,
        doc_kind=DocKind.CO_OPINION,
        department=others[1],
        proposal_title=source.proposal_title,
        body=source.body,
    )
    return {
        "source": source,
        "same_topic": same_topic,
        "unrelated": unrelated,
        "hidden": hidden,
        "sibling": sibling,
    }


def test_same_topic_first_across_departments_and_sectors(topics):
    source = topics["source"]
    public = Reply.objects.public().exclude(pk=source.pk)
    found = search.related_replies(public, source, limit=5)
    same = {r.pk for r in topics["same_topic"]}
    assert {r.pk for r in found[:3]} == same, [r.proposal_title for r in found]
    assert all(r.pk not in same for r in found[3:])
    # the key terms are topic words, not the shared department or boilerplate
    terms = [t.text for t in related.top_terms(source)[0]]
    assert "加装电梯" in terms and "教育局" not in terms and "提案" not in terms


def test_related_on_the_page_and_never_hidden_or_siblings(client, topics):
    source = topics["source"]
    html = page_related(client, source)
    for reply in topics["same_topic"]:
        assert permalink(reply) in html
    for reply in [*topics["hidden"], topics["sibling"]]:
        assert permalink(reply) not in html and f"/replies/{reply.pk}/" not in html
    assert "隐藏" not in html
    # the sibling is listed where it belongs
    assert permalink(topics["sibling"]) in client.get(permalink(source)).content.decode()


def test_hidden_replies_are_not_in_the_index_nor_related(topics):
    hidden = {r.pk for r in topics["hidden"]}
    for reply in [topics["source"], *topics["same_topic"], *topics["unrelated"]]:
        assert hidden.isdisjoint(related.related_ids(reply, limit=20))
    assert not hidden & set(
        Reply.objects.filter(search_entry__isnull=False).values_list("pk", flat=True)
    )


def test_a_reply_made_hidden_leaves_the_related_lists(client, topics, make_reply):
    source, gone = topics["source"], topics["same_topic"][0]
    assert permalink(gone) in page_related(client, source)
    gone.status = Status.DRAFT
    gone.save()
    from replies.search.index import index_replies

    index_replies([gone.pk])  # as on commit
    assert permalink(gone) not in page_related(client, source)
    # even when the index lags behind, the page's own visibility filter keeps it out
    public = Reply.objects.public().exclude(pk=source.pk)
    assert gone not in search.related_replies(public, source)


def test_no_related_without_shared_words(client, make_reply):
    lonely = make_reply(proposal_title="关于推进口袋公园建设的建议", body="口袋公园。")
    for topic, (heading, _) in OTHER_TOPICS:
        make_reply(proposal_title=f"关于推进{topic}的建议", body=f"{heading}。")
    assert related.related_ids(lonely) == []
    assert 'id="related-title"' not in client.get(permalink(lonely)).content.decode()


def test_bounded_statements_whatever_the_corpus(topics, make_reply):
    source = topics["source"]
    with CaptureQueriesContext(connection) as few:
        related.related_ids(source)
    for i in range(40):
        topic, headings = OTHER_TOPICS[i % len(OTHER_TOPICS)]
        if i % 5 == 0:
            topic, headings = ELEVATOR, ("加快审批流程", "完善资金补贴")
        make_reply(
            proposal_title=f"关于{topic}第{i}批试点的建议",
            body=body_for(topic, list(headings), f"测试市第{i}局"),
        )
    with CaptureQueriesContext(connection) as many:
        ids = related.related_ids(source, limit=5)
    lifts = Reply.objects.filter(body__contains=ELEVATOR).values_list("pk", flat=True)
    assert 10 <= len(ids) <= 15 and set(ids[:10]) <= set(lifts)
    assert len(few) <= related.MAX_STATEMENTS and len(many) <= related.MAX_STATEMENTS
    # every gram look-up is limited; scores read the candidates by primary key
    for query in many.captured_queries:
        if "replies_search_grams(" in query["sql"]:
            assert "LIMIT" in query["sql"]
        elif "strpos(" in query["sql"]:
            assert "reply_id = ANY(" in query["sql"]


@pytest.fixture
def plans():
    """The plans of the gram statements as they run (same transaction, same settings)."""
    seen: list[str] = []
    busy = False

    def explain(execute, sql, params, many, context):
        nonlocal busy
        if not busy and ("replies_search_grams(" in sql or "words @@" in sql):
            busy = True
            try:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN " + sql, params)
                    seen.append("\n".join(row[0] for row in cursor.fetchall()))
            finally:
                busy = False
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain):
        yield seen


def test_grams_come_from_the_index_never_computed_row_by_row(make_reply, plans):
    """With statistics that call a word common, a LIMIT makes a sequential scan look cheap to
    the planner: it would compute the gram function row by row (seconds). Never."""
    replies = [
        make_reply(
            proposal_title=f"关于推进工作第{i}项的建议",
            body=f"推进工作，落实工作，加强工作。{'加装电梯。' if i % 5 == 0 else ''}",
        )
        for i in range(60)
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE replies_replysearch")
    assert related.related_ids(replies[0])
    assert plans
    for plan in plans:
        assert not scans_computing_grams(plan), plan
        assert "replysearch_text_grams" in plan and "replysearch_words" in plan


def scans_computing_grams(plan: str) -> list[str]:
    """The sequential scans of search rows in a text plan that test grams or words per row."""
    lines, found = plan.splitlines(), []
    for i, line in enumerate(lines):
        if "Seq Scan on replies_replysearch" not in line:
            continue
        depth = len(line) - len(line.lstrip())
        for detail in lines[i + 1 :]:
            if len(detail) - len(detail.lstrip()) <= depth or "->" in detail:
                break
            if "replies_search_grams(" in detail or "words @@" in detail:
                found.append(line.strip() + " " + detail.strip())
    return found


def test_the_scan_check_sees_grams_computed_row_by_row():
    plan = (
        "Aggregate\n  ->  Seq Scan on replies_replysearch  (cost=0.00..1.00 rows=1 width=0)\n"
        "        Filter: (replies_search_grams(text) @@ '工'::tsquery)"
    )
    assert scans_computing_grams(plan)
    assert not scans_computing_grams(plan.replace("replies_search_grams(text) @@", "id ="))


def test_key_terms_weigh_the_title_and_skip_numbers():
    terms = related.key_terms(
        "关于推进老旧小区加装电梯的建议", "2024年加装电梯120台，电梯运行良好。"
    )
    texts = [t.text for t in terms]
    assert texts[:2] == ["加装电梯", "老旧小区"] or texts[:2] == ["老旧小区", "加装电梯"]
    assert "2024" not in texts and "120" not in texts
    assert all(2 <= len(t) <= related.MAX_CHARS for t in texts)


def test_key_terms_ask_how_common_a_word_is_only_until_the_limit_is_reached():
    body = "，".join(f"第{n}项措施推进{word}" for n, word in enumerate("甲乙丙丁戊己庚辛壬癸" * 3))
    body += "。城市更新、老旧小区、加装电梯、养老服务、社区食堂、停车泊位、口袋公园。"
    asked: list[str] = []

    def common(term: str) -> bool:
        asked.append(term)
        return term in {"推进", "措施"}

    terms = related.key_terms("关于城市更新的建议", body, limit=4, common=common)
    every = related.key_terms("关于城市更新的建议", body, limit=100)
    expected = [t for t in every if t.text not in {"推进", "措施"}][:4]
    assert terms == expected and len(terms) == 4
    # Asked about the kept terms and the common ones ranked before the fourth, no others.
    assert len(asked) <= 4 + 2 and len(asked) < len(every)
