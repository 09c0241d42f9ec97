"""One rule for numbers: every caller (ingest, models, filters, search) agrees with numerals."""

from __future__ import annotations

import pytest

from replies.filters import ReplyFilter
from replies.ingest.numerals import (
    number_sort_key,
    parse_number_input,
    to_chinese,
    to_int,
)
from replies.ingest.parsed import ParsedReply
from replies.models import Reply, Session
from replies.search.parse import parse_query, parse_session

#: (proposal number as printed, its sort integer, what typing it in the number filter means)
PRINTED = [
    ("027", 27, 27),
    ("046", 46, 46),
    ("0024", 24, 24),
    ("5", 5, 5),
    ("第56号", 56, 56),
    ("０４６", 46, 46),  # full-width digits
    ("第五十六号", 56, 56),
    ("2021-24", 24, None),  # year and number: sorts as 24 within its year, typed as text
    ("第2021-24号", 24, None),
    ("B-12", 12, None),
    ("2021-B-003", 3, None),
    ("十五", 15, None),  # Chinese numerals alone are a word, not a typed number
    ("", None, None),
    ("无", None, None),
    ("1234567890", None, None),  # beyond an integer column
]


@pytest.mark.parametrize(("printed", "sort", "typed"), PRINTED)
def test_every_caller_reads_a_number_the_same_way(printed, sort, typed):
    assert number_sort_key(printed) == sort
    assert ParsedReply(number=printed or None).number_int == sort
    assert parse_number_input(printed) == typed
    assert parse_query(printed).number == typed
    if typed is not None:  # typing what is printed finds it
        assert typed == sort


@pytest.mark.parametrize(
    ("typed", "value"),
    [("005", 5), ("第005号", 5), (" 第 12 号 ", 12), ("５", 5), ("第五号", 5), ("abc", None)],
)
def test_typed_numbers(typed, value):
    assert parse_number_input(typed) == value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (100, "一百"),
        (105, "一百零五"), (110, "一百一十"), (1010, "一千零一十"), (0, "0"), (10000, "10000"),
    ],
)  # fmt: skip
def test_chinese_both_ways(value, text):
    assert to_chinese(value) == text
    assert to_int(text) == value


def test_chinese_round_trip():
    assert all(to_int(to_chinese(n)) == n for n in range(1, 10_000))


def test_sessions_read_and_written_alike(db):
    session = Session.objects.create(council="长宁区政协", term=15, number=3)
    assert session.label == "十五届三次会议"
    assert parse_session(session.label) == (15, 3)
    assert parse_session("第十五届第三次会议") == parse_session("15届3次") == (15, 3)


def test_the_number_filter_finds_what_the_ingest_stored(make_reply):
    printed = ["０４６", "第2021-24号", "B-12"]
    replies = [make_reply(number=n, number_int=number_sort_key(n)) for n in printed]

    def found(value: str) -> list[Reply]:
        return list(ReplyFilter({"number": value}, Reply.objects.all()).qs)

    assert found("46") == found("第046号") == [replies[0]]
    assert found("24") == found("第2021-24号") == [replies[1]]
    assert found("B-12") == [replies[2]]
