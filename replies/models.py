"""The archive's data: sessions, handling departments, sectors, replies and their sections."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.text import slugify

from replies.ingest.numerals import to_chinese


def unicode_slug(text: str) -> str:
    """A readable slug that keeps Chinese characters."""
    return slugify(text, allow_unicode=True) or "x"


class Session(models.Model):
    """One session (次会议) of one term (届) of a council (政协)."""

    council = models.CharField("政协", max_length=60)
    council_slug = models.SlugField("政协标识", max_length=80, allow_unicode=True, editable=False)
    term = models.PositiveSmallIntegerField("届")
    number = models.PositiveSmallIntegerField("次会议")
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    opened_on = models.DateField(
        "开幕日期", null=True, blank=True, help_text="用于统计从会议开幕到答复的天数。"
    )

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["council", "-term", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "term", "number"], name="session_council_term_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council}{self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.council_slug = unicode_slug(self.council)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{to_chinese(self.term)}届{to_chinese(self.number)}次会议"


class NamedModel(models.Model):
    """A record known by a unique name, with a readable slug made from it.

    Its other names live in ``aliases`` (short names, and former names after a rename or a
    merge) and its former slugs in ``former_slugs``, so old links still find it.
    """

    name = models.CharField("名称", max_length=120, unique=True)
    slug = models.SlugField("标识", max_length=140, unique=True, allow_unicode=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unicode_slug(self.name)
        super().save(*args, **kwargs)

    @classmethod
    def match(cls, name: str) -> Any:
        """Find a record by its current name or one of its aliases (former names included)."""
        name = "".join(name.split())
        found = cls.objects.filter(name=name).first()
        if found is None:
            found = cls.objects.filter(aliases__name=name).first()
        return found

    @classmethod
    def match_or_create(cls, name: str) -> Any:
        """Find a record through its name or aliases, creating it when new."""
        name = "".join(name.split())
        return cls.match(name) or cls.objects.get_or_create(name=name)[0]

    @classmethod
    def by_slug(cls, slug: str) -> tuple[Any, bool]:
        """(the record, whether ``slug`` is its current slug); (None, False) when unknown."""
        found = cls.objects.filter(slug=slug).first()
        if found is not None:
            return found, True
        return cls.objects.filter(former_slugs__slug=slug).first(), False


class Department(NamedModel):
    """A handling unit (承办单位); its short and former names live in DepartmentAlias."""

    class Meta(NamedModel.Meta):
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"


class DepartmentAlias(models.Model):
    """Another name a department is known by (区科委 → 长宁区科学技术委员会)."""

    department = models.ForeignKey(Department, models.CASCADE, related_name="aliases")
    name = models.CharField("简称或别名", max_length=120, unique=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FormerSlug(models.Model):
    """A slug a record had before a rename or a merge; its old links redirect (301)."""

    slug = models.SlugField("原标识", max_length=140, unique=True, allow_unicode=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.slug


class DepartmentFormerSlug(FormerSlug):
    department = models.ForeignKey(Department, models.CASCADE, related_name="former_slugs")

    class Meta:
        verbose_name = "单位原标识"
        verbose_name_plural = "单位原标识"


class Sector(NamedModel):
    """A CPPCC sector (界别), named without the word 界别."""

    class Meta(NamedModel.Meta):
        verbose_name = "界别"
        verbose_name_plural = "界别"


class SectorAlias(models.Model):
    """A former name of a sector (after a rename or a merge)."""

    sector = models.ForeignKey(Sector, models.CASCADE, related_name="aliases")
    name = models.CharField("原名称或别名", max_length=120, unique=True)

    class Meta:
        verbose_name = "界别别名"
        verbose_name_plural = "界别别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SectorFormerSlug(FormerSlug):
    sector = models.ForeignKey(Sector, models.CASCADE, related_name="former_slugs")

    class Meta:
        verbose_name = "界别原标识"
        verbose_name_plural = "界别原标识"


class ResultClass(models.TextChoices):
    A = "A", "A类（解决或采纳）"
    B = "B", "B类（列入计划拟解决）"
    C = "C", "C类（留作参考）"


class ResultLabel(models.Model):
    """Maps a handling-result label as printed to its class; staff edit this table."""

    label = models.CharField("办理结果", max_length=60, unique=True)
    result_class = models.CharField("类别", max_length=1, choices=ResultClass.choices)

    class Meta:
        verbose_name = "办理结果分类"
        verbose_name_plural = "办理结果分类"
        ordering = ["result_class", "label"]

    def __str__(self) -> str:
        return f"{self.label} → {self.result_class}"

    @classmethod
    def as_mapping(cls) -> dict[str, str]:
        return dict(cls.objects.values_list("label", "result_class"))


class DocKind(models.TextChoices):
    REPLY = "答复", "答复"
    LETTER = "答复函", "答复函"
    CO_OPINION = "会办意见", "会办意见"


class Disclosure(models.TextChoices):
    PUBLIC = "public", "公开发布"
    ON_REQUEST = "on_request", "依申请公开"
    WITHHELD = "withheld", "不予公开"
    UNKNOWN = "unknown", "未标注"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


#: Shown where a reply has neither a title nor a proposal title.
UNTITLED = "（无标题答复）"


#: Characters of a body that listings, feeds and API summaries read for their snippets: a
#: page costs the same whatever the length of the replies on it.
EXCERPT_CHARS = 20_000


class ReplyQuerySet(models.QuerySet):
    def public(self) -> ReplyQuerySet:
        """Replies anyone may see: published and not marked 不予公开."""
        return self.filter(status=Status.PUBLISHED).exclude(disclosure=Disclosure.WITHHELD)


class Reply(models.Model):
    """A government unit's written reply to one CPPCC proposal."""

    session = models.ForeignKey(
        Session, models.PROTECT, null=True, blank=True, related_name="replies", verbose_name="会议"
    )
    number = models.CharField("提案号", max_length=32, blank=True)
    number_int = models.PositiveIntegerField("提案号（排序用）", null=True, blank=True)
    doc_kind = models.CharField(
        "文种", max_length=8, choices=DocKind.choices, default=DocKind.REPLY
    )
    title = models.CharField("标题", max_length=300, blank=True)
    proposal_title = models.CharField("提案标题", max_length=300, blank=True)
    proposer = models.CharField("提案人", max_length=200, blank=True)
    sector = models.ForeignKey(
        Sector, models.PROTECT, null=True, blank=True, related_name="replies", verbose_name="界别"
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="承办单位",
    )
    co_departments = models.ManyToManyField(
        Department, blank=True, related_name="co_replies", verbose_name="会办单位"
    )
    result_label = models.CharField("办理结果", max_length=60, blank=True)
    result_class = models.CharField(
        "结果类别", max_length=1, choices=ResultClass.choices, blank=True
    )
    signer = models.CharField("签发人", max_length=60, blank=True)
    reply_date = models.DateField("答复日期", null=True, blank=True)
    disclosure = models.CharField(
        "公开属性", max_length=12, choices=Disclosure.choices, default=Disclosure.UNKNOWN
    )
    contact_name = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=60, blank=True)
    contact_address = models.CharField("通讯地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=12, blank=True)
    body = models.TextField("正文", blank=True, help_text="清理后的正文，每段一行。")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    needs_review = models.BooleanField(
        "需要核对",
        default=False,
        help_text="导入时缺少标题、政协、届次或提案号等，须人工核对；核对完成后取消勾选才能发布。",
    )
    is_sample = models.BooleanField("示例数据", default=False)
    source_file = models.FileField("原始文件", upload_to="sources/%Y/%m/", blank=True)
    source_name = models.CharField("原始文件名", max_length=255, blank=True)
    source_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True, db_index=True)
    source_format = models.CharField("文件格式", max_length=12, blank=True)
    source_meta = models.JSONField("来源元数据", default=dict, blank=True)
    warnings = models.JSONField("解析提示", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    #: When the reply last became public (published, not 不予公开); NULL while it is not.
    #: Kept by a database trigger (migration 0015) on every insert and update, whichever
    #: code path publishes; email alerts send the replies made public since a subscription.
    public_since = models.DateTimeField("公开时间", null=True, blank=True, editable=False)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["-reply_date", "-id"]
        # Held by the 审核 group (migration 0011); 录入 imports and edits drafts only.
        permissions = [("publish_reply", "可以发布和撤回答复")]
        constraints = [
            # Only a reply whose session and number are known has a natural key; replies
            # without one are told apart by their source file (SHA-256).
            models.UniqueConstraint(
                fields=["session", "number", "department", "doc_kind"],
                name="reply_natural_key",
                nulls_distinct=False,
                condition=models.Q(session__isnull=False) & ~models.Q(number=""),
            ),
            models.CheckConstraint(
                condition=~models.Q(needs_review=True, status=Status.PUBLISHED),
                name="reply_review_before_publishing",
                violation_error_message="需要核对的答复不能发布：请先核对并取消“需要核对”。",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "disclosure"], name="reply_visibility"),
            models.Index(fields=["reply_date"], name="reply_date"),
            models.Index(fields=["number_int"], name="reply_number_int"),
            # The few flagged replies, for the admin's 需要核对 filter.
            models.Index(
                fields=["id"], condition=models.Q(needs_review=True), name="reply_needs_review"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("replies:detail", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        """The title, else the proposal title, else 「（无标题答复）」."""
        return self.title or self.proposal_title or UNTITLED

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.disclosure != Disclosure.WITHHELD

    def snapshot(self) -> dict[str, Any]:
        """The reply's editable state as plain JSON data, for ReplyVersion."""
        data = {
            field.attname: field.value_from_object(self)
            for field in self._meta.concrete_fields
            if field.attname not in {"id", "created_at", "updated_at", "source_file"}
            and not getattr(field, "_search_internal", False)
        }
        data["co_departments"] = sorted(self.co_departments.values_list("pk", flat=True))
        data["sections"] = [
            {"order": s.order, "number": s.number, "heading": s.heading, "text": s.text}
            for s in self.sections.all()
        ]
        return data

    def save_version(self, reason: str, user: Any = None) -> ReplyVersion:
        """Record the reply as it is now, so a later edit can be undone."""
        return ReplyVersion.objects.create(
            reply=self,
            reason=reason,
            data=self.snapshot(),
            source_file=self.source_file.name or "",
            source_sha256=self.source_sha256,
            created_by=user if user is not None and user.is_authenticated else None,
        )


class ReplySection(models.Model):
    """A numbered top-level part of a reply (一、二、…)."""

    reply = models.ForeignKey(Reply, models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("顺序")
    number = models.PositiveSmallIntegerField("序号")
    heading = models.CharField("标题", max_length=300)
    text = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "答复章节"
        verbose_name_plural = "答复章节"
        ordering = ["reply", "order"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "order"], name="section_reply_order")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class ReplyVersion(models.Model):
    """A saved earlier state of a reply, with the source file it came from."""

    reply = models.ForeignKey(Reply, models.CASCADE, related_name="versions")
    created_at = models.DateTimeField("保存时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="操作人"
    )
    reason = models.CharField("原因", max_length=200)
    data = models.JSONField("内容", encoder=DjangoJSONEncoder)
    source_file = models.CharField("原始文件", max_length=255, blank=True)
    source_sha256 = models.CharField("文件 SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "历史版本"
        verbose_name_plural = "历史版本"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reply_id} @ {self.created_at:%Y-%m-%d %H:%M}"


# The search tables live with the search code; importing them here registers them with the app.
from replies.alerts.models import AlertSent, Subscription  # noqa: E402, F401
from replies.ratelimit import RateCounter  # noqa: E402, F401
from replies.search.models import (  # noqa: E402, F401
    ReplySearch,
    ReplySearchChunk,
    UserDictionaryTerm,
    ZeroResultQuery,
)


def attach_body_start(replies: list[Reply]) -> list[Reply]:
    """Set ``body_start``, the first :data:`EXCERPT_CHARS` characters of the body, on each of
    ``replies`` (loaded without their body): one query for these rows only, after the page is
    chosen, so neither a huge body nor the number of matches adds to a listing's work."""
    starts = dict(
        Reply.objects.filter(pk__in=[reply.pk for reply in replies])
        .annotate(body_start=Left("body", EXCERPT_CHARS))
        .values_list("pk", "body_start")
    )
    for reply in replies:
        reply.body_start = starts.get(reply.pk, "")
    return replies
