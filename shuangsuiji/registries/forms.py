"""Forms for the directory pages. Labels and messages are Chinese; views pass the
cleaned data to the service functions, which validate again and write."""

from __future__ import annotations

from django import forms

from shuangsuiji import creditcode
from shuangsuiji.accounts.models import Role
from shuangsuiji.core.models import Department, Region
from shuangsuiji.core.validation import TextGuardMixin

from .models import (
    CheckItem,
    Entity,
    EntityStatus,
    Inspector,
    RiskClass,
    validate_credit_code,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", "全部"), ("1", "是"), ("0", "否")]


def regions_for(user):
    return Region.objects.filter(code__startswith=user.scope_prefix).order_by("code")


def departments_for(user):
    return Department.objects.in_scope(user.scope_prefix).filter(active=True).order_by("code")


def departments_changeable_by(user):
    """Departments whose inspectors and items the user may change."""
    if user.is_superuser or user.has_role(Role.JOINT_OFFICE_ADMIN):
        return departments_for(user)
    if user.has_role(Role.DEPARTMENT_ADMIN) and user.department_id:
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


class CreditCodeField(forms.CharField):
    """A credit code, normalised (full-width folded, upper-cased) and checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "统一社会信用代码")
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return creditcode.normalize(value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            validate_credit_code(value)


class EntityForm(TextGuardMixin, forms.Form):
    credit_code = CreditCodeField()
    name = forms.CharField(label="名称", max_length=200)
    address = forms.CharField(label="地址", max_length=300, required=False)
    license_no = forms.CharField(label="网络文化经营许可证号", max_length=64, required=False)
    legal_rep = forms.CharField(label="法定代表人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=50, required=False)
    industry = forms.CharField(
        label="行业", max_length=100, required=False, initial="互联网上网服务营业场所"
    )
    status = forms.ChoiceField(label="状态", choices=EntityStatus.choices)
    status_date = forms.DateField(
        label="状态生效日期",
        required=False,
        widget=DATE,
        help_text="状态变化时填写（如登记机关核准注销的日期）；留空为今天",
    )
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.none())

    def __init__(self, *args, user, instance: Entity | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "credit_code": instance.credit_code,
                "name": instance.name,
                "address": instance.address,
                "license_no": instance.license_no,
                "legal_rep": instance.legal_rep,
                "phone": instance.phone,
                "industry": instance.industry,
                "status": instance.status,
                "region": instance.region_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        if instance is not None:
            # A code is corrected through its own audited action (CreditCodeCorrectionForm).
            self.fields["credit_code"].disabled = True
            self.fields["credit_code"].help_text = "如代码登记有误，请使用“更正统一社会信用代码”"

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]
        others = Entity.objects.filter(credit_code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("该统一社会信用代码已登记")
        return code


class CreditCodeCorrectionForm(forms.Form):
    credit_code = CreditCodeField(label="更正后的统一社会信用代码")
    reason = forms.CharField(
        label="更正理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class EntityCreateForm(EntityForm):
    risk_class = forms.ChoiceField(
        label="初始风险等级", choices=[("", "暂不评定")] + RiskClass.choices, required=False
    )
    rating_date = forms.DateField(
        label="风险等级生效日期", required=False, widget=DATE, help_text="留空则为今天"
    )
    rating_source = forms.CharField(label="评定来源", max_length=200, required=False)


class RatingForm(forms.Form):
    risk_class = forms.ChoiceField(label="风险等级", choices=RiskClass.choices)
    effective_date = forms.DateField(label="生效日期", widget=DATE)
    source = forms.CharField(label="来源", max_length=200, required=False)


class EntityFilterForm(forms.Form):
    q = forms.CharField(label="名称或信用代码", required=False, max_length=100)
    risk_class = forms.ChoiceField(
        label="风险等级", choices=[("", "全部")] + RiskClass.choices, required=False
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部")] + EntityStatus.choices, required=False
    )
    region = forms.ModelChoiceField(
        label="行政区划", queryset=Region.objects.none(), required=False, empty_label="全部"
    )
    industry = forms.CharField(
        label="行业",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "industry-options", "placeholder": "全部"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)


class InspectorForm(TextGuardMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.none())
    certificate_no = forms.CharField(label="执法证号", max_length=64)
    certificate_valid_from = forms.DateField(label="执法证有效期起", required=False, widget=DATE)
    certificate_valid_to = forms.DateField(label="执法证有效期止", required=False, widget=DATE)
    title = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="联系电话（内部）", max_length=50, required=False)
    may_lead = forms.BooleanField(label="可任组长", required=False)
    is_expert = forms.BooleanField(label="专家", required=False)
    active = forms.BooleanField(label="在岗", required=False, initial=True)
    check_items = forms.ModelMultipleChoiceField(
        label="可检查事项",
        queryset=CheckItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    FIELDS = (
        "name",
        "department",
        "certificate_no",
        "certificate_valid_from",
        "certificate_valid_to",
        "title",
        "phone",
        "may_lead",
        "is_expert",
        "active",
    )

    def __init__(self, *args, user, instance: Inspector | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial = {f: getattr(instance, f) for f in self.FIELDS}
            initial["department"] = instance.department_id
            initial["check_items"] = list(instance.check_items.values_list("pk", flat=True))
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        departments = departments_changeable_by(user)
        self.fields["department"].queryset = departments
        self.fields["check_items"].queryset = (
            CheckItem.objects.filter(department__in=departments_for(user), active=True)
            .select_related("department")
            .order_by("department__code", "code")
        )

    def clean_certificate_no(self):
        value = self.cleaned_data["certificate_no"].strip()
        others = Inspector.objects.filter(certificate_no=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("该执法证号已登记")
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("certificate_valid_from"), data.get("certificate_valid_to")
        if start and end and end < start:
            self.add_error("certificate_valid_to", "有效期止不能早于有效期起")
        return data


class InspectorFilterForm(forms.Form):
    q = forms.CharField(label="姓名或执法证号", required=False, max_length=100)
    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.none(), required=False, empty_label="全部"
    )
    may_lead = forms.ChoiceField(label="可任组长", choices=YES_NO, required=False)
    active = forms.ChoiceField(label="在岗", choices=YES_NO, required=False)
    certified = forms.ChoiceField(label="执法证今日有效", choices=YES_NO, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user)


class UnavailabilityForm(TextGuardMixin, forms.Form):
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data


class ConflictDeclareForm(TextGuardMixin, forms.Form):
    inspector = forms.ModelChoiceField(label="执法检查人员", queryset=Inspector.objects.none())
    credit_code = CreditCodeField(label="检查对象统一社会信用代码")
    reason = forms.CharField(label="回避事由", max_length=300, required=False)
    declared_on = forms.DateField(label="申报日期", required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = (
            Inspector.objects.visible_to(user)
            .filter(department__in=departments_changeable_by(user))
            .select_related("department")
            .order_by("department__code", "name")
        )

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]
        entity = Entity.objects.visible_to(self.user).filter(credit_code=code).first()
        if entity is None:
            raise forms.ValidationError("未找到该统一社会信用代码对应的检查对象")
        self.cleaned_data["entity"] = entity
        return code


class ConflictWithdrawForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label="撤销理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "撤销回避关系必须填写理由。"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("撤销回避关系必须填写理由。")
        return reason


class ConflictFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.none(), required=False, empty_label="全部"
    )
    inspector = forms.ModelChoiceField(
        label="执法检查人员", queryset=Inspector.objects.none(), required=False, empty_label="全部"
    )
    entity = forms.CharField(label="检查对象（名称或信用代码）", required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user)
        self.fields["inspector"].queryset = Inspector.objects.visible_to(user).order_by("name")


class CheckItemForm(TextGuardMixin, forms.Form):
    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.none())
    code = forms.CharField(label="编号", max_length=32)
    title = forms.CharField(
        label="检查内容", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(label="依据", max_length=500, required=False)
    method = forms.CharField(label="检查方式", max_length=200, required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    FIELDS = ("department", "code", "title", "legal_basis", "method", "active")

    def __init__(self, *args, user, instance: CheckItem | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial = {f: getattr(instance, f) for f in self.FIELDS}
            initial["department"] = instance.department_id
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_changeable_by(user)

    def clean(self):
        data = super().clean()
        if data.get("department") and data.get("code"):
            others = CheckItem.objects.filter(department=data["department"], code=data["code"])
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("code", "该部门已有相同编号的抽查事项")
        return data


class CheckItemFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.none(), required=False, empty_label="全部"
    )
    active = forms.ChoiceField(label="启用", choices=YES_NO, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user)


class RegionForm(TextGuardMixin, forms.Form):
    code = forms.RegexField(
        label="行政区划代码",
        regex=r"^\d{6}$",
        error_messages={"invalid": "行政区划代码应为 6 位数字。"},
    )
    name = forms.CharField(label="名称", max_length=100)
    parent = forms.ModelChoiceField(
        label="上级", queryset=Region.objects.order_by("code"), required=False, empty_label="（无）"
    )

    def __init__(self, *args, instance: Region | None = None, user=None, **kwargs):
        self.instance = instance
        self.scope = getattr(user, "scope_prefix", "") or ""
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "parent": instance.parent_id,
            }
        super().__init__(*args, **kwargs)
        parents = Region.objects.order_by("code")
        if self.scope:
            # The parent may be the user's own region's ancestors' level (e.g. the city).
            parents = parents.filter(code__startswith=self.scope[:-2] or self.scope)
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
        self.fields["parent"].queryset = parents

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not code.startswith(self.scope):
            raise forms.ValidationError("超出您所在行政区划的管理范围。")
        others = Region.objects.filter(code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("该行政区划代码已存在")
        return code


class DepartmentForm(TextGuardMixin, forms.Form):
    code = forms.CharField(label="部门编码", max_length=32)
    name = forms.CharField(label="部门名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=30, required=False)
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.order_by("code"))
    active = forms.BooleanField(label="启用", required=False, initial=True)
    is_joint_office = forms.BooleanField(
        label="联席办", required=False, help_text="本区划的联席会议办公室（联席办管理员所属）"
    )
    aliases = forms.CharField(
        label="别名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="公文和附件 1 中对本部门的其他称呼，每行一个（如“区文化广电和旅游局”）",
    )

    FIELDS = ("code", "name", "short_name", "region", "active", "is_joint_office", "aliases")

    def __init__(self, *args, instance: Department | None = None, user=None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial = {f: getattr(instance, f) for f in self.FIELDS}
            initial["region"] = instance.region_id
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["region"].queryset = regions_for(user)

    def clean(self):
        data = super().clean()
        for field in ("code", "name"):
            value = data.get(field)
            if not value:
                continue
            others = Department.objects.filter(**{field: value})
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(field, "已有同名或同编码的部门")
        return data
