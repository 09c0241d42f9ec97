"""Replies lacking a title, council, term, session or number: flagged drafts, never published."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from replies.ingest.batch import ingest_paths
from replies.ingest.parsed import ParsedReply
from replies.models import UNTITLED, Reply, Status
from replies.search import search
from replies.search.index import index_replies
from tests.ingest.render import to_clean_text
from tests.ingest.specs import DISTRICT

#: DISTRICT without its two title lines: an opening (…收悉…) and a signature, but no title.
_LINES = to_clean_text(DISTRICT).split("\n")
NO_TITLE = "\n".join(_LINES[2:])
#: A title without council, session or 第N号.
NO_NUMBER = "关于推进社区商业网点建设提案的答复\n" + NO_TITLE
#: A title with council and session but no 第N号.
SESSION_ONLY = "对静安区政协第十四届三次会议提案的答复\n" + NO_TITLE


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_needs_review_follows_the_core_fields_and_the_parser_reasons():
    full = ParsedReply(title="答复", council="静安区政协", term=14, session=3, number="027")
    assert not full.needs_review and full.review_reasons == []
    full.needs_review_reasons.append("标题读自网页元数据")
    assert full.needs_review and full.review_reasons == ["标题读自网页元数据"]
    bare = ParsedReply(council="静安区政协", term=14, session=3)
    assert bare.needs_review and bare.review_reasons == ["缺少标题、提案号"]


def test_a_reply_without_title_is_saved_as_a_flagged_draft_with_its_other_fields(db, tmp_path):
    summary = ingest_paths([write(tmp_path, "untitled.txt", NO_TITLE)])
    assert (summary.created, summary.rejected, summary.needs_review) == (1, [], 1)
    assert "需要核对" in summary.results[0].reason
    reply = Reply.objects.get()
    assert reply.needs_review and reply.status == Status.DRAFT
    assert reply.title == "" and reply.session is None and reply.number == ""
    assert reply.department.name == "静安区商务委员会"
    assert reply.proposal_title == "关于推进“十五分钟社区生活圈”商业网点建设的建议"
    assert reply.sections.first().heading == "优化社区商业网点布局"
    assert reply.reply_date.isoformat() == "2024-05-08"
    assert str(reply) == reply.proposal_title


def test_a_reply_without_number_is_saved_as_a_flagged_draft(db, tmp_path):
    ingest_paths([write(tmp_path, "a.txt", NO_NUMBER), write(tmp_path, "b.txt", SESSION_ONLY)])
    first, second = Reply.objects.order_by("source_name")
    assert first.title == "关于推进社区商业网点建设提案的答复" and first.needs_review
    assert (second.session.term, second.session.number, second.number) == (14, 3, "")
    assert second.needs_review and second.status == Status.DRAFT


def test_untitled_drafts_do_not_conflict_with_each_other(db, tmp_path):
    other = NO_TITLE.replace("新增便民早餐点26个", "新增便民早餐点30个")
    summary = ingest_paths([write(tmp_path, "a.txt", NO_TITLE), write(tmp_path, "b.txt", other)])
    assert (summary.created, summary.conflicts) == (2, 0)
    again = ingest_paths([tmp_path / "a.txt"])
    assert again.skipped == 1 and Reply.objects.count() == 2


def test_publish_leaves_flagged_replies_drafts_with_a_warning(db, tmp_path, capsys):
    write(tmp_path, "untitled.txt", NO_TITLE)
    write(tmp_path, "district.txt", to_clean_text(DISTRICT))
    call_command("ingest", str(tmp_path), "--publish", "--jobs", "1")
    captured = capsys.readouterr()
    assert "untitled.txt: 需要核对（缺少标题" in captured.err and "未发布" in captured.err
    assert "需要核对 1" in captured.out
    flagged = Reply.objects.get(source_name="untitled.txt")
    assert flagged.status == Status.DRAFT and flagged.needs_review
    assert Reply.objects.get(source_name="district.txt").status == Status.PUBLISHED


def test_flagged_replies_are_invisible_publicly(db, tmp_path, client):
    ingest_paths([write(tmp_path, "untitled.txt", NO_TITLE)], publish=True)
    reply = Reply.objects.get()
    index_replies([reply.pk])
    assert "商业网点" not in client.get("/").content.decode()
    assert client.get(f"/replies/{reply.pk}/").status_code == 404
    assert client.get(f"/api/replies/{reply.pk}/").status_code == 404
    assert client.get("/api/replies/").json()["count"] == 0
    assert "共 <strong>0</strong> 件答复" in client.get("/", {"q": "便民早餐点"}).content.decode()
    assert not search(None, "便民早餐点").queryset.exists()


def test_the_database_refuses_to_publish_a_flagged_reply(db, tmp_path):
    ingest_paths([write(tmp_path, "untitled.txt", NO_TITLE)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.update(status=Status.PUBLISHED)


def test_admin_import_with_publish_keeps_a_flagged_draft(admin_client):
    url = reverse("admin:replies_reply_import")
    upload = SimpleUploadedFile("untitled.txt", NO_TITLE.encode())
    page = admin_client.post(url, {"document": upload})
    assert "需要核对：缺少标题" in page.content.decode()
    done = admin_client.post(url, {"token": page.context["token"], "publish": "1"}, follow=True)
    shown = [str(m) for m in done.context["messages"]]
    assert shown == [
        "untitled.txt：已导入；需要核对（缺少标题、政协、届、会议次数、提案号），已存为草稿，未发布。"
    ]
    reply = Reply.objects.get()
    assert reply.status == Status.DRAFT and reply.needs_review


def test_admin_filter_flag_and_publish_action(admin_client, tmp_path):
    ingest_paths([write(tmp_path, "untitled.txt", NO_TITLE)])
    reply = Reply.objects.get()
    changelist = reverse("admin:replies_reply_changelist")
    html = admin_client.get(changelist).content.decode()
    assert "需要核对" in html and "needs_review__exact" in html
    assert (
        reply.proposal_title
        in admin_client.get(changelist, {"needs_review__exact": "1"}).content.decode()
    )
    change = admin_client.get(reverse("admin:replies_reply_change", args=[reply.pk]))
    assert 'name="needs_review"' in change.content.decode()
    done = admin_client.post(
        changelist,
        {"action": "publish", "_selected_action": [reply.pk]},
        follow=True,
    )
    assert "需要核对，未发布" in done.content.decode()
    reply.refresh_from_db()
    assert reply.status == Status.DRAFT


def test_untitled_fallback():
    assert str(Reply()) == UNTITLED
    assert Reply(proposal_title="关于某事的提案").display_title == "关于某事的提案"
