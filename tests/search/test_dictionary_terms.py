"""Staff dictionary terms: adding, editing or removing one re-indexes the replies that contain it
(signals → ``replies.search.index.dictionary_changed`` → on commit), from the ORM and the admin.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from replies.search import index, search, tokenize
from replies.search.models import ReplySearch, UserDictionaryTerm, ZeroResultQuery

#: Not a word for jieba: cut into 鲸岭 / 杉湾 / 带 until staff add it.
WORD = "鲸岭杉湾带"
TITLE = "关于林业保护工作的答复"


def lexeme(word: str) -> str:
    return tokenize.tsquery_literal(word)


def words_of(reply) -> str:
    return ReplySearch.objects.get(pk=reply.pk).words


@pytest.fixture
def dictionary(db):
    """Start from the database's terms and leave the process's segmenter as other tests expect."""
    index.ensure_dictionary(max_age=0)
    yield
    tokenize.set_extra_terms([])
    index._Dictionary.version = None  # reload from the (rolled back) database on next use


@pytest.fixture
def reindexed(monkeypatch):
    """Ids passed to index_replies (which still runs)."""
    seen: list[int] = []
    real = index.index_replies

    def spy(ids):
        ids = list(ids)
        seen.extend(ids)
        return real(ids)

    monkeypatch.setattr(index, "index_replies", spy)
    return seen


@pytest.fixture
def docs(make_reply, dictionary):
    return {
        "has": make_reply(title=TITLE, body=f"推进{WORD}建设。"),
        "also": make_reply(title=TITLE, body=f"第二份答复也提到{WORD}。"),
        "not": make_reply(title=TITLE, body="与此无关的内容。"),
    }


def test_the_word_is_not_a_token_before(docs):
    assert [w.text for w in tokenize.words(WORD)] != [WORD]
    assert lexeme(WORD) not in words_of(docs["has"])


def test_adding_a_term_reindexes_exactly_the_replies_containing_it(
    docs, reindexed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        UserDictionaryTerm.objects.create(term=WORD)
    assert callbacks, "the re-index runs on commit"
    assert sorted(reindexed) == sorted([docs["has"].pk, docs["also"].pk])
    assert lexeme(WORD) in words_of(docs["has"]) and lexeme(WORD) in words_of(docs["also"])
    assert lexeme(WORD) not in words_of(docs["not"])
    assert [w.text for w in tokenize.words(WORD)] == [WORD]
    # matching is literal either way: the word and pieces across its old cuts are found
    for q in (WORD, "杉湾带建", "岭杉"):
        got = set(search(None, q).queryset.values_list("pk", flat=True))
        assert docs["has"].pk in got and docs["not"].pk not in got, q


def test_nothing_happens_before_commit(docs, reindexed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        UserDictionaryTerm.objects.create(term=WORD)
    assert reindexed == [] and lexeme(WORD) not in words_of(docs["has"])


def test_a_term_is_stored_normalised(docs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        term = UserDictionaryTerm.objects.create(term=" 鯨嶺杉灣帶 ")  # traditional, spaces
    assert term.term == WORD
    assert lexeme(WORD) in words_of(docs["has"])


def test_removing_a_term_reindexes_without_it(docs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        term = UserDictionaryTerm.objects.create(term=WORD)
    assert lexeme(WORD) in words_of(docs["has"])
    with django_capture_on_commit_callbacks(execute=True):
        term.delete()
    assert lexeme(WORD) not in words_of(docs["has"])


def test_editing_a_term_reindexes_the_replies_of_the_old_and_the_new_word(
    docs, make_reply, django_capture_on_commit_callbacks
):
    other_word = "鹭洲杉湾带"
    renamed = make_reply(title=TITLE, body=f"规划{other_word}。")
    with django_capture_on_commit_callbacks(execute=True):
        term = UserDictionaryTerm.objects.create(term=WORD)
    with django_capture_on_commit_callbacks(execute=True):
        term.term = other_word
        term.save()
    assert lexeme(WORD) not in words_of(docs["has"])
    assert lexeme(other_word) in words_of(renamed)
    for reply in (*docs.values(), renamed):  # the index is what a full rebuild gives
        assert words_of(reply) == _fresh_words(reply)


def _fresh_words(reply) -> str:
    index.index_replies([reply.pk])
    return words_of(reply)


@pytest.fixture
def staff_client(client, db):
    # force_login: django-axes checks every password login against a request.
    client.force_login(
        get_user_model().objects.create_superuser("staff", "staff@example.org", "pw-for-tests")
    )
    return client


def test_adding_a_term_in_the_admin_reindexes(
    staff_client, docs, django_capture_on_commit_callbacks
):
    url = reverse("admin:replies_userdictionaryterm_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"term": WORD, "note": "测试用词"}, follow=True)
    assert response.status_code == 200
    assert "含此词的答复将重新建立索引" in response.content.decode()
    assert UserDictionaryTerm.objects.filter(term=WORD).exists()
    assert lexeme(WORD) in words_of(docs["has"])


def test_zero_result_queries_can_be_added_to_the_dictionary(
    staff_client, docs, django_capture_on_commit_callbacks
):
    staff_client.get("/", {"q": f"{WORD}甲 OR 乙丙丁 -戊己"})  # the search page logs it
    entry = ZeroResultQuery.objects.get()
    url = reverse("admin:replies_zeroresultquery_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"action": "add_to_dictionary", "_selected_action": [entry.pk]}
        )
    assert response.status_code == 302
    terms = set(UserDictionaryTerm.objects.values_list("term", flat=True))
    assert terms == {f"{WORD}甲", "乙丙丁"}
