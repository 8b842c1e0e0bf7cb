"""Append-only, hash-chained audit log (全程留痕).

Each row's ``entry_hash`` is SHA-256 over the previous row's hash and the row's own
canonical content, so editing, deleting, inserting or reordering any row breaks the
chain from that row on (see ``shuangsuiji.audit.chain``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuditEntryQuerySet:
        """Rows of the user's region scope: the row's region, or for rows written before
        rows carried one, the acting account's region. Rows of no region (command line,
        backups) only for unscoped viewers (superusers, the command line)."""
        prefix = getattr(user, "scope_prefix", None)
        if prefix is None:
            return self.none()
        if prefix == "":
            return self
        return self.filter(
            Q(region_code__startswith=prefix)
            | Q(region_code="", actor__department__region__code__startswith=prefix)
        )


class AuditEntry(models.Model):
    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150)
    department = models.CharField("部门", max_length=100, blank=True)
    # The region the row concerns (the object's, else the actor's): who may read it.
    region_code = models.CharField("行政区划代码", max_length=6, blank=True, db_index=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    before_digest = models.CharField("变更前摘要", max_length=64, blank=True)
    after_digest = models.CharField("变更后摘要", max_length=64, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64)
    entry_hash = models.CharField("本条哈希", max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class ChainHeadQuerySet(models.QuerySet):
    def published(self):
        """Every day's head is public (the portal and ``heads.json``)."""
        return self.order_by("-day")


class ChainHead(models.Model):
    """The last row of one day (北京时间) of the chain: its seq and hash.

    ``record`` moves the head of the day in the same transaction as the row it writes, so
    the table always names the last row. The portal publishes the table; anybody who keeps
    a copy can later show that the chain was cut short or rewritten (``ssj audit verify
    --heads``). The day's head is final once the next day's first row is written.
    """

    day = models.DateField("日期", unique=True)
    seq = models.BigIntegerField("链头序号", unique=True)
    entry_hash = models.CharField("链头哈希", max_length=64)
    at = models.DateTimeField("链头记录时间")

    objects = ChainHeadQuerySet.as_manager()

    class Meta:
        verbose_name = "审计链每日链头"
        verbose_name_plural = "审计链每日链头"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} #{self.seq} {self.entry_hash[:12]}…"
