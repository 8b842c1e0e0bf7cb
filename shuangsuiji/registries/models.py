"""The two directories and the check-item list (一单两库).

- Entity (检查对象名录库) with its risk rating history,
- Inspector (执法检查人员名录库) with unavailable periods and conflicts (回避),
- CheckItem (抽查事项清单).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from simple_history.models import HistoricalRecords

from shuangsuiji import creditcode
from shuangsuiji.core.models import RegionScopedQuerySet


class RiskClass(models.TextChoices):
    A = "A", "A类（低风险）"
    B = "B", "B类（一般风险）"
    C = "C", "C类（较高风险）"
    D = "D", "D类（高风险）"


class EntityStatus(models.TextChoices):
    OPERATING = "operating", "在营"
    SUSPENDED = "suspended", "停业"
    DEREGISTERED = "deregistered", "注销"


def validate_credit_code(value: str) -> None:
    try:
        creditcode.parse(value)
    except creditcode.CreditCodeError as exc:
        raise ValidationError(str(exc)) from exc


class EntityQuerySet(RegionScopedQuerySet):
    region_code_path = "region__code"

    def with_risk_class_on(self, day: datetime.date) -> EntityQuerySet:
        """Annotate ``risk_class_on_day``: the latest rating effective on that day."""
        latest = (
            RiskRating.objects.filter(entity=OuterRef("pk"), effective_date__lte=day)
            .order_by("-effective_date", "-pk")
            .values("risk_class")[:1]
        )
        return self.annotate(risk_class_on_day=Subquery(latest))


class Entity(models.Model):
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField("名称", max_length=200, db_index=True)
    address = models.CharField("地址", max_length=300, blank=True)
    license_no = models.CharField("网络文化经营许可证号", max_length=64, blank=True)
    legal_rep = models.CharField("法定代表人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    industry = models.CharField(
        "行业", max_length=100, blank=True, default="互联网上网服务营业场所", db_index=True
    )
    status = models.CharField(
        "状态", max_length=16, choices=EntityStatus.choices, default=EntityStatus.OPERATING
    )
    region = models.ForeignKey(
        "core.Region", verbose_name="行政区划", on_delete=models.PROTECT, related_name="entities"
    )
    # Cache of the latest rating effective today; the history in RiskRating is the truth.
    risk_class = models.CharField(
        "当前风险等级", max_length=1, choices=RiskClass.choices, blank=True, db_index=True
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = "检查对象"
        verbose_name_plural = "检查对象"
        ordering = ["credit_code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"

    def current_rating(self, day: datetime.date | None = None) -> RiskRating | None:
        day = day or datetime.date.today()
        return (
            self.ratings.filter(effective_date__lte=day).order_by("-effective_date", "-pk").first()
        )


class RiskRating(models.Model):
    """Risk class history: appended, never overwritten."""

    entity = models.ForeignKey(
        Entity, verbose_name="检查对象", on_delete=models.CASCADE, related_name="ratings"
    )
    risk_class = models.CharField("风险等级", max_length=1, choices=RiskClass.choices)
    effective_date = models.DateField("生效日期")
    source = models.CharField("来源", max_length=200, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "风险等级记录"
        verbose_name_plural = "风险等级记录"
        ordering = ["entity", "-effective_date", "-pk"]
        indexes = [models.Index(fields=["entity", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.risk_class}（{self.effective_date} 起）"


class InspectorQuerySet(RegionScopedQuerySet):
    region_code_path = "department__region__code"

    def certified_on(self, day: datetime.date) -> InspectorQuerySet:
        return self.filter(
            Q(certificate_valid_from__isnull=True) | Q(certificate_valid_from__lte=day),
            Q(certificate_valid_to__isnull=True) | Q(certificate_valid_to__gte=day),
        )


class Inspector(models.Model):
    name = models.CharField("姓名", max_length=50)
    department = models.ForeignKey(
        "core.Department",
        verbose_name="部门",
        on_delete=models.PROTECT,
        related_name="inspectors",
    )
    certificate_no = models.CharField("执法证号", max_length=64, unique=True)
    certificate_valid_from = models.DateField("执法证有效期起", null=True, blank=True)
    certificate_valid_to = models.DateField("执法证有效期止", null=True, blank=True)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("联系电话（内部）", max_length=50, blank=True)
    may_lead = models.BooleanField("可任组长", default=False)
    is_expert = models.BooleanField("专家", default=False)
    active = models.BooleanField("在岗", default=True)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspector",
    )
    check_items = models.ManyToManyField(
        "CheckItem", verbose_name="可检查事项", blank=True, related_name="inspectors"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[])

    objects = InspectorQuerySet.as_manager()

    class Meta:
        verbose_name = "执法检查人员"
        verbose_name_plural = "执法检查人员"
        ordering = ["department", "certificate_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"

    def certificate_valid_on(self, day: datetime.date) -> bool:
        if self.certificate_valid_from and day < self.certificate_valid_from:
            return False
        return not (self.certificate_valid_to and day > self.certificate_valid_to)


class Unavailability(models.Model):
    inspector = models.ForeignKey(
        Inspector,
        verbose_name="执法检查人员",
        on_delete=models.CASCADE,
        related_name="unavailable_periods",
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    reason = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "不可用时段"
        verbose_name_plural = "不可用时段"
        ordering = ["inspector", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="unavailability_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start} 至 {self.end}"


class ConflictQuerySet(RegionScopedQuerySet):
    region_code_path = "inspector__department__region__code"


class Conflict(models.Model):
    """回避: an inspector must not be assigned to this entity."""

    inspector = models.ForeignKey(
        Inspector, verbose_name="执法检查人员", on_delete=models.CASCADE, related_name="conflicts"
    )
    entity = models.ForeignKey(
        Entity, verbose_name="检查对象", on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.CharField("回避事由", max_length=300, blank=True)
    declared_on = models.DateField("申报日期", default=datetime.date.today)
    history = HistoricalRecords()

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        ordering = ["inspector", "entity"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "entity"], name="unique_conflict"),
        ]

    def __str__(self) -> str:
        return f"{self.inspector.name} ↔ {self.entity.name}"

    @property
    def department_id(self):
        return self.inspector.department_id


class CheckItemQuerySet(RegionScopedQuerySet):
    region_code_path = "department__region__code"


class CheckItem(models.Model):
    department = models.ForeignKey(
        "core.Department",
        verbose_name="部门",
        on_delete=models.PROTECT,
        related_name="check_items",
    )
    code = models.CharField("编号", max_length=32)
    title = models.CharField("检查内容", max_length=500)
    legal_basis = models.CharField("依据", max_length=500, blank=True)
    method = models.CharField("检查方式", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    objects = CheckItemQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查事项"
        verbose_name_plural = "抽查事项"
        ordering = ["department", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unique_item_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:40]}"


# --- imports: files between preview and commit, and batches being written ------------


class PendingUpload(models.Model):
    """An uploaded file waiting between preview and commit, kept in the database so any
    app server can finish what another began. Only its owner may open it; it expires."""

    token = models.CharField("令牌", max_length=32, unique=True)
    kind = models.CharField("类型", max_length=32)
    filename = models.CharField("文件名", max_length=255)
    owner = models.ForeignKey(
        "accounts.User", verbose_name="上传人", on_delete=models.CASCADE, null=True
    )
    options = models.JSONField("选项", default=dict, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("字节数")
    data = models.BinaryField("内容")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = "待导入文件"
        verbose_name_plural = "待导入文件"

    def __str__(self) -> str:
        return self.filename


class ImportBatchStatus(models.TextChoices):
    WRITING = "writing", "正在写入"
    COMMITTED = "committed", "已完成"
    ROLLED_BACK = "rolled_back", "已撤销"


class ImportBatch(models.Model):
    """One logical import written in several short transactions.

    Every history row the import writes carries ``reason`` as its change reason, so the
    batch can be undone from the history tables alone (also after a crash)."""

    kind = models.CharField("类型", max_length=32)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name="导入人", on_delete=models.SET_NULL, null=True
    )
    status = models.CharField(
        "状态", max_length=16, choices=ImportBatchStatus.choices, default=ImportBatchStatus.WRITING
    )
    reason = models.CharField("变更原因", max_length=100, blank=True)
    rows_written = models.PositiveIntegerField("已写入行数", default=0)
    started_at = models.DateTimeField("开始时间")
    heartbeat_at = models.DateTimeField("最近写入时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"

    def __str__(self) -> str:
        return f"导入批次 #{self.pk}：{self.filename}"


class EntityStatusChange(models.Model):
    """Status history (在营/停业/注销) with the date each status took effect: appended, never
    overwritten. Substitution reasons such as "deregistered before the window" are checked
    against it."""

    entity = models.ForeignKey(
        Entity, verbose_name="检查对象", on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField("状态", max_length=16, choices=EntityStatus.choices)
    effective_date = models.DateField("生效日期")
    source = models.CharField("依据", max_length=200, blank=True)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "检查对象状态记录"
        verbose_name_plural = "检查对象状态记录"
        ordering = ["entity", "-effective_date", "-pk"]
        indexes = [models.Index(fields=["entity", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()}（{self.effective_date} 起）"


def status_before(entity_id: int, day: datetime.date) -> EntityStatusChange | None:
    """The status change in effect on the day before ``day`` (None: no dated record)."""
    return (
        EntityStatusChange.objects.filter(entity_id=entity_id, effective_date__lt=day)
        .order_by("-effective_date", "-pk")
        .first()
    )
