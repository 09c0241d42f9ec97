"""Names that outlive renames, and merges of departments and sectors that lose nothing."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from replies import actions, browse
from replies.models import Department, DepartmentAlias, Reply, Sector
from tests.admin_forms import change_form_data


def rename(admin_client, record, name: str):
    kind = type(record)._meta.model_name
    url = reverse(f"admin:replies_{kind}_change", args=[record.pk])
    data = change_form_data(admin_client.get(url))
    data["name"] = name
    done = admin_client.post(url, data)
    assert done.status_code == 302, done.content.decode()[:3000]
    record.refresh_from_db()
    return record


def test_a_renamed_department_keeps_its_permalinks_and_page(make_reply, admin_client, client):
    department = Department.objects.create(name="临江市科学技术委员会")
    reply = make_reply(department=department)
    old_link = browse.permalink(reply)
    old_page = reverse("replies:department", kwargs={"slug": department.slug})
    rename(admin_client, department, "临江市科学技术局")
    assert department.slug == "临江市科学技术局"
    assert Department.match("临江市科学技术委员会") == department
    reply.refresh_from_db()
    moved = client.get(old_link + "?q=测试")
    assert moved.status_code == 301
    assert moved.url == browse.permalink(reply) + "?" + urlencode({"q": "测试"})
    assert not moved.url.startswith(old_link)
    assert client.get(moved.url).status_code == 200
    page = client.get(old_page)
    assert page.status_code == 301
    assert page.url == reverse("replies:department", kwargs={"slug": "临江市科学技术局"})
    # Renaming back gives the old slug back, and the new one now redirects.
    rename(admin_client, department, "临江市科学技术委员会")
    assert client.get(old_link).status_code == 200
    assert not DepartmentAlias.objects.filter(name="临江市科学技术委员会").exists()


def test_a_renamed_sector_keeps_its_page(make_reply, admin_client, client):
    sector = Sector.objects.create(name="科技")
    make_reply(sector=sector)
    old_page = reverse("replies:sector", kwargs={"slug": sector.slug})
    rename(admin_client, sector, "科学技术")
    page = client.get(old_page)
    assert page.status_code == 301 and client.get(page.url).status_code == 200
    assert Sector.match("科技") == sector


def merge_post(admin_client, model: str, records, target=None, confirm: bool = False):
    data = {"action": "merge", ACTION_CHECKBOX_NAME: [r.pk for r in records]}
    if target is not None:
        data["target"] = target.pk
    if confirm:
        data["confirm"] = "1"
    return admin_client.post(reverse(f"admin:replies_{model}_changelist"), data)


def test_a_merge_moves_every_reply_keeps_versions_and_redirects(make_reply, admin_client, client):
    old = Department.objects.create(name="临江市教育委员会")
    DepartmentAlias.objects.create(name="市教委", department=old)
    new = Department.objects.create(name="临江市教育局")
    lead = make_reply(department=old)
    co = make_reply(department=Department.match_or_create("临江市财政局"))
    co.co_departments.set([old])
    both = make_reply(department=new)
    both.co_departments.set([old])
    kept = make_reply(department=new)
    total = Reply.objects.count()
    old_link, old_page = browse.permalink(lead), reverse("replies:department", args=[old.slug])

    preview = merge_post(admin_client, "department", [old, new], target=new)
    html = preview.content.decode()
    assert preview.status_code == 200 and "临江市教育委员会" in html and "市教委" in html
    assert str(lead) in html and str(co) in html
    assert Department.objects.filter(pk=old.pk).exists()

    merge_post(admin_client, "department", [old, new], target=new, confirm=True)
    assert not Department.objects.filter(pk=old.pk).exists()
    assert Reply.objects.count() == total
    lead.refresh_from_db()
    assert lead.department == new
    assert list(co.co_departments.all()) == [new]
    assert list(both.co_departments.all()) == []  # the lead unit is not its own co-unit
    for reply in (lead, co, both):
        assert "合并“临江市教育委员会”到“临江市教育局”前" in reply.versions.get().reason
    assert not kept.versions.exists()
    assert Department.match("临江市教育委员会") == new and Department.match("市教委") == new
    moved = client.get(old_link)
    assert moved.status_code == 301 and moved.url == browse.permalink(lead)
    page = client.get(old_page)
    assert page.status_code == 301 and page.url == reverse("replies:department", args=[new.slug])


def test_a_merge_that_would_clash_is_refused(make_reply):
    a = Department.objects.create(name="甲局")
    b = Department.objects.create(name="乙局")
    make_reply(department=a, number="009")
    make_reply(department=b, number="009")
    with pytest.raises(actions.Refused, match="无法合并"):
        actions.merge([a, b], b)
    assert Department.objects.filter(pk=a.pk).exists()


def test_a_sector_merge_moves_its_replies(make_reply, admin_client):
    a, b = Sector.objects.create(name="经济"), Sector.objects.create(name="经济界")
    reply = make_reply(sector=b)
    merge_post(admin_client, "sector", [a, b], target=a, confirm=True)
    reply.refresh_from_db()
    assert reply.sector == a and Sector.match("经济界") == a
    assert reply.versions.count() == 1


def test_a_version_from_before_a_merge_still_restores(make_reply):
    a, b = Department.objects.create(name="丙局"), Department.objects.create(name="丁局")
    reply = make_reply(department=a, title="合并前的标题")
    reply.co_departments.set([b])
    actions.merge([a, b], b)
    reply.refresh_from_db()
    version = reply.versions.get()
    reply.title = "合并后的标题"
    reply.save()
    actions.restore(version)
    reply.refresh_from_db()
    assert reply.title == "合并前的标题" and reply.department == b
