"""History people can read, and the review queue."""

from __future__ import annotations

import zoneinfo

from django.urls import reverse

from replies import actions
from replies.ingest.batch import ingest_paths
from replies.models import Reply, Status
from tests.ingest.render import to_clean_text
from tests.ingest.specs import DISTRICT


def test_a_version_page_shows_who_when_and_what_changed_after(make_reply, admin_client, admin_user):
    reply = make_reply(title="原标题<b>", status=Status.DRAFT)
    reply.title = "新标题"
    actions.edit(reply, admin_user)
    first = reply.versions.get()
    reply.proposer = "经济界别"
    actions.edit(reply, admin_user)
    page = admin_client.get(reverse("admin:replies_replyversion_change", args=[first.pk]))
    html = page.content.decode()
    shanghai = first.created_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert f"{shanghai:%H:%M}" in html and admin_user.username in html
    # Against the next version: only the title changed, escaped.
    assert "<del>原标题&lt;b&gt;</del>" in html and "<ins>新标题</ins>" in html
    assert "经济界别" not in html
    assert reverse("admin:replies_replyversion_restore", args=[first.pk]) in html
    # The newest version is compared with the reply as it is now; the inline names the fields.
    change = admin_client.get(reverse("admin:replies_reply_change", args=[reply.pk]))
    assert "之后改动的字段" in change.content.decode() and "提案人" in change.content.decode()


def test_the_review_queue(make_reply, admin_client):
    warned = make_reply(title="有提示的答复", warnings=["缺少联系人"])
    flagged = make_reply(title="需要核对的答复", status=Status.DRAFT, needs_review=True)
    draft = make_reply(title="草稿答复", status=Status.DRAFT)
    done = make_reply(title="已发布无提示")
    url = reverse("admin:replies_reply_changelist")

    def listed(queue: str) -> set[int]:
        return {r.pk for r in admin_client.get(url, {"queue": queue}).context["cl"].result_list}

    assert listed("warnings") == {warned.pk}
    assert listed("review") == {flagged.pk}
    assert listed("draft") == {flagged.pk, draft.pk}
    assert listed("any") == {warned.pk, flagged.pk, draft.pk}
    html = admin_client.get(url).content.decode()
    assert "1 条提示" in html and "需要核对、草稿" in html and done.title in html
    page = admin_client.get(reverse("admin:replies_reply_change", args=[warned.pk]))
    assert '<ul class="reply-warnings"><li>缺少联系人</li></ul>' in page.content.decode()


def test_reparse_from_source_shows_the_difference_and_applies_on_confirmation(
    db, tmp_path, settings, admin_client
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "district.txt"
    path.write_bytes(to_clean_text(DISTRICT).encode())
    ingest_paths([path])
    reply = Reply.objects.get()
    stored_file = reply.source_file.name
    reply.title, reply.signer = "手工改错的标题", "某某"
    reply.save()
    change = admin_client.get(reverse("admin:replies_reply_change", args=[reply.pk]))
    url = reverse("admin:replies_reply_reparse", args=[reply.pk])
    assert url in change.content.decode()
    page = admin_client.get(url)
    diff = {c.label: (c.old, c.new) for c in page.context["diff"]}
    assert diff == {
        "标题": ("手工改错的标题", "对静安区政协第十四届三次会议第027号提案的答复"),
        "签发人": ("某某", "林某某"),
    }
    assert Reply.objects.get().title == "手工改错的标题"
    assert admin_client.post(url).status_code == 302
    reply.refresh_from_db()
    assert reply.title == "对静安区政协第十四届三次会议第027号提案的答复"
    assert reply.versions.get().reason == "重新解析原始文件前"
    assert reply.source_file.name == stored_file  # the same file, not a copy
