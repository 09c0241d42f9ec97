"""replies.actions: the writes with side effects, each keeping a version with its reason."""

from __future__ import annotations

import dataclasses

import pytest

from replies import actions
from replies.ingest.batch import ingest_paths
from replies.models import Reply, ReplyVersion, Status
from tests.ingest.render import to_clean_text, to_docx
from tests.ingest.specs import DISTRICT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_publish_and_unpublish_keep_a_version_each_and_skip_flagged(make_reply, admin_user):
    draft = make_reply(status=Status.DRAFT)
    flagged = make_reply(status=Status.DRAFT, needs_review=True)
    assert actions.publish(Reply.objects.filter(pk__in=[draft.pk, flagged.pk]), admin_user) == (
        1,
        1,
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    [version] = draft.versions.all()
    assert version.created_by == admin_user and version.data["status"] == Status.DRAFT
    assert "已发布" in version.reason
    assert actions.unpublish([draft], admin_user) == (1, 0)
    assert draft.versions.count() == 2
    assert not flagged.versions.exists()


def test_edit_keeps_the_stored_state(make_reply, admin_user):
    reply = make_reply(title="原标题")
    reply.title = "新标题"
    actions.edit(reply, admin_user)
    [version] = reply.versions.all()
    assert version.data["title"] == "原标题" and version.reason == "后台编辑前"
    assert Reply.objects.get(pk=reply.pk).title == "新标题"


def test_update_of_a_sample_reply_keeps_its_sample_flag(db, tmp_path):
    first = tmp_path / "district.txt"
    first.write_bytes(to_clean_text(DISTRICT).encode())
    ingest_paths([first], publish=True, sample=True)
    changed = dataclasses.replace(DISTRICT, paragraphs=[*DISTRICT.paragraphs[:-1], "特此答复。"])
    second = tmp_path / "district.docx"
    second.write_bytes(to_docx(changed))
    assert ingest_paths([second], update=True).updated == 1
    reply = Reply.objects.get()
    assert reply.is_sample and reply.body.endswith("特此答复。")
    assert ReplyVersion.objects.get(reply=reply).reason == "导入新文件 district.docx 前的版本"
