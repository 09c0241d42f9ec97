"""replies.actions: the writes with side effects, each keeping a version with its reason."""

from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from replies import actions
from replies.ingest.batch import ingest_paths
from replies.ingest.load import save_reply
from replies.ingest.parsed import ParsedReply
from replies.ingest.report import Outcome
from replies.models import Disclosure, Reply, ReplyVersion, Status
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


def staff(django_user_model, *codenames: str):
    """A staff user (not a superuser) holding the given replies permissions."""
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="replies", codename__in=codenames)
    )
    return django_user_model.objects.get(pk=user.pk)  # a fresh permission cache


def test_restore_keeps_the_current_publication_state(make_reply, admin_user):
    reply = make_reply(title="原标题", status=Status.PUBLISHED, disclosure=Disclosure.PUBLIC)
    version = reply.save_version("编辑前")
    reply.title, reply.status, reply.disclosure = "新标题", Status.DRAFT, Disclosure.WITHHELD
    reply.save()
    actions.restore(version, admin_user)
    reply.refresh_from_db()
    assert reply.title == "原标题"
    assert (reply.status, reply.disclosure) == (Status.DRAFT, Disclosure.WITHHELD)
    assert not reply.is_public
    # Only when a 审核 user asks for it does the old publication state come back.
    actions.restore(version, admin_user, publication=True)
    reply.refresh_from_db()
    assert (reply.status, reply.disclosure) == (Status.PUBLISHED, Disclosure.PUBLIC)


def test_restoring_the_publication_state_needs_the_publish_permission(
    make_reply, django_user_model
):
    reply = make_reply(status=Status.PUBLISHED)
    version = reply.save_version("编辑前")
    editor = staff(django_user_model, "change_reply", "view_reply")
    with pytest.raises(actions.Refused, match="审核"):
        actions.restore(version, editor, publication=True)


def test_restoring_a_taken_natural_key_says_why(make_reply, admin_client):
    reply = make_reply(number="001")
    version = reply.save_version("编辑前")
    reply.number = "002"
    reply.save()
    other = make_reply(number="001")
    with pytest.raises(actions.Refused, match=f"#{other.pk}"):
        actions.restore(version)
    url = reverse("admin:replies_replyversion_restore", args=[version.pk])
    page = admin_client.post(url)
    assert page.status_code == 200 and f"#{other.pk}" in page.content.decode()
    reply.refresh_from_db()
    assert reply.number == "002"


def test_the_restore_page_asks_first_and_keeps_publication(make_reply, admin_client):
    reply = make_reply(title="原标题", status=Status.PUBLISHED)
    version = reply.save_version("编辑前")
    actions.edit(reply)  # one more version, so the history has two entries
    reply.title, reply.disclosure = "新标题", Disclosure.WITHHELD
    reply.save()
    url = reverse("admin:replies_replyversion_restore", args=[version.pk])
    page = admin_client.get(url)
    assert "同时恢复该版本的发布状态和公开属性" in page.content.decode()
    assert Reply.objects.get(pk=reply.pk).title == "新标题"
    done = admin_client.post(url)
    assert done.status_code == 302
    reply.refresh_from_db()
    assert (reply.title, reply.disclosure) == ("原标题", Disclosure.WITHHELD)
    version_page = admin_client.get(reverse("admin:replies_replyversion_change", args=[version.pk]))
    assert url in version_page.content.decode()


def test_only_superusers_delete_replies_and_nobody_else_deletes_versions(
    make_reply, client, django_user_model
):
    reply = make_reply()
    version = reply.save_version("编辑前")
    editor = staff(
        django_user_model, "change_reply", "view_reply", "delete_reply", "delete_replyversion"
    )
    client.force_login(editor)
    assert client.post(reverse("admin:replies_reply_delete", args=[reply.pk])).status_code == 403
    page = client.post(reverse("admin:replies_replyversion_delete", args=[version.pk]))
    assert page.status_code == 403
    assert Reply.objects.filter(pk=reply.pk).exists() and ReplyVersion.objects.exists()
    with pytest.raises(actions.Refused):
        actions.purge([reply], editor)


