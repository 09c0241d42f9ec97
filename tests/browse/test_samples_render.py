"""Every loaded sample reply renders with a complete table of contents."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from replies.browse import permalink, reply_page
from replies.models import Reply

pytestmark = pytest.mark.django_db


def test_every_sample_reply_has_its_sections_in_the_toc(client):
    call_command("load_samples", verbosity=0)
    replies = list(Reply.objects.public().select_related("session", "department", "sector"))
    assert replies
    for reply in replies:
        context = reply_page(reply)
        sections = list(reply.sections.all())
        assert [e.number for e in context["toc"]] == [s.number for s in sections], reply.title
        assert client.get(permalink(reply)).status_code == 200
