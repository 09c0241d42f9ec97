"""Subscriptions (created only once confirmed) and the replies each one was sent."""

from __future__ import annotations

from django.db import models


class Subscription(models.Model):
    """One confirmed address following one query and filters (the listing's GET state)."""

    email = models.EmailField("邮箱地址", max_length=254)
    #: The listing state followed: q and filters (department, sector, session …), no page/sort.
    params = models.JSONField("检索条件", default=dict, blank=True)
    description = models.CharField("订阅内容", max_length=500, blank=True)
    created_at = models.DateTimeField("订阅时间", auto_now_add=True)
    #: Replies made public after this moment are owed (set by the database clock).
    confirmed_at = models.DateTimeField("确认时间")
    last_sent_at = models.DateTimeField("上次发送", null=True, blank=True)
    active = models.BooleanField(
        "启用", default=True, help_text="停用后不再发送提醒（订阅者退订时记录直接删除）。"
    )

    class Meta:
        app_label = "replies"
        verbose_name = "邮件订阅"
        verbose_name_plural = "邮件订阅"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["email", "params"], name="alert_one_per_address"),
        ]
        indexes = [models.Index(fields=["email"], name="alert_email")]

    def __str__(self) -> str:
        return f"{self.email}：{self.description or '全部新答复'}"


class AlertSent(models.Model):
    """A reply that went out (or is going out) to a subscription: never twice."""

    subscription = models.ForeignKey(Subscription, models.CASCADE, related_name="sent")
    reply = models.ForeignKey("replies.Reply", models.CASCADE, related_name="+")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        app_label = "replies"
        verbose_name = "已发送提醒"
        verbose_name_plural = "已发送提醒"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "reply"], name="alert_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} → {self.reply_id}"
