"""The jieba/rjieba comparison script runs and finds them (nearly) identical."""

from __future__ import annotations

import pytest

from bench import segmenters


def test_rjieba_agrees_with_jieba_on_generated_replies():
    pytest.importorskip("rjieba")
    result = segmenters.compare(replies=20)
    assert result["documents"] >= 20
    assert result["agreement"] > 0.995
    assert result["rjieba"]["chars_per_s"] > result["jieba"]["chars_per_s"]


def test_user_dictionary_reader(tmp_path):
    path = tmp_path / "userdict.txt"
    path.write_text("# comment\n老旧小区 500 n\n加装电梯\n\n", encoding="utf-8")
    assert segmenters.user_words(path) == [("老旧小区", 500), ("加装电梯", None)]
