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


def _gram_match(doc: str, term: str) -> bool:
    """What the tsquery built from term_grams does against the tsvector built from grams."""
    positions: dict[str, set[int]] = {}
    for gram, pos in tk.grams(doc):
        positions.setdefault(gram, set()).add(pos)
    wanted = tk.term_grams(term)
    if len(wanted) == 1 and len(wanted[0][0]) == 1:
        return any(g.startswith(wanted[0][0]) for g in positions)
    first, _ = wanted[0]
    return any(
        all(p + off in positions.get(g, ()) for g, off in wanted) for p in positions.get(first, ())
    )


@given(CJK_TEXT, st.integers(0, 60), st.integers(1, 8))
@settings(max_examples=500)
def test_gram_phrase_matches_exactly_literal_containment(doc, start, size):
    units = tk.compact(doc)
    if not units:
        return
    start %= len(units)
    term = units[start : start + size]
    assert _gram_match(doc, term)


@given(CJK_TEXT, CJK_TEXT)
@settings(max_examples=500)
def test_gram_phrase_never_matches_what_is_not_there(doc, term):
    if not tk.compact(term):
        return
    assert _gram_match(doc, term) == (tk.compact(term) in tk.compact(doc))


def test_term_grams_pin_every_character():
    for n in range(1, 12):
        term = "".join(chr(0x4E00 + i) for i in range(n))
        covered = set()
        for gram, off in tk.term_grams(term):
            covered.update(range(off, off + len(gram)))
        assert covered == set(range(n))
