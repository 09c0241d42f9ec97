"""manage.py reindex: rebuilds every public reply's entry, drops the rest, rewrites only
what changed unless --force."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from replies.models import Status
from replies.search import search
from replies.search.models import ReplySearch

pytestmark = pytest.mark.django_db


def stamps() -> dict[int, object]:
    return dict(ReplySearch.objects.values_list("reply_id", "indexed_at"))


def test_reindex_repairs_missing_and_stale_entries(make_reply):
    kept = make_reply(body="硅巷科创街区。")
    hidden = make_reply(body="硅巷二期。", number="002", number_int=2)
    ReplySearch.objects.filter(reply_id=kept.pk).delete()
    hidden.status = Status.DRAFT
    hidden.save()  # its entry is removed on commit, which a test never reaches
    assert set(stamps()) == {hidden.pk}
    call_command("reindex", verbosity=0)
    assert set(stamps()) == {kept.pk}
    assert [r.pk for r in search(None, "硅巷").results[:]] == [kept.pk]


@pytest.mark.django_db(transaction=True)  # each command commits: now() moves between them
def test_unchanged_entries_are_rewritten_only_with_force(make_reply):
    make_reply(body="硅巷科创街区。")
    before = stamps()
    call_command("reindex", verbosity=0)
    assert stamps() == before
    call_command("reindex", "--force", verbosity=0)
    after = stamps()
    assert after.keys() == before.keys()
    assert all(after[k] > before[k] for k in before)
