"""The zero-result log: what found nothing on the search page is recorded (normalised,
counted, last seen) and listed for staff in the admin; what found nothing only because of a
filter is not, nor are API calls, feeds or the ``search`` command.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from replies.models import Disclosure, Reply, Status
from replies.search import SORTS, record_zero_result, search
from replies.search.models import ZeroResultQuery

TITLE = "关于林业保护工作的答复"
CHANGELIST = "admin:replies_zeroresultquery_changelist"


@pytest.fixture
def reply(make_reply):
    return make_reply(title=TITLE, number="321", number_int=321, body="云杉林保护。")


def looked_for(q: str, queryset=None, sort: str = "relevance"):
    """What the search page does: search, then record the query if it found nothing."""
    outcome = search(queryset, q, sort)
    record_zero_result(outcome)
    return outcome


def logged() -> dict[str, int]:
    return dict(ZeroResultQuery.objects.values_list("query", "count"))


def test_a_query_that_finds_nothing_is_recorded_normalised(reply):
    looked_for("ＸＹＺ  無此詞")
    entry = ZeroResultQuery.objects.get()
    assert (entry.query, entry.count, entry.example) == ("xyz 无此词", 1, "ＸＹＺ  無此詞")
    first_seen, last_seen = entry.first_seen, entry.last_seen
    looked_for("xyz　无此词")  # another spelling of the same query
    looked_for("XYZ 无此词", sort="newest")
    entry.refresh_from_db()
    assert entry.count == 3
    assert entry.first_seen == first_seen and entry.last_seen > last_seen
    assert entry.example == "XYZ 无此词"
    assert ZeroResultQuery.objects.count() == 1


def test_operators_are_kept_in_the_normalised_text(reply):
    looked_for('"无此 词组" | 丙丁 -戊己')
    looked_for("ＯＲ")  # malformed: the literal word "or"
    assert logged() == {"无此词组 OR 丙丁 -戊己": 1, "or": 1}


def test_queries_that_find_something_or_ask_nothing_are_not_recorded(reply):
    for q in ("云杉", "云杉 OR 无此词", "第321号", "", "   ", "| | |", '""'):
        looked_for(q)
    assert logged() == {}


def test_a_query_that_finds_only_hidden_replies_is_recorded(make_reply, reply):
    make_reply(title=TITLE, body="草稿独有的词。", status=Status.DRAFT)
    make_reply(title=TITLE, body="内部独有的词。", disclosure=Disclosure.WITHHELD)
    looked_for("草稿独有")
    looked_for("内部独有")
    assert logged() == {"草稿独有": 1, "内部独有": 1}


@pytest.mark.parametrize("sort", SORTS)
def test_nothing_found_only_because_of_a_filter_is_not_recorded(reply, sort):
    filtered = Reply.objects.public().filter(number_int=999)
    assert not looked_for("云杉", filtered, sort).queryset.exists()
    assert logged() == {}
    assert not looked_for("无此词", filtered, sort).queryset.exists()
    assert logged() == {"无此词": 1}


def test_only_the_page_records_and_it_respects_filters(client, reply):
    html = client.get("/", {"q": "云杉", "number": "999"}).content.decode()
    assert "共 <strong>0</strong> 件答复" in html
    assert client.get("/api/replies/", {"q": "云杉", "number": "999"}).json()["count"] == 0
    assert logged() == {}
    client.get("/", {"q": "页面无此词"})
    client.get("/", {"q": "页面无此词", "number": "999"})
    client.get("/api/replies/", {"q": "接口无此词"})
    call_command("search", "命令无此词", stdout=io.StringIO())
    client.get("/feed/", {"q": "订阅无此词"})
    assert logged() == {"页面无此词": 2}


def test_control_characters_and_surrogates_are_recorded_without_them(client, reply):
    assert client.get("/", {"q": "\x00无此词"}).status_code == 200
    looked_for("\udcff无此词\x01")
    entry = ZeroResultQuery.objects.get()
    assert (entry.query, entry.count) == ("无此词", 2)
    assert entry.example == "无此词 "


def test_staff_see_the_log_in_the_admin(client, reply):
    looked_for("无此词甲")
    for _ in range(3):
        looked_for("无此词乙 -云杉")
    url = reverse(CHANGELIST)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    # force_login: django-axes checks every password login against a request.
    client.force_login(
        get_user_model().objects.create_superuser("staff", "staff@example.org", "pw-for-tests")
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "无此词甲" in html and "无此词乙 -云杉" in html
    assert '<td class="field-count">3</td>' in html
    # the log is read-only: staff act on it by adding dictionary terms
    assert client.get(reverse("admin:replies_zeroresultquery_add")).status_code == 403
    search = client.get(url, {"q": "无此词乙"}).content.decode()
    assert "无此词乙 -云杉" in search and "无此词甲" not in search


def test_junk_and_overlong_queries_are_not_recorded(reply, settings):
    settings.SEARCH_ZERO_LOG_MAX_CHARS = 10
    settings.SEARCH_ZERO_LOG_MAX_TERMS = 3
    for q in (
        "无此词" * 4,  # 12 characters
        "甲乙 丙丁 戊己 庚辛",  # four words
        "12345 678",  # no letter or ideograph
        "。，、！？",
        "看 http://垃圾.example",
        "www.无此.cn",
        "无此词" + " " * 60,  # overlong as typed
    ):
        looked_for(q)
    assert logged() == {}
    looked_for("无此词 丙丁 -戊己")
    assert logged() == {"无此词 丙丁 -戊己": 1}


def test_the_log_keeps_at_most_max_rows_and_drops_rows_unseen_for_the_period(reply, settings):
    settings.SEARCH_ZERO_LOG_MAX_ROWS = 3
    settings.SEARCH_ZERO_LOG_DAYS = 30
    for q in ("无此甲", "无此乙", "无此丙", "无此丁"):
        looked_for(q)
    assert logged() == {"无此甲": 1, "无此乙": 1, "无此丙": 1}
    looked_for("无此甲")  # a query already there still counts
    assert logged() == {"无此甲": 2, "无此乙": 1, "无此丙": 1}
    # 无此乙 was last seen 31 days ago: it makes room for a new query
    ZeroResultQuery.objects.filter(query="无此乙").update(
        last_seen=timezone.now() - datetime.timedelta(days=31)
    )
    looked_for("无此丁")
    assert logged() == {"无此甲": 2, "无此丙": 1, "无此丁": 1}
    assert ZeroResultQuery.objects.count() == 3
