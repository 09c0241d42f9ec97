"""A result label's class change re-classifies exactly the replies carrying it, on request."""

from __future__ import annotations

from django.urls import reverse

from replies.models import Reply, ResultLabel
from tests.admin_forms import change_form_data


def test_a_class_change_offers_to_reclassify_exactly_the_replies_carrying_it(
    make_reply, admin_client
):
    label, _ = ResultLabel.objects.update_or_create(
        label="正在解决", defaults={"result_class": "B"}
    )
    carrying = [make_reply(result_label="正在解决", result_class="B") for _ in range(3)]
    other = make_reply(result_label="列入计划拟解决", result_class="B")
    url = reverse("admin:replies_resultlabel_change", args=[label.pk])
    data = change_form_data(admin_client.get(url))
    data["result_class"] = "A"
    done = admin_client.post(url, data)
    confirm = reverse("admin:replies_resultlabel_reclassify", args=[label.pk])
    assert done.status_code == 302 and done.url == confirm
    page = admin_client.get(confirm).content.decode()
    assert "已有 3 件答复" in page
    assert all(r.title in page for r in carrying) and other.title not in page
    # Nothing changes until confirmed.
    assert set(Reply.objects.values_list("result_class", flat=True)) == {"B"}
    admin_client.post(confirm, {"confirm": "1"})
    for reply in carrying:
        reply.refresh_from_db()
        assert reply.result_class == "A"
        assert reply.versions.get().data["result_class"] == "B"
    other.refresh_from_db()
    assert other.result_class == "B" and not other.versions.exists()


def test_keeping_the_replies_as_they_are_changes_nothing(make_reply, admin_client):
    label, _ = ResultLabel.objects.update_or_create(
        label="正在解决", defaults={"result_class": "A"}
    )
    reply = make_reply(result_label="正在解决", result_class="B")
    admin_client.post(reverse("admin:replies_resultlabel_reclassify", args=[label.pk]), {})
    reply.refresh_from_db()
    assert reply.result_class == "B" and not reply.versions.exists()
