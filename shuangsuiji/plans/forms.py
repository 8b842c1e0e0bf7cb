"""Forms for plans, tasks and the draw ceremony. Forms only parse input; services write."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from shuangsuiji.core.models import Department, Region
from shuangsuiji.core.validation import TextGuardMixin
from shuangsuiji.drawengine import INSPECTOR_CHANGE_REASONS, SUBSTITUTION_REASONS
from shuangsuiji.registries.models import CheckItem, RiskClass

from .models import BeaconKind, Plan, RatingBasis, Rounding, Task, TeamMode

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def regions_for(user):
    """The regions a user may plan for: their own and those inside it."""
    return Region.objects.filter(code__startswith=user.scope_prefix).order_by("code")


class PlanForm(TextGuardMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["year", "office", "doc_number", "title", "region", "period_start", "period_end"]
        widgets = {"period_start": DATE, "period_end": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)


class ImportForm(TextGuardMixin, forms.Form):
    file = forms.FileField(
        label="附件 1 表格（xlsx 或 docx）",
        help_text="上传后先预览：列出每一处错误（行号、列），确认后才导入",
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    office = forms.CharField(label="印发机关", max_length=200)
    doc_number = forms.CharField(label="文号", max_length=100, required=False)
    title = forms.CharField(label="计划名称", max_length=300)
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.none())
    period_start = forms.DateField(label="检查时间起", widget=DATE)
    period_end = forms.DateField(label="检查时间止", widget=DATE)
    industry = forms.CharField(label="行业", max_length=100, initial="互联网上网服务营业场所")
    rounding = forms.ChoiceField(label="取整规则", choices=Rounding.choices)
    team_mode = forms.ChoiceField(label="组队方式", choices=TeamMode.choices)
    recent_days = forms.IntegerField(
        label="排除近 N 日内已检查对象（0 为不排除）", min_value=0, initial=0
    )

    OPTIONS = (
        "year",
        "office",
        "doc_number",
        "title",
        "region",
        "period_start",
        "period_end",
        "industry",
        "rounding",
        "team_mode",
        "recent_days",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = getattr(user, "scope_prefix", None) if user is not None else ""
        regions = Region.objects.order_by("code")
        if prefix is None:
            regions = regions.none()
        elif prefix:
            regions = regions.filter(code__startswith=prefix)
        self.fields["region"].queryset = regions
        department = getattr(user, "department", None)
        if department is not None:
            self.fields["region"].initial = department.region_id  # the user's own district

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".docx")):
            raise forms.ValidationError("只接受 .xlsx 或 .docx 文件")
        return upload

    def options(self) -> dict:
        """The plan fields as JSON, kept with the upload until the commit."""
        data = self.cleaned_data
        out = {k: data[k] for k in self.OPTIONS}
        out["region"] = data["region"].code
        out["period_start"] = data["period_start"].isoformat()
        out["period_end"] = data["period_end"].isoformat()
        return out


def import_options(options: dict) -> dict:
    """Service keyword arguments from :meth:`ImportForm.options` (region by code)."""
    import datetime

    out = dict(options)
    out["region"] = Region.objects.filter(code=options.get("region", "")).first()
    for key in ("period_start", "period_end"):
        out[key] = datetime.date.fromisoformat(options[key])
    return out


def percent_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text="百分比，如 1 表示 1%；留空表示本任务不抽该等级",
    )


class TaskForm(TextGuardMixin, forms.ModelForm):
    rate_A = percent_field("A 类抽查比例（%）")
    rate_B = percent_field("B 类抽查比例（%）")
    rate_C = percent_field("C 类抽查比例（%）")
    rate_D = percent_field("D 类抽查比例（%）")
    members = forms.IntegerField(label="每个配合部门组员人数", min_value=1, max_value=5, initial=1)

    class Meta:
        model = Task
        fields = [
            "number",
            "code",
            "name",
            "domain",
            "items_text",
            "check_items",
            "scope_text",
            "region",
            "industry",
            "rounding",
            "initiating_department",
            "cooperating_departments",
            "team_mode",
            "window_start",
            "window_end",
            "exclude_deregistered",
            "exclude_suspended",
            "recent_days",
            "exclude_drawn_in_plan",
            "max_inspections_per_year",
            "rating_basis",
        ]
        widgets = {
            "window_start": DATE,
            "window_end": DATE,
            "items_text": forms.Textarea(attrs={"rows": 2}),
            "check_items": forms.CheckboxSelectMultiple,
            "cooperating_departments": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        self.fields["code"].required = False
        self.fields["code"].help_text = "留空则自动生成，如 2023-410402-01"
        # Rules added later keep their model defaults when a client leaves them out.
        for name in ("max_inspections_per_year", "rating_basis"):
            self.fields[name].required = False
        self.fields["region"].queryset = regions_for(user)
        self.fields["check_items"].queryset = (
            CheckItem.objects.visible_to(user).filter(active=True).select_related("department")
        )
        self.fields["check_items"].label_from_instance = lambda i: (
            f"{i.department.short_name or i.department.name} {i.code} {i.title}"
        )
        departments = Department.objects.visible_to(user).filter(active=True, is_joint_office=False)
        self.fields["initiating_department"].queryset = departments
        self.fields["cooperating_departments"].queryset = departments
        if not self.instance.pk:
            self.initial.setdefault("region", plan.region_id)
            self.initial.setdefault("window_start", plan.period_start)
            self.initial.setdefault("window_end", plan.period_end)
            self.initial.setdefault("number", plan.tasks.count() + 1)
            self.initial.setdefault("industry", "互联网上网服务营业场所")
        else:
            for key, bp in self.instance.rates.items():
                self.initial[f"rate_{key}"] = Decimal(bp) / 100
            values = list(self.instance.members_per_department.values())
            self.initial["members"] = values[0] if values else 1

    def clean_max_inspections_per_year(self):
        return self.cleaned_data.get("max_inspections_per_year") or 0

    def clean_rating_basis(self):
        return self.cleaned_data.get("rating_basis") or RatingBasis.FREEZE_DATE

    def clean(self):
        data = super().clean()
        rates = {}
        for key in RiskClass.values:
            value = data.get(f"rate_{key}")
            if value is not None:
                bp = value * 100
                if bp != bp.to_integral_value():
                    self.add_error(f"rate_{key}", "最多精确到 0.01%")
                rates[key] = int(bp)
        if not rates:
            raise forms.ValidationError("至少填写一个风险等级的抽查比例")
        data["rates"] = rates
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        cooperating = list(data.pop("cooperating_departments"))
        items = list(data.pop("check_items"))
        members = data.pop("members")
        for key in RiskClass.values:
            data.pop(f"rate_{key}", None)
        data["members_per_department"] = {d.code: members for d in cooperating}
        return {**data, "check_items": items, "cooperating_departments": cooperating}


class AnnounceForm(TextGuardMixin, forms.Form):
    code = forms.RegexField(
        label="抽取编号",
        max_length=64,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        error_messages={"invalid": "抽取编号只能由字母、数字、点、连字符和下划线组成"},
        help_text="公开编号（字母、数字、-）；作废后重新抽取须使用新编号",
    )
    beacon_kind = forms.ChoiceField(label="随机数类型", choices=BeaconKind.choices)
    beacon_source = forms.CharField(
        label="随机数来源（事先公布）",
        max_length=300,
        help_text="写明尚未产生的公开随机数，如：福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖）",
    )
    beacon_not_before = forms.DateTimeField(
        label="随机数最早产生时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="如开奖时间 2023-07-01 21:15；写入公告，此前不能开奖",
    )


class RevealForm(TextGuardMixin, forms.Form):
    beacon = forms.CharField(
        label="随机数（开奖号码等）",
        max_length=500,
        help_text="彩票号码可按期次分组，用 / 分隔，如：9319 / 2 5 8 10 12",
    )
    confirm = forms.BooleanField(label="我确认该随机数已公开产生，且只能录入一次")


class SubstituteForm(TextGuardMixin, forms.Form):
    entity = forms.CharField(label="被替换对象（统一社会信用代码）", max_length=18)
    reason = forms.ChoiceField(label="替补理由", choices=sorted(SUBSTITUTION_REASONS.items()))


class ProposeSubstitutionForm(TextGuardMixin, forms.Form):
    entity = forms.CharField(label="被替换对象（统一社会信用代码）", max_length=18)
    reason = forms.ChoiceField(label="替补理由（平台无法自行核实）", choices=())
    evidence = forms.CharField(
        label="核实情况与依据（如文书编号）",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        from .substitutions import REVIEWED_REASONS

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r, SUBSTITUTION_REASONS[r]) for r in REVIEWED_REASONS]


class ReviewSubstitutionForm(TextGuardMixin, forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "驳回")])
    note = forms.CharField(label="复核意见", max_length=500, required=False)


class InspectorChangeForm(TextGuardMixin, forms.Form):
    inspection = forms.IntegerField(widget=forms.HiddenInput)
    outgoing = forms.CharField(label="被替换人员（执法证号）", max_length=64)
    reason = forms.ChoiceField(label="调整理由", choices=sorted(INSPECTOR_CHANGE_REASONS.items()))
    note = forms.CharField(label="说明", max_length=300, required=False)


class VoidForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(label="作废原因（将在公示门户公开）", max_length=500)
