"""Annual plans (抽查计划), their tasks (抽查任务) and the draws (摇号) made for them.

A task holds everything the draw is computed from: the object scope (region, industry,
risk classes), the sampling rate per class, the rounding rule, the inspection window, the
exclusion rules and the team rules. A draw freezes those into a public announcement; once
revealed it is immutable (see ``services_draws``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, TextChoices
from simple_history.models import HistoricalRecords

from shuangsuiji.core.labels import percent
from shuangsuiji.core.models import RegionScopedQuerySet
from shuangsuiji.drawengine import SUBSTITUTION_REASONS


class Rounding(models.TextChoices):
    CEIL_MIN1 = "ceil-min1", "向上取整，非空分层至少 1 户"
    CEIL = "ceil", "向上取整"
    ROUND_HALF_UP = "round-half-up", "四舍五入"


class TeamMode(models.TextChoices):
    PER_INSPECTION = "per-inspection", "每户一组（每次检查随机组队）"
    PER_TASK = "per-task", "每个任务一组"


class ExclusionReason(models.TextChoices):
    DEREGISTERED = "deregistered", "已注销"
    SUSPENDED = "suspended", "停业"
    INSPECTED_RECENTLY = "inspected-within-window", "近期已被同一部门检查"
    DRAWN_IN_PLAN = "drawn-in-plan", "已在本计划其他任务中就相同事项被抽中"
    YEARLY_LIMIT = "yearly-limit", "本年度已达同一部门检查次数上限"


class ScopeFilter(TextChoices):
    """Why an entity of the task's region is outside the task's scope (not a draw rule)."""

    INDUSTRY_EMPTY = "industry-empty", "未填写行业"
    INDUSTRY_OTHER = "industry-not-in-scope", "行业不在本任务范围"
    UNRATED = "unrated", "在评级日无风险等级"
    CLASS_NOT_IN_SCOPE = "class-not-in-scope", "风险等级不在本任务抽查范围"


class RatingBasis(TextChoices):
    """Which day's risk classes the roster uses (frozen in the announcement)."""

    FREEZE_DATE = "freeze-date", "公告（冻结）当日有效的风险等级"
    PLAN_START = "plan-start", "计划检查时间起始日有效的风险等级"


class PlanQuerySet(RegionScopedQuerySet):
    region_code_path = "region__code"


class Plan(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    office = models.CharField("印发机关", max_length=200)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    title = models.CharField("计划名称", max_length=300)
    region = models.ForeignKey(
        "core.Region", verbose_name="行政区划", on_delete=models.PROTECT, related_name="plans"
    )
    period_start = models.DateField("检查时间起")
    period_end = models.DateField("检查时间止")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        # Named on the field (the constraint alone says only "plan_period_order").
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "不能早于检查时间起"})


class TaskQuerySet(RegionScopedQuerySet):
    """A task is reached through its plan's region (its own ``region`` is the object scope,
    which services keep inside the plan's scope too)."""

    region_code_path = "plan__region__code"


class Task(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name="抽查计划", on_delete=models.PROTECT, related_name="tasks"
    )
    number = models.PositiveIntegerField("序号")
    code = models.CharField("任务编号", max_length=64, unique=True)
    name = models.CharField("抽查名称", max_length=300)
    domain = models.CharField("抽查领域", max_length=200)
    items_text = models.TextField("抽查事项（计划原文）", blank=True)
    check_items = models.ManyToManyField(
        "registries.CheckItem", verbose_name="抽查事项", blank=True, related_name="tasks"
    )
    scope_text = models.CharField("检查对象（计划原文）", max_length=300, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name="对象所在区划", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField("行业", max_length=100, blank=True)
    rates = models.JSONField("抽查比例（万分比，按风险等级）", default=dict)
    rounding = models.CharField(
        "取整规则", max_length=16, choices=Rounding.choices, default=Rounding.CEIL_MIN1
    )
    initiating_department = models.ForeignKey(
        "core.Department", verbose_name="发起部门", on_delete=models.PROTECT, related_name="+"
    )
    cooperating_departments = models.ManyToManyField(
        "core.Department", verbose_name="配合部门", blank=True, related_name="+"
    )
    members_per_department = models.JSONField("每个配合部门组员人数", default=dict, blank=True)
    team_mode = models.CharField(
        "组队方式", max_length=16, choices=TeamMode.choices, default=TeamMode.PER_INSPECTION
    )
    window_start = models.DateField("检查时间起")
    window_end = models.DateField("检查时间止")
    exclude_deregistered = models.BooleanField("排除已注销对象", default=True)
    exclude_suspended = models.BooleanField("排除停业对象", default=False)
    recent_days = models.PositiveIntegerField(
        "排除近 N 日内已被同一部门检查的对象", default=0, help_text="0 表示不排除"
    )
    exclude_drawn_in_plan = models.BooleanField(
        "排除本计划其他任务中就相同事项已抽中的对象", default=True
    )
    max_inspections_per_year = models.PositiveIntegerField(
        "同一部门每年对同一对象至多检查 N 次",
        default=0,
        help_text="0 表示不限；已达 N 次的对象不进入名录",
    )
    rating_basis = models.CharField(
        "风险等级评级日",
        max_length=16,
        choices=RatingBasis.choices,
        default=RatingBasis.FREEZE_DATE,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[cooperating_departments, check_items])

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查任务"
        verbose_name_plural = "抽查任务"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number"),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")), name="task_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def clean(self):
        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValidationError({"window_end": "不能早于检查时间起"})

    @property
    def risk_classes(self) -> list[str]:
        return sorted(self.rates)

    def rate_labels(self) -> str:
        return "、".join(f"{k}类 {bp_to_percent(v)}" for k, v in sorted(self.rates.items()))

    def rating_day(self, freeze_day):
        """The day whose risk classes count: the freeze day, or the plan's start."""
        if self.rating_basis == RatingBasis.PLAN_START:
            return self.plan.period_start
        return freeze_day

    def departments(self) -> list:
        return [self.initiating_department, *self.cooperating_departments.order_by("code")]

    def cooperating_with_members(self) -> list[tuple]:
        return [
            (d, self.members_for(d.code)) for d in self.cooperating_departments.order_by("code")
        ]

    def members_for(self, department_code: str) -> int:
        return int(self.members_per_department.get(department_code, 1))

    def active_draw(self) -> Draw | None:
        return self.draws.exclude(status=DrawStatus.VOIDED).first()


