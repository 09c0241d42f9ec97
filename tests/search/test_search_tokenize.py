"""Normalisation, segmentation and character grams (pure functions)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from replies.search import tokenize as tk

CJK_TEXT = st.text(
    alphabet=st.sampled_from("上海硅巷科创街区城市更新老旧小区加装电梯體後於ＡＩ５Ｇai5G，。“” \n"),
    max_size=60,
)


def test_traditional_folds_to_simplified():
    assert tk.normalize("繁體中文檢索後") == "繁体中文检索后"


def test_full_width_and_case_fold_to_half_width_lower():
    assert tk.normalize("ＡＩ５Ｇ２０２３年") == "ai5g2023年"
    assert tk.normalize("AI") == tk.normalize("ａｉ") == "ai"


def test_compatibility_forms_and_controls():
    assert tk.normalize("⼀") == "一"  # Kangxi radical from PDF extraction
    assert tk.normalize("a\x00b\u200bc\ud800d\u3000e") == "a b c d e"


def test_compact_drops_whitespace_only():
    assert tk.compact(" 第 005 号\n提案， ") == "第005号提案,"


@given(st.text(max_size=80))
@settings(max_examples=300)
def test_normalize_is_a_per_character_map(text):
    norm = tk.normalize(text)
    assert len(norm) == len(text)
    assert tk.normalize(norm) == norm
    for i in range(0, len(text), 7):
        assert tk.normalize(text[i : i + 5]) == norm[i : i + 5]


def test_words_use_user_dictionary_and_subwords():
    texts = [w.text for w in tk.words("打造上海硅巷科创街区")]
    assert "上海硅巷" in texts
    assert "硅巷" in texts
    assert "上海" in texts


def test_words_are_normalised_and_skip_punctuation():
    assert [w.text for w in tk.words("ＡＩ，繁體")] == [w.text for w in tk.words("ai,繁体")]
    assert all(tk.is_wordlike(w.text) for w in tk.words("“上海”，。！"))


def test_words_keep_offsets_into_original_text():
    text = "推动ＡＩ发展"
    for word in tk.words(text):
        assert tk.normalize(text[word.start : word.end]) == word.text


def test_sub_words_share_ordinal_of_their_token():
    words = tk.words("长宁区科学技术委员会")
    ordinals = {w.text: w.ordinal for w in words}
    assert ordinals["科学"] == ordinals["科学技术委员会"]
    assert [w.text for w in words if not w.sub] == ["长宁区", "科学技术委员会"]


def test_extra_terms_change_segmentation():
    try:
        tk.set_extra_terms([])
        assert "滨江慢行道" not in [w.text for w in tk.words("建设滨江慢行道")]
        assert tk.set_extra_terms(["濱江慢行道"])  # normalised on the way in
        assert "滨江慢行道" in [w.text for w in tk.words("建设滨江慢行道")]
        assert not tk.set_extra_terms(["滨江慢行道"])
    finally:
        tk.set_extra_terms([])


def _gram_filter(doc: str, term: str) -> bool:
    """What the GIN index answers: the doc has every gram the term needs."""
    return set(tk.term_lexemes(term)) <= tk.text_lexemes(tk.search_text([doc]))


@given(CJK_TEXT, st.integers(0, 60), st.integers(1, 8))
@settings(max_examples=500)
def test_grams_never_lose_a_literal_match(doc, start, size):
    units = tk.compact(doc)
    if not units:
        return
    start %= len(units)
    assert _gram_filter(doc, units[start : start + size])


@given(CJK_TEXT, CJK_TEXT)
@settings(max_examples=500)
def test_short_terms_are_exact_in_the_gram_index(doc, term):
    term = tk.compact(term)[:2]
    if term:
        assert _gram_filter(doc, term) == (term in tk.compact(doc))


def test_term_lexemes():
    assert tk.term_lexemes("Ａ") == ["a"]
    assert tk.term_lexemes("上海") == ["上海"]
    assert tk.term_lexemes("城市 更新") == ["城市", "市更", "更新"]
    assert tk.term_lexemes("哈哈哈") == ["哈哈"]
    assert tk.term_lexemes("  ") == []


def test_search_text_separates_fields():
    text = tk.search_text(["上海", "", "硅巷 街区"])
    assert text == "上海\x1f硅巷街区"
    assert "海硅" not in text
    assert tk.tsquery_literal("a'b\\c") == "'a''b\\\\c'"


@settings(max_examples=200, deadline=None)
@given(CJK_TEXT | st.sampled_from(["中华人民共和国科学技术委员会关于推进长三角一体化的答复"]))
def test_long_words_are_the_long_tokens_of_words(text):
    expected = [w.text for w in tk.words(text) if len(w.text) >= 3]
    assert tk.long_words(text, 3) == expected
