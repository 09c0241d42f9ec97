import pytest
from django.db import IntegrityError, transaction

from replies import actions
from replies.ingest.pipeline import default_result_classes
from replies.models import (
    Department,
    DepartmentAlias,
    Disclosure,
    Reply,
    ReplySection,
    ResultLabel,
    Session,
    Status,
)


def test_natural_key_is_unique(make_reply):
    first = make_reply(number="005")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reply(number="005", session=first.session, department=first.department)
    # Another department, or a 会办意见 from the same one, is a different reply.
    make_reply(number="005", department=Department.match_or_create("测试市财政局"))
    make_reply(
        number="005", session=first.session, department=first.department, doc_kind="会办意见"
    )


def test_natural_key_treats_missing_department_as_equal(make_reply):
    first = make_reply(number="007")
    Reply.objects.filter(pk=first.pk).update(department=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.create(title="x", number="007", session=first.session, department=None)


def test_without_session_or_number_there_is_no_natural_key(make_reply):
    # Such replies are drafts flagged 需要核对, told apart by their source file.
    first = make_reply(number="007", session=None)
    Reply.objects.filter(pk=first.pk).update(session=None)
    Reply.objects.create(title="x", number="007", department=first.department, session=None)
    session = Session.objects.get()
    make_reply(number="", session=session)
    make_reply(number="", session=session)
    assert Reply.objects.filter(number="").count() == 2


def test_public_means_published_and_not_withheld(make_reply):
    visible = make_reply()
    on_request = make_reply(disclosure=Disclosure.ON_REQUEST)
    unknown = make_reply(disclosure=Disclosure.UNKNOWN)
    make_reply(status=Status.DRAFT)
    make_reply(disclosure=Disclosure.WITHHELD)
    assert set(Reply.objects.public()) == {visible, on_request, unknown}
    assert visible.is_public and not Reply(status=Status.DRAFT).is_public


def test_department_matches_through_aliases(db):
    department = Department.objects.create(name="长宁区科学技术委员会")
    DepartmentAlias.objects.create(department=department, name="区科委")
    assert Department.match("区科委") == department
    assert Department.match_or_create(" 长宁区科学技术委员会 ") == department
    created = Department.match_or_create("长宁区教育局")
    assert created.pk != department.pk and created.slug == "长宁区教育局"


def test_session_label(db):
    session = Session.objects.create(council="长宁区政协", term=15, number=3)
    assert session.label == "十五届三次会议"
    assert str(session) == "长宁区政协十五届三次会议"
    assert session.council_slug == "长宁区政协"


def test_result_labels_are_seeded_data(db):
    mapping = ResultLabel.as_mapping()
    assert mapping["解决或采纳"] == "A"
    assert mapping["列入计划拟解决"] == "B"
    assert mapping["留作参考"] == "C"
    # Real offices' wordings, added by a later migration, and the same table without a database.
    assert (mapping["已采纳"], mapping["列入计划"], mapping["暂时无法解决"]) == ("A", "B", "C")
    assert default_result_classes() == mapping


def test_every_edit_can_be_restored(make_reply):
    reply = make_reply(title="原标题", body="原正文")
    ReplySection.objects.create(reply=reply, order=1, number=1, heading="原章节", text="甲")
    version = reply.save_version("编辑前")
    reply.title = "新标题"
    reply.body = "新正文"
    reply.save()
    reply.sections.all().delete()

    actions.restore(version)
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("原标题", "原正文")
    assert [s.heading for s in reply.sections.all()] == ["原章节"]
    # Restoring saved the edited state too, so the restore itself can be undone.
    assert reply.versions.first().data["title"] == "新标题"
