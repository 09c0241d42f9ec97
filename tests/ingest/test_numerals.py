import datetime

import pytest

from replies.ingest.numerals import is_date_line, parse_date, to_int


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十五", 15), ("三", 3), ("十", 10), ("二十", 20), ("二十一", 21), ("一百零五", 105),
        ("两", 2), ("二〇二四", 2024), ("二○二三", 2023), ("15", 15), ("１５", 15),
        ("十 二", 12), ("", None), ("十五届", None), ("abc", None),
    ],
)  # fmt: skip
def test_to_int(text, value):
    assert to_int(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二〇二四年四月三十日", datetime.date(2024, 4, 30)),
        ("二〇二〇年七月二十日", datetime.date(2020, 7, 20)),
        ("二○二三年十二月三十一日", datetime.date(2023, 12, 31)),
        ("2024年 4月 30日", datetime.date(2024, 4, 30)),
        ("2024 年 4 月 30 日", datetime.date(2024, 4, 30)),
        ("２０２４年４月３０日", datetime.date(2024, 4, 30)),
        ("2024-07-15", datetime.date(2024, 7, 15)),
        ("2024.7.5", datetime.date(2024, 7, 5)),
        ("截至2023年底", None),
        ("2024年2月30日", None),
    ],
)
def test_parse_date(text, value):
    assert parse_date(text) == value


def test_is_date_line():
    assert is_date_line(" 2024年 4月 30日 ")
    assert is_date_line("二〇二〇年七月二十日")
    assert not is_date_line("2023年，全市办理跨省异地就医备案5.6万人次")
    assert not is_date_line("长宁区科学技术委员会 2024年4月30日")
