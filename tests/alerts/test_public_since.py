"""Reply.public_since, kept by the database trigger of migration 0015 on every path."""

from __future__ import annotations

import pytest

from replies import actions
from replies.models import Disclosure, Reply, Status

pytestmark = pytest.mark.django_db


def since(reply: Reply):
    return Reply.objects.values_list("public_since", flat=True).get(pk=reply.pk)


def test_public_since_follows_publication_and_disclosure(make_reply):
    draft = make_reply(status=Status.DRAFT)
    assert since(draft) is None
    actions.publish([draft])
    first = since(draft)
    assert first is not None
    draft.refresh_from_db()
    draft.title = "改过的标题"
    draft.public_since = None  # a stale copy written back by save() changes nothing
    draft.save()
    Reply.objects.filter(pk=draft.pk).update(body="改过的正文")
    assert since(draft) == first
    Reply.objects.filter(pk=draft.pk).update(disclosure=Disclosure.WITHHELD)
    assert since(draft) is None
    Reply.objects.filter(pk=draft.pk).update(disclosure=Disclosure.PUBLIC)
    assert since(draft) > first  # public again: from now
    actions.unpublish([draft])
    assert since(draft) is None
    assert since(make_reply()) is not None  # created published
