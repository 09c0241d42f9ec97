"""Body and sections are one text: an edit of either is one edit, shown and searched."""

from __future__ import annotations

import pytest
from django.urls import reverse

from replies import browse
from replies.ingest.batch import ingest_paths
from replies.models import Reply
from replies.search import search
from replies.sections import body_with_sections, section_rows
from tests.admin_forms import change_form_data
from tests.ingest.render import to_clean_text
from tests.ingest.specs import DISTRICT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reply(db, tmp_path) -> Reply:
    path = tmp_path / "district.txt"
    path.write_bytes(to_clean_text(DISTRICT).encode())
    ingest_paths([path], publish=True)
    return Reply.objects.get()


def test_the_stored_sections_are_those_read_from_the_body(reply):
    rows = [
        {k: getattr(s, k) for k in ("order", "number", "heading", "text")}
        for s in reply.sections.all()
    ]
    assert rows == section_rows(reply.body)


def test_an_edited_section_is_written_back_into_the_body(reply):
    sections = list(reply.sections.all())
    sections[1].heading = "提升社区商业服务水平"
    sections[1].text = "新增社区菜场十家。"
    body = body_with_sections(reply.body, sections)
    assert "二、提升社区商业服务水平\n新增社区菜场十家。\n三、下一步工作" in body
    assert "推进菜市场标准化改造" not in body
    assert [r["heading"] for r in section_rows(body)] == [
        "优化社区商业网点布局",
        "提升社区商业服务水平",
        "下一步工作",
    ]
    # Unchanged sections give back the same body.
    assert body_with_sections(reply.body, list(reply.sections.all())) == reply.body


def public_text(client, reply: Reply) -> str:
    return client.get(browse.permalink(reply)).content.decode()


def test_editing_a_section_in_the_admin_changes_the_page_and_the_search(
    reply, admin_client, client, django_capture_on_commit_callbacks
):
    url = reverse("admin:replies_reply_change", args=[reply.pk])
    data = change_form_data(admin_client.get(url))
    data["sections-1-text"] = "今年新建智慧菜场十二家，推行无人零售柜。"
    # As a browser posts a textarea: CRLF line ends, the unchanged body is not an edit.
    data["body"] = reply.body.replace("\n", "\r\n")
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(url, data)
    assert done.status_code == 302, done.content.decode()[:2000]
    reply.refresh_from_db()
    assert "今年新建智慧菜场十二家" in reply.body and "推进菜市场标准化改造" not in reply.body
    assert "\r" not in reply.body
    assert reply.sections.get(order=1).text == "今年新建智慧菜场十二家，推行无人零售柜。"
    assert reply.versions.first().data["body"].count("推进菜市场标准化改造") == 1
    page = public_text(client, reply)
    assert "今年新建智慧菜场十二家" in page and "推进菜市场标准化改造" not in page
    assert list(search(None, "无人零售柜").queryset) == [reply]
    assert not search(None, "标准化改造").queryset.exists()


def test_editing_the_body_in_the_admin_rereads_the_sections(
    reply, admin_client, django_capture_on_commit_callbacks
):
    url = reverse("admin:replies_reply_change", args=[reply.pk])
    data = change_form_data(admin_client.get(url))
    data["body"] = reply.body.replace("三、下一步工作", "三、今后打算")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    assert [s.heading for s in reply.sections.all()][2] == "今后打算"
    assert list(search(None, "今后打算").queryset) == [reply]
