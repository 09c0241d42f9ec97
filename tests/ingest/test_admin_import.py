"""The admin import: upload, preview, confirm; conflicts offer a replacement."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from replies.models import Reply, ReplyVersion, Status
from tests.ingest.render import to_clean_text, to_docx
from tests.ingest.specs import DISTRICT

URL = "admin:replies_reply_import"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"


def upload(client, name: str, data: bytes):
    return client.post(reverse(URL), {"document": SimpleUploadedFile(name, data)})


def test_changelist_links_to_the_import(admin_client):
    page = admin_client.get(reverse("admin:replies_reply_changelist"))
    assert reverse(URL) in page.content.decode()
    assert admin_client.get(reverse(URL)).status_code == 200


def test_upload_previews_without_saving_then_confirm_saves(admin_client):
    page = upload(admin_client, "district.docx", to_docx(DISTRICT))
    html = page.content.decode()
    assert page.status_code == 200
    assert "对静安区政协第十四届三次会议第027号提案的答复" in html
    assert "优化社区商业网点布局" in html and "静安区商务委员会" in html
    assert Reply.objects.count() == 0
    # Each field says where it was read from.
    [item] = page.context["items"]
    rows = {label: (value, where) for label, value, where in item.rows}
    assert rows["签发人"] == ("林某某", "“签发人”栏")
    assert rows["承办单位"] == ("静安区商务委员会", "落款")
    assert rows["提案人"] == ("经济界别", "称呼行")
    assert "读自" in html
    token = page.context["token"]
    done = admin_client.post(reverse(URL), {"token": token, "publish": "1"})
    reply = Reply.objects.get()
    assert reply.source_meta["read_from"]["proposal_title"] == "开头语"
    assert done.status_code == 302
    assert done.url == reverse("admin:replies_reply_change", args=[reply.pk])
    assert reply.status == Status.PUBLISHED and reply.source_name == "district.docx"


def test_a_bad_upload_shows_the_reason_and_saves_nothing(admin_client):
    page = upload(admin_client, "empty.pdf", b"%PDF-1.4 truncated")
    assert "不完整" in page.content.decode()
    assert Reply.objects.count() == 0


def test_warnings_are_shown(admin_client):
    spec = dataclasses.replace(DISTRICT, footer=[], disclosure=None)
    page = upload(admin_client, "a.txt", to_clean_text(spec).encode())
    assert "缺少联系人" in page.content.decode()


def test_conflict_offers_replacement_and_keeps_the_old_version(admin_client):
    first = upload(admin_client, "a.txt", to_clean_text(DISTRICT).encode())
    admin_client.post(reverse(URL), {"token": first.context["token"]})
    page = upload(admin_client, "a.docx", to_docx(DISTRICT))
    assert page.context["items"][0].existing == Reply.objects.get()
    token = page.context["token"]
    again = admin_client.post(reverse(URL), {"token": token})
    assert again.status_code == 200 and Reply.objects.get().source_name == "a.txt"
    admin_client.post(reverse(URL), {"token": token, "update": "1"})
    reply = Reply.objects.get()
    assert reply.source_name == "a.docx"
    assert ReplyVersion.objects.get(reply=reply).data["source_name"] == "a.txt"


def test_an_unknown_token_is_refused(admin_client):
    page = admin_client.post(reverse(URL), {"token": "../../etc/passwd"}, follow=True)
    assert "已失效" in page.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_every_message_names_the_file(admin_client, settings):
    page = upload(admin_client, "empty.pdf", b"%PDF-1.4 truncated")
    assert "empty.pdf：" in page.content.decode()
    spec = dataclasses.replace(DISTRICT, footer=[], disclosure=None)
    page = upload(admin_client, "nofooter.txt", to_clean_text(spec).encode())
    assert "nofooter.txt：缺少联系人" in page.content.decode()
    first = upload(admin_client, "a.txt", to_clean_text(DISTRICT).encode())
    done = admin_client.post(reverse(URL), {"token": first.context["token"]}, follow=True)
    assert messages_of(done) == ["a.txt：已导入。"]
    again = upload(admin_client, "a.txt", to_clean_text(DISTRICT).encode())
    assert "a.txt：同一文件已导入为" in again.content.decode()
    clash = upload(admin_client, "b.docx", to_docx(DISTRICT))
    assert "b.docx：已有同一会议" in clash.content.decode()
    refused = admin_client.post(reverse(URL), {"token": clash.context["token"]})
    [warning] = messages_of(refused)
    assert warning.startswith("b.docx：与已有答复") and "“替换已有答复”" in warning
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 10
    big = upload(admin_client, "big.txt", b"x" * 100)
    assert "big.txt：文件过大" in big.content.decode()
