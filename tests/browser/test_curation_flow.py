"""The committee office's job in the admin, in a browser: 录入 imports and edits, 审核 publishes
and restores; the public page and the search follow each step.

Screenshots of the batch preview and of a version's page go to a temporary folder; with
SAVE_SCREENSHOTS=1 to docs/screenshots/.
"""

from __future__ import annotations

import dataclasses
import os
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from replies.ingest.batch import ingest_paths
from replies.models import Reply, Status
from tests.ingest.render import to_clean_text, to_docx
from tests.ingest.specs import DISTRICT
from tests.ingest.test_bad_inputs import _zip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: A new reply (proposal 028) without its contact footer: saved, with a warning.
GOOD = dataclasses.replace(
    DISTRICT, title="对静安区政协第十四届三次会议第028号提案的答复", footer=[]
)
#: The saved reply (proposal 027) with a different closing: a conflict.
CLASH = dataclasses.replace(DISTRICT, paragraphs=[*DISTRICT.paragraphs[:-1], "特此答复。"])
EDITED = "今年新建智慧菜场十二家，推行无人零售柜。"


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text(username)


def staff(username: str, group: str) -> User:
    if not Group.objects.filter(name=group).exists():
        # Other transactional tests flush the tables, groups from migration 0011 included.
        import_module("replies.migrations.0011_roles").create_roles(django_apps, None)
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_import_edit_publish_and_restore(live_server, page: Page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    target = DOCS if os.environ.get("SAVE_SCREENSHOTS") else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    saved = tmp_path / "district.txt"
    saved.write_bytes(to_clean_text(DISTRICT).encode())
    ingest_paths([saved], publish=True)
    staff("luru", "录入")
    staff("shenhe", "审核")
    archive = tmp_path / "batch.zip"
    archive.write_bytes(
        _zip(
            {
                "good.txt": to_clean_text(GOOD).encode(),
                "clash.docx": to_docx(CLASH),
                "broken.pdf": b"%PDF-1.4 truncated",
            }
        )
    )
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # 录入: upload the zip, read the preview
    log_in(page, base, "luru")
    page.goto(base + "/admin/replies/reply/import/")
    page.set_input_files("input[name=document]", str(archive))
    page.get_by_role("button", name="上传并预览").click()
    rows = page.locator("tr.import-row")
    expect(rows).to_have_count(3)
    expect(page.locator("tr.import-row[data-verdict=拒收]")).to_contain_text("batch.zip!broken.pdf")
    expect(page.locator("tr.import-row[data-verdict=拒收]")).to_contain_text("不完整")
    expect(page.locator(".import-diff")).to_contain_text("batch.zip!clash.docx")
    expect(page.locator(".import-diff")).to_contain_text("原始文件名")
    expect(page.locator(".messagelist .warning").first).to_contain_text("缺少联系人")
    expect(page.locator("input[name=publish][value='1']")).to_have_count(0)  # 录入 cannot publish
    page.screenshot(path=target / "admin-import-preview.png", full_page=True)

    # save the good one as a draft; the unchosen conflict stays pending, then is cancelled
    page.locator("input[value=保存所选文件]").click()
    # (the admin capitalises the first letter of a message)
    expect(page.locator(".messagelist")).to_contain_text(re.compile("atch.zip!good.txt：已导入"))
    expect(page.locator("tr.import-row")).to_have_count(1)
    page.locator("input[name=cancel]").click()
    expect(page.locator(".messagelist")).to_contain_text("未保存任何内容")
    reply = Reply.objects.get(number="028")
    assert reply.status == Status.DRAFT
    assert Reply.objects.get(number="027").source_name == "district.txt"

    # edit a section of the draft
    page.goto(f"{base}/admin/replies/reply/{reply.pk}/change/")
    page.fill("textarea[name=sections-1-text]", EDITED)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    reply.refresh_from_db()
    assert EDITED in reply.body

    # 审核: publish it from the list
    log_in(page, base, "shenhe")
    page.goto(base + "/admin/replies/reply/")
    page.locator(f"input.action-select[value='{reply.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("已更新 1 条答复")

    # the public page and the search show the edited section
    page.goto(f"{base}/replies/{reply.pk}/")
    expect(page.locator("main")).to_contain_text(EDITED)
    page.goto(base + "/?q=无人零售柜")
    expect(page.locator(".result")).to_have_count(1)

    # restore the version from before the edit, from its own page
    version = reply.versions.get(reason="后台编辑前")
    page.goto(f"{base}/admin/replies/replyversion/{version.pk}/change/")
    expect(page.locator(".version-diff")).to_contain_text(EDITED)
    expect(page.locator("body")).to_contain_text("luru")
    page.screenshot(path=target / "admin-version-history.png", full_page=True)
    page.get_by_role("link", name="恢复此版本").click()
    expect(page.locator("body")).to_contain_text("同时恢复该版本的发布状态和公开属性")
    page.locator("input[value=确认恢复]").click()
    expect(page.locator(".messagelist")).to_contain_text("发布状态和公开属性保持不变")

    # still public, with the text as it was
    page.goto(f"{base}/replies/{reply.pk}/")
    expect(page.locator("main")).not_to_contain_text(EDITED)
    expect(page.locator("main")).to_contain_text("推进菜市场标准化改造")
    page.goto(base + "/?q=无人零售柜")
    expect(page.locator(".result")).to_have_count(0)
    assert re.search("已发布", Reply.objects.get(pk=reply.pk).get_status_display())
