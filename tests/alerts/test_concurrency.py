"""Two send_alerts at once send each digest once: a subscription another run holds is skipped
(FOR UPDATE SKIP LOCKED), and what one run recorded the other does not send."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from replies.alerts.models import AlertSent, Subscription
from replies.alerts.sender import send_all

pytestmark = pytest.mark.django_db(transaction=True)


def quiet(line: str) -> None:
    pass


def test_a_locked_subscription_is_skipped_and_parallel_runs_send_once(make_reply, mailoutbox):
    subscriptions = [
        Subscription.objects.create(
            email=f"reader{i}@example.com", params={}, confirmed_at=timezone.now()
        )
        for i in range(4)
    ]
    make_reply(title="新答复")

    # another run holds the first subscription: this one passes it by, sends the others
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Subscription.objects.select_for_update().get(pk=subscriptions[0].pk)
            held.set()
            release.wait(30)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(30)
    try:
        assert send_all(report=quiet).sent == 3
    finally:
        release.set()
        holder.join()
    assert sorted(m.to[0] for m in mailoutbox) == [f"reader{i}@example.com" for i in (1, 2, 3)]

    # two runs at once after a new reply: each of the four addresses gets it exactly once
    mailoutbox.clear()
    make_reply(title="又一件新答复")
    outcomes = []

    def run() -> None:
        outcomes.append(send_all(report=quiet))
        connection.close()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sum(o.sent for o in outcomes) == 4
    assert sorted(m.to[0] for m in mailoutbox) == [f"reader{i}@example.com" for i in range(4)]
    assert AlertSent.objects.count() == 3 + 4 + 1  # the held one got both replies at once
