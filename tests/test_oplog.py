"""The audit log (``replies.audit``) names the user of every ingest, admin import, admin edit
and curation action, and says nothing of a change that was rolled back."""

from __future__ import annotations

import getpass
import json
import logging
from contextlib import contextmanager

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from replies import actions
from replies.dblog import JsonFormatter
from replies.models import Department, Reply, Status
from replies.search.models import UserDictionaryTerm, ZeroResultQuery
from tests.ingest.render import to_clean_text
from tests.ingest.specs import DISTRICT

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(caplog, django_capture_on_commit_callbacks, settings, tmp_path):
    """``with audited() as records:`` the audit records of what runs inside, complete when
    the block ends (its on-commit hooks run then: a test transaction never commits)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    caplog.set_level(logging.INFO, logger="replies.audit")

    @contextmanager
    def capture():
        records: list[logging.LogRecord] = []
        start = len(caplog.records)
        with django_capture_on_commit_callbacks(execute=True):
            yield records
        records.extend(r for r in caplog.records[start:] if r.name == "replies.audit")

    return capture


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("审核员甲", password="a-long-password-1")


def _of(records: list[logging.LogRecord], event: str) -> list[logging.LogRecord]:
    return [r for r in records if r.event == event]


def test_admin_publish_and_withdraw_name_the_user(client, editor, make_reply, audited):
    reply = make_reply(status=Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:replies_reply_changelist")
    with audited() as records:
        for action in ("publish", "unpublish"):
            client.post(url, {"action": action, "_selected_action": [reply.pk]})
    [published] = _of(records, "reply.publish")
    [withdrawn] = _of(records, "reply.unpublish")
    for record in (published, withdrawn):
        assert record.user == "审核员甲" and record.reply_ids == [reply.pk]


def test_admin_edits_of_any_model_name_the_user(client, editor, audited):
    client.force_login(editor)
    with audited() as records:
        client.post(
            reverse("admin:replies_userdictionaryterm_add"), {"term": "口袋公园", "note": ""}
        )
    [added] = _of(records, "admin.add")
    assert added.user == "审核员甲"
    assert added.model == "userdictionaryterm" and added.object_repr == "口袋公园"


def test_merge_edit_and_restore_name_the_user(editor, make_reply, audited):
    reply = make_reply(department=Department.match_or_create("测试市老教育局"))
    target = Department.match_or_create("测试市教育局")
    with audited() as records:
        actions.merge([reply.department], target, editor)
        reply.refresh_from_db()
        reply.title = "改过的标题"
        actions.edit(reply, editor)
        actions.restore(reply.versions.first(), editor)
    [merged] = _of(records, "merge")
    assert merged.user == "审核员甲" and merged.sources == ["测试市老教育局"]
    assert merged.target == "测试市教育局" and merged.reply_ids == [reply.pk]
    assert _of(records, "reply.edit")[0].user == "审核员甲"
    assert _of(records, "reply.restore")[0].reply_id == reply.pk


def test_a_rolled_back_action_is_not_logged(editor, make_reply, audited):
    reply = make_reply(status=Status.DRAFT)
    with audited() as records, pytest.raises(RuntimeError), transaction.atomic():
        actions.publish([reply], editor)
        raise RuntimeError("later failure")
    assert records == []
    assert Reply.objects.get(pk=reply.pk).status == Status.DRAFT


def test_the_ingest_command_logs_each_file_and_the_batch(tmp_path, audited):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "好.txt").write_text(to_clean_text(DISTRICT), encoding="utf-8")
    (folder / "坏.txt").write_bytes(b"")
    with audited() as records, pytest.raises(CommandError):
        call_command("ingest", str(folder))
    files = {r.file.rsplit("/", 1)[-1]: r for r in _of(records, "ingest.file")}
    assert files["好.txt"].outcome == "created" and files["好.txt"].reply_id
    assert files["坏.txt"].outcome == "rejected" and "为空" in files["坏.txt"].reason
    [batch] = _of(records, "ingest")
    assert {r.user for r in records} == {f"system:{getpass.getuser()}"}
    assert "拒收 1" in batch.summary


def test_the_admin_import_logs_each_file_with_the_user(client, editor, audited):
    client.force_login(editor)
    url = reverse("admin:replies_reply_import")
    data = to_clean_text(DISTRICT).encode()
    page = client.post(url, {"document": SimpleUploadedFile("district.txt", data)})
    with audited() as records:
        client.post(url, {"token": page.context["token"]})
    [saved] = _of(records, "import.file")
    assert saved.user == "审核员甲" and saved.file == "district.txt"
    assert saved.outcome == "created" and saved.reply_id == Reply.objects.get().pk


def test_a_record_is_one_json_line_with_the_user(editor, make_reply, audited):
    reply = make_reply(status=Status.DRAFT)
    with audited() as records:
        actions.publish([reply], editor)
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["logger"] == "replies.audit" and line["message"] == "reply.publish"
    assert line["user"] == "审核员甲" and line["reply_ids"] == [reply.pk]


def test_adding_zero_result_words_to_the_dictionary_is_logged(client, editor, audited):
    """The zero-result action records each new term in its admin history and the audit log
    (like an addition by hand), and the action itself with the user; known words are not."""
    UserDictionaryTerm.objects.create(term="已有词")
    entry = ZeroResultQuery.objects.create(query="口袋公园 OR 已有词 -停车", count=3)
    client.force_login(editor)
    url = reverse("admin:replies_zeroresultquery_changelist")
    with audited() as records:
        response = client.post(url, {"action": "add_to_dictionary", "_selected_action": [entry.pk]})
    assert response.status_code == 302
    [action] = _of(records, "dictionary.add_from_zero_results")
    assert action.user == "审核员甲"
    assert action.terms == ["口袋公园"] and action.queries == [entry.query]
    [added] = _of(records, "admin.add")
    assert added.user == "审核员甲" and added.model == "userdictionaryterm"
    assert added.object_repr == "口袋公园" and "口袋公园 OR 已有词 -停车" in added.change
    term = UserDictionaryTerm.objects.get(term="口袋公园")
    [history] = LogEntry.objects.filter(object_id=str(term.pk), action_flag=ADDITION)
    assert history.user == editor
    assert LogEntry.objects.count() == 1  # nothing for the word that was already there
    line = json.loads(JsonFormatter().format(action))
    assert line["event"] == "dictionary.add_from_zero_results" and line["user"] == "审核员甲"
