"""The admin import of many files and zip archives: one preview row per file, then a choice."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from replies.admin_import import pending_dir
from replies.models import Reply, Status
from tests.ingest.render import to_clean_text, to_docx
from tests.ingest.specs import CO_OPINION, DISTRICT
from tests.ingest.test_bad_inputs import _zip

URL = "admin:replies_reply_import"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"


CHANGED = dataclasses.replace(DISTRICT, paragraphs=[*DISTRICT.paragraphs[:-1], "特此答复。"])


@pytest.fixture
def three(admin_client):
    """A saved DISTRICT reply, then the preview of a zip: a good, a conflicting, a broken file."""
    first = admin_client.post(
        reverse(URL), {"document": SimpleUploadedFile("a.txt", to_clean_text(DISTRICT).encode())}
    )
    admin_client.post(reverse(URL), {"token": first.context["token"]})
    data = _zip(
        {
            "good.txt": to_clean_text(CO_OPINION).encode(),
            "clash.docx": to_docx(CHANGED),
            "broken.pdf": b"%PDF-1.4 truncated",
        }
    )
    return admin_client.post(reverse(URL), {"document": SimpleUploadedFile("batch.zip", data)})


def test_a_zip_previews_one_row_per_file_with_diff_warning_and_rejection(three):
    html = three.content.decode()
    by_name = {item.name: item for item in three.context["items"]}
    assert set(by_name) == {"batch.zip!good.txt", "batch.zip!clash.docx", "batch.zip!broken.pdf"}
    assert by_name["batch.zip!good.txt"].verdict in {"新答复", "需要核对"}
    clash = by_name["batch.zip!clash.docx"]
    assert clash.verdict == "与已有答复冲突" and clash.existing == Reply.objects.get()
    diff = {c.label: (c.old, c.new) for c in clash.diff}
    assert diff["原始文件名"] == ("a.txt", "batch.zip!clash.docx")
    assert diff["正文"][1].endswith("特此答复。") and "特此答复" not in diff["正文"][0]
    assert "标题" not in diff  # only what differs
    assert by_name["batch.zip!broken.pdf"].verdict == "拒收"
    assert "batch.zip!broken.pdf：" in html and "不完整" in html
    assert Reply.objects.count() == 1


def test_a_cancelled_import_saves_nothing(three, admin_client):
    token = three.context["token"]
    done = admin_client.post(reverse(URL), {"token": token, "cancel": "1"}, follow=True)
    assert "未保存任何内容" in done.content.decode()
    assert Reply.objects.count() == 1 and Reply.objects.get().source_name == "a.txt"
    assert not (pending_dir() / token).exists()


def test_confirm_a_selection_as_published(three, admin_client):
    token = three.context["token"]
    by_name = {item.name: item for item in three.context["items"]}
    good, clash = by_name["batch.zip!good.txt"], by_name["batch.zip!clash.docx"]
    data = {"token": token, "select": "1", "row": [good.index], "publish": "1"}
    done = admin_client.post(reverse(URL), data)
    # The unchosen conflicting file is still pending; the good one is saved, published.
    assert done.status_code == 200 and [i.name for i in done.context["items"]] == [clash.name]
    saved = Reply.objects.get(source_name="batch.zip!good.txt")
    assert saved.status == (Status.DRAFT if saved.needs_review else Status.PUBLISHED)
    replace = {"token": token, "select": "1", "row": [clash.index], f"update-{clash.index}": "1"}
    finished = admin_client.post(reverse(URL), replace)
    assert finished.status_code == 302
    replaced = Reply.objects.get(source_name="batch.zip!clash.docx")
    assert replaced.body.endswith("特此答复。") and replaced.versions.count() == 1
    assert Reply.objects.count() == 2
    assert not (pending_dir() / token).exists()


def test_a_failed_row_leaves_no_partial_record(admin_client, settings):
    # A signer longer than the field holds: parsed, previewed, then refused when saved.
    header = [[("办理结果", "解决或采纳"), ("签发人", "林" * 80)], DISTRICT.header[1]]
    bad = dataclasses.replace(DISTRICT, header=header)
    page = admin_client.post(
        reverse(URL),
        {
            "document": [
                SimpleUploadedFile("bad.txt", to_clean_text(bad).encode()),
                SimpleUploadedFile("good.docx", to_docx(CO_OPINION)),
            ]
        },
    )
    assert page.context["items"][0].verdict != "拒收"
    done = admin_client.post(reverse(URL), {"token": page.context["token"]}, follow=True)
    text = "\n".join(str(m) for m in done.context["messages"])
    assert "good.docx：已导入" in text and "bad.txt：保存失败" in text, text
    assert list(Reply.objects.values_list("source_name", flat=True)) == ["good.docx"]
    assert not Reply.objects.filter(signer__startswith="林林").exists()
    files = [p for p in (settings.MEDIA_ROOT / "sources").rglob("*") if p.is_file()]
    assert [p.name for p in files] == ["good.docx"]


def test_upload_limits_come_from_settings(admin_client, settings):
    settings.ARCHIVE_ZIP_MAX_MEMBERS = 2
    files = [SimpleUploadedFile(f"{k}.txt", b"x") for k in range(3)]
    page = admin_client.post(reverse(URL), {"document": files})
    assert "一次最多上传 2 个文件" in page.content.decode()
    big = _zip({f"{k}.txt": b"y" for k in range(3)})
    page = admin_client.post(reverse(URL), {"document": SimpleUploadedFile("many.zip", big)})
    assert "many.zip" in page.content.decode() and "超过上限 2 个" in page.content.decode()
    assert Reply.objects.count() == 0