def bp_to_percent(rate_bp: int) -> str:
    """100 -> "1%", 250 -> "2.5%"."""
    return percent(rate_bp)


class DrawStatus(models.TextChoices):
    COMMITTING = "committing", "待各部门承诺"
    ANNOUNCED = "announced", "已公告（待开奖）"
    REVEALED = "revealed", "已抽取"
    VOIDED = "voided", "已作废"


class BeaconKind(models.TextChoices):
    LOTTERY = "lottery", "彩票开奖号码"
    DICE = "dice", "现场掷骰"
    DRAND = "drand", "drand 公共随机数"
    TEXT = "text", "其他公开文本"


class DrawQuerySet(RegionScopedQuerySet):
    region_code_path = "task__plan__region__code"

    def public(self) -> DrawQuerySet:
        """Every frozen draw is public: announced, revealed and voided alike (a draw still
        awaiting the departments' commitments is not frozen yet)."""
        return self.exclude(status=DrawStatus.COMMITTING).select_related("task", "task__plan")


class Draw(models.Model):
    """One draw: a frozen announcement, later the beacon and the record. One row per draw."""

    task = models.ForeignKey(
        Task, verbose_name="抽查任务", on_delete=models.PROTECT, related_name="draws"
    )
    code = models.CharField("抽取编号", max_length=64, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=DrawStatus.choices, default=DrawStatus.ANNOUNCED
    )
    announcement = models.JSONField("公告")
    announcement_digest = models.CharField("公告摘要（SHA-256）", max_length=64, unique=True)
    announced_at = models.DateTimeField("公告时间")
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公告人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    beacon_kind = models.CharField("随机数类型", max_length=16, choices=BeaconKind.choices)
    # Internal: the frozen pool and conflict list the announcement's digests cover.
    # Never shown on the portal (the conflict list is confidential).
    pool_snapshot = models.JSONField("执法人员库快照（内部）", default=list)
    conflicts_snapshot = models.JSONField("回避名单快照（内部）", default=list)
    # Public: plan and task as frozen (title, document number, department names), shown on
    # the portal instead of the live rows.
    frozen_display = models.JSONField("冻结时的计划与任务信息", default=dict)
    beacon = models.CharField("随机数（规范文本）", max_length=500, blank=True)
    beacon_raw = models.CharField("随机数（原始输入）", max_length=500, blank=True)
    revealed_at = models.DateTimeField("抽取时间", null=True, blank=True)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    record = models.JSONField("抽取记录", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=500, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = "抽取"
        verbose_name_plural = "抽取"
        ordering = ["-announced_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=~Q(status="voided"),
                name="one_live_draw_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}（{self.get_status_display()}）"

    @property
    def is_revealed(self) -> bool:
        return self.status == DrawStatus.REVEALED

    @property
    def was_revealed(self) -> bool:
        return self.record is not None

    def voided_event(self) -> dict | None:
        if self.status != DrawStatus.VOIDED:
            return None
        return {"reason": self.void_reason, "at": self.voided_at, "by": self.voided_by}


class FrozenEntity(models.Model):
    """An entity as frozen into an announcement: its credit code then, its row and its name.

    The reveal, the inspections and the portal resolve a drawn code through these rows, so a
    code or a name edited after the freeze changes neither who is inspected nor what is shown.
    """

    draw = models.ForeignKey(
        Draw, verbose_name="抽取", on_delete=models.CASCADE, related_name="frozen_entities"
    )
    credit_code = models.CharField("统一社会信用代码（冻结时）", max_length=18)
    entity = models.ForeignKey(
        "registries.Entity",
        verbose_name="检查对象",
        on_delete=models.PROTECT,
        related_name="frozen_in",
    )
    name = models.CharField("名称（冻结时）", max_length=200)
    stratum = models.CharField("分层", max_length=16, blank=True, help_text="空表示被排除")

    class Meta:
        verbose_name = "冻结的检查对象"
        verbose_name_plural = "冻结的检查对象"
        constraints = [
            models.UniqueConstraint(fields=["draw", "credit_code"], name="unique_frozen_code"),
            models.UniqueConstraint(fields=["draw", "entity"], name="unique_frozen_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class FrozenInspector(models.Model):
    """A pool inspector as frozen into an announcement (certificate number then, row, name)."""

    draw = models.ForeignKey(
        Draw, verbose_name="抽取", on_delete=models.CASCADE, related_name="frozen_inspectors"
    )
    certificate_no = models.CharField("执法证号（冻结时）", max_length=64)
    inspector = models.ForeignKey(
        "registries.Inspector",
        verbose_name="执法检查人员",
        on_delete=models.PROTECT,
        related_name="frozen_in",
    )
    name = models.CharField("姓名（冻结时）", max_length=50)

    class Meta:
        verbose_name = "冻结的执法检查人员"
        verbose_name_plural = "冻结的执法检查人员"
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "certificate_no"], name="unique_frozen_certificate"
            ),
            models.UniqueConstraint(fields=["draw", "inspector"], name="unique_frozen_inspector"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "待复核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class SubstitutionProposal(models.Model):
    """A substitution whose reason the platform cannot check against its own records: it
    takes effect only when an admin of another department approves it (four eyes)."""

    draw = models.ForeignKey(
        Draw, verbose_name="抽取", on_delete=models.PROTECT, related_name="proposals"
    )
    stratum = models.CharField("分层", max_length=16)
    replaced = models.CharField("被替补对象（冻结的代码）", max_length=18)
    reason = models.CharField(
        "替补理由", max_length=64, choices=sorted(SUBSTITUTION_REASONS.items())
    )
    evidence = models.CharField("核实情况与依据", max_length=500)
    status = models.CharField(
        "状态", max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decision_note = models.CharField("复核意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "替补申请"
        verbose_name_plural = "替补申请"
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "replaced"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_entity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw.code} {self.replaced}（{self.get_status_display()}）"


class DrawVersion(models.Model):
    """Every published version of a draw's record, with its time: the reveal is version 1,
    each substitution or inspector change adds one. A new version may only append to the
    previous one (``plans.versions``). The announcement is stored once, on the draw."""

    draw = models.ForeignKey(
        Draw, verbose_name="抽取", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    body = models.JSONField("抽取记录（不含公告）")
    summary = models.CharField("变更说明", max_length=300)
    published_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = "抽取记录版本"
        verbose_name_plural = "抽取记录版本"
        ordering = ["draw", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "number"], name="unique_draw_version"),
        ]

    def __str__(self) -> str:
        return f"{self.draw.code} 第 {self.number} 版"

    def record(self) -> dict:
        return {**self.body, "announcement": self.draw.announcement}


class DrawCommitment(models.Model):
    """One participating department's commitment ``SHA-256(secret)`` for a draw whose beacon
    the office types (dice, free text), and later the revealed secret (``plans.commitments``;
    docs/plans-and-draws.md). Position 0 is the initiating department, then the cooperating
    ones in the task's order, as in the announcement's ``commitments``."""

    draw = models.ForeignKey(
        Draw, verbose_name="抽取", on_delete=models.PROTECT, related_name="commitments"
    )
    department = models.ForeignKey(
        "core.Department", verbose_name="部门", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("顺序")
    sha256 = models.CharField("承诺（SHA-256）", max_length=64, blank=True)
    committed_at = models.DateTimeField("承诺时间", null=True, blank=True)
    committed_by = models.CharField("承诺人", max_length=200, blank=True)
    secret = models.CharField("秘密值", max_length=200, blank=True)
    revealed_at = models.DateTimeField("揭示时间", null=True, blank=True)
    revealed_by = models.CharField("揭示人", max_length=200, blank=True)

    class Meta:
        verbose_name = "部门承诺"
        verbose_name_plural = "部门承诺"
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "department"], name="one_commitment_per_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.draw.code} {self.department.code}"
