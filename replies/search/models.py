"""Search tables: the per-reply search entry, overflow chunks, dictionary terms, zero results.

``ReplySearch`` holds one row per *public* reply (a reply that is not public has none, so no
search can ever return it). Its ``text`` is the reply's indexed fields, normalised and
compacted (see ``tokenize.search_text``); the character unigrams and bigrams of that text are
never stored: a GIN index over the expression ``replies_search_grams(text)`` (a PL/pgSQL
function from migration 0003) holds them, so the table stays small.

The row also carries the reply's date and proposal number, so that the first page of a
search in date or number order is read from this table alone, walking a B-tree index and
stopping after the page (``replies.search.pages``), with no join per match; and every field
the browse filters and facets read (session, units, sector, proposer, result class, kind),
so that facet counts read these narrow rows alone (``replies.filters``). The row is
rewritten whenever one of them changes (``index._write``).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from replies.search.tokenize import compact


class SearchGrams(models.Func):
    """``replies_search_grams(text)``: the unigram+bigram tsvector the GIN indexes hold."""

    function = "replies_search_grams"
    output_field = SearchVectorField()


class ReplySearch(models.Model):
    """The search entry of one public reply; written only by ``replies.search.index``."""

    reply = models.OneToOneField(
        "replies.Reply",
        models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name="答复",
    )
    text = models.TextField("检索文本")
    head = models.TextField("标题检索文本")
    words = SearchVectorField("词语")
    chunked = models.BooleanField("分块索引", default=False)
    reply_date = models.DateField("答复日期", null=True, blank=True)
    number_int = models.PositiveIntegerField("提案号（排序用）", null=True, blank=True)
    # Copies of the reply's filter and facet fields, named as on Reply so that one
    # ``ReplyFilter`` filters both. No foreign-key constraints: the reply's own keys protect
    # the rows they name, and the entry is rewritten with the reply.
    number = models.CharField("提案号", max_length=32, blank=True, default="")
    session = models.ForeignKey(
        "replies.Session", models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    department = models.ForeignKey(
        "replies.Department", models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    #: The co-handling units other than the lead, in id order.
    co_department_ids = ArrayField(models.BigIntegerField(), default=list)
    sector = models.ForeignKey(
        "replies.Sector", models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    proposer = models.CharField("提案人", max_length=200, blank=True, default="")
    result_class = models.CharField("办理结果类别", max_length=1, blank=True, default="")
    doc_kind = models.CharField("文种", max_length=10, blank=True, default="")
    indexed_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"
        indexes = [
            GinIndex(SearchGrams("text"), name="replysearch_text_grams"),
            GinIndex(SearchGrams("head"), name="replysearch_head_grams"),
            GinIndex(fields=["words"], name="replysearch_words"),
            models.Index(
                models.F("reply_date").desc(nulls_last=True),
                models.F("reply_id").desc(),
                name="replysearch_newest",
            ),
            models.Index(
                models.F("reply_date").asc(nulls_last=True),
                models.F("reply_id").asc(),
                name="replysearch_oldest",
            ),
            models.Index(
                models.F("number_int").asc(nulls_last=True),
                models.F("reply_date").desc(nulls_last=True),
                models.F("reply_id").asc(),
                name="replysearch_number",
            ),
        ]

    def __str__(self) -> str:
        return str(self.reply_id)


class ReplySearchChunk(models.Model):
    """A piece of a very long reply's search text (with overlap), indexed like ``text``."""

    entry = models.ForeignKey(ReplySearch, models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        verbose_name = "检索分块"
        verbose_name_plural = "检索分块"
        constraints = [
            models.UniqueConstraint(fields=["entry", "ordinal"], name="replysearchchunk_order")
        ]
        indexes = [GinIndex(SearchGrams("text"), name="replysearchchunk_grams")]

    def __str__(self) -> str:
        return f"{self.entry_id}#{self.ordinal}"


class UserDictionaryTerm(models.Model):
    """A domain word staff add to the segmenter (on top of fixtures/userdict.txt)."""

    term = models.CharField("词语", max_length=40, unique=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "检索词典词语"
        verbose_name_plural = "检索词典"
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        self.term = compact(self.term)
        super().save(*args, **kwargs)


class ZeroResultQuery(models.Model):
    """A query that found nothing, by its normalised text, for staff to act on."""

    query = models.CharField("检索词（规范化）", max_length=300, unique=True)
    example = models.CharField("原始输入示例", max_length=300, blank=True)
    count = models.PositiveIntegerField("次数", default=0)
    first_seen = models.DateTimeField("首次出现", auto_now_add=True)
    last_seen = models.DateTimeField("最近出现", auto_now=True)

    class Meta:
        verbose_name = "无结果检索"
        verbose_name_plural = "无结果检索"
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.query