def test_a_purge_removes_the_reply_its_versions_and_its_files(
    db, tmp_path, admin_user, django_capture_on_commit_callbacks
):
    first = tmp_path / "district.txt"
    first.write_bytes(to_clean_text(DISTRICT).encode())
    ingest_paths([first])
    changed = dataclasses.replace(DISTRICT, paragraphs=[*DISTRICT.paragraphs[:-1], "特此答复。"])
    second = tmp_path / "district.docx"
    second.write_bytes(to_docx(changed))
    ingest_paths([second], update=True)
    reply = Reply.objects.get()
    storage = reply.source_file.storage
    files = [reply.source_file.name, reply.versions.get().source_file]
    assert all(storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.purge(Reply.objects.all(), admin_user) == 1
    assert not Reply.objects.exists() and not ReplyVersion.objects.exists()
    assert not any(storage.exists(name) for name in files)


def test_a_rejected_save_leaves_no_file(db, settings):
    parsed = ParsedReply(title="答" * 400, council="静安区政协", term=14, session=3, number="027")
    parsed.paragraphs = ["提案收悉。"]
    outcome = save_reply(parsed, b"some bytes", "long.txt")
    assert outcome.status is Outcome.REJECTED
    sources = settings.MEDIA_ROOT / "sources"
    assert not sources.exists() or not [p for p in sources.rglob("*") if p.is_file()]


def test_orphans_lists_and_deletes_unreferenced_source_files(db, tmp_path, settings):
    path = tmp_path / "district.txt"
    path.write_bytes(to_clean_text(DISTRICT).encode())
    ingest_paths([path])
    kept = Reply.objects.get().source_file.name
    stray = settings.MEDIA_ROOT / "sources" / "2020" / "01" / "stray.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"%PDF")
    out = StringIO()
    call_command("orphans", stdout=out)
    assert "sources/2020/01/stray.pdf" in out.getvalue() and kept not in out.getvalue()
    assert stray.exists()
    call_command("orphans", "--delete", stdout=StringIO())
    assert not stray.exists() and (settings.MEDIA_ROOT / kept).exists()


def member_of(django_user_model, group: str, username: str):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return django_user_model.objects.get(pk=user.pk)


def test_the_roles_exist_and_only_review_publishes(make_reply, django_user_model, client):
    entry = member_of(django_user_model, "录入", "entry")
    review = member_of(django_user_model, "审核", "review")
    assert entry.has_perm("replies.add_reply") and entry.has_perm("replies.change_reply")
    assert not actions.can_publish(entry) and actions.can_publish(review)
    assert review.has_perm("replies.change_resultlabel") and review.has_perm(
        "replies.change_userdictionaryterm"
    )
    draft = make_reply(status=Status.DRAFT)
    with pytest.raises(actions.Refused, match="审核"):
        actions.publish([draft], entry)
    # Nor through the change form: the status field is read-only for 录入.
    client.force_login(entry)
    url = reverse("admin:replies_reply_change", args=[draft.pk])
    form = client.get(url).context["adminform"].form
    assert "status" not in form.fields and "title" in form.fields
    # The publish action is not offered to 录入; a forged POST changes nothing.
    changelist = reverse("admin:replies_reply_changelist")
    action_form = client.get(changelist).context["action_form"]
    offered = dict(action_form.fields["action"].choices) if action_form else {}
    assert "publish" not in offered and "unpublish" not in offered
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    # A published reply is read-only for 录入.
    published = make_reply(status=Status.PUBLISHED)
    page = client.get(reverse("admin:replies_reply_change", args=[published.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    actions.publish([draft], review)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_an_anonymous_user_gets_no_admin_page(make_reply, client):
    reply = make_reply()
    for url in [
        reverse("admin:replies_reply_changelist"),
        reverse("admin:replies_reply_change", args=[reply.pk]),
        reverse("admin:replies_reply_import"),
    ]:
        page = client.get(url)
        assert page.status_code == 302 and "/admin/login/" in page.url
