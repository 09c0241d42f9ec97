"""The jieba/rjieba comparison script runs and finds them (nearly) identical."""

from __future__ import annotations

import pytest

from bench import segmenters


def test_rjieba_agrees_with_jieba_on_generated_replies():
    pytest.importorskip("rjieba")
    result = segmenters.compare(replies=20)
    assert result["documents"] >= 20
    assert result["rjieba"]["agreement"] > 0.995
    assert result["rjieba_compatible"]["agreement"] >= result["rjieba"]["agreement"]
    assert result["rjieba"]["chars_per_s"] > result["jieba"]["chars_per_s"]


def test_user_dictionary_reader(tmp_path):
    path = tmp_path / "userdict.txt"
    path.write_text("# comment\n老旧小区 500 n\n加装电梯\n\n", encoding="utf-8")
    assert segmenters.user_words(path) == [("老旧小区", 500), ("加装电梯", None)]


def test_jieba_compatible_split_of_joined_ascii_runs():
    tokens = [("0574-66591271", 3, 16), ("covid-19", 20, 28), ("12.5%", 30, 35), ("c#", 40, 42)]
    assert segmenters.jieba_compatible(tokens) == [
        ("0574", 3, 7), ("-", 7, 8), ("66591271", 8, 16),
        ("covid", 20, 25), ("-", 25, 26), ("19", 26, 28),
        ("12.5%", 30, 35), ("c#", 40, 42),
    ]  # fmt: skip
