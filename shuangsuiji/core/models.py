"""Regions (行政区划) and departments (部门): the organisation every record hangs on."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class RegionScopedQuerySet(models.QuerySet):
    """Rows of the user's region and the regions inside it (fail closed without a user).

    Subclasses name the path to the region code in ``region_code_path``.
    """

    region_code_path = "region__code"

    def in_scope(self, prefix: str | None):
        if prefix is None:
            return self.none()
        return self.filter(**{f"{self.region_code_path}__startswith": prefix}) if prefix else self

    def visible_to(self, user):
        return self.in_scope(getattr(user, "scope_prefix", None))


class Region(models.Model):
    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def scope_prefix(self) -> str:
        """Code prefix shared by this region and every region inside it.

        410000 (province) -> "41", 410400 (city) -> "4104", 410402 (district) -> "410402".
        """
        code = self.code
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        return code

    def full_name(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class DepartmentQuerySet(RegionScopedQuerySet):
    region_code_path = "region__code"

    def joint_offices(self):
        return self.filter(is_joint_office=True)

    def joint_office_of(self, region: Region | str) -> Department | None:
        """The district's joint office (联席办), given the region or its code."""
        code = region.code if isinstance(region, Region) else region
        return self.joint_offices().filter(region__code=code).first()


class Department(models.Model):
    code = models.CharField("部门编码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT)
    active = models.BooleanField("启用", default=True)
    is_joint_office = models.BooleanField(
        "联席办",
        default=False,
        help_text="本区划“双随机、一公开”联席会议办公室：联席办管理员所属的机构，每个区划至多一个。",
    )
    aliases = models.TextField(
        "别名",
        blank=True,
        help_text="公文和表格中对本部门的其他称呼，每行一个（如“区文化广电和旅游局”）；"
        "导入附件 1 时在本行政区划内按别名查找部门",
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(is_joint_office=True),
                name="one_joint_office_per_region",
                violation_error_message="该行政区划已有联席办。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)

    def clean(self) -> None:
        """An alias may not name another department of the same region."""
        from django.core.exceptions import ValidationError

        mine = set(self.alias_list)
        if not mine or not self.region_id:
            return
        others = Department.objects.filter(region_id=self.region_id).exclude(pk=self.pk)
        for other in others:
            taken = mine & {other.code, other.name, other.short_name, *other.alias_list}
            if taken:
                raise ValidationError(
                    {"aliases": f"别名“{'、'.join(sorted(taken))}”已用于同一区划的“{other.name}”"}
                )

    @classmethod
    def lookup(cls, value: str, region: Region | None = None, *, user=None) -> Department | None:
        """Find a department by code, name or short name (used by imports).

        With ``region``, only departments of that region (and the regions inside it) are
        considered, and their aliases count too (the names a mission document uses).
        With ``user`` (always, for user input), only the departments the user may see:
        short names (文广旅局) repeat from one district to the next."""
        value = (value or "").strip()
        if not value:
            return None
        candidates = cls.objects.all() if user is None else cls.objects.visible_to(user)
        if region is not None:
            candidates = candidates.filter(region__code__startswith=region.scope_prefix)
        found = candidates.filter(Q(code=value) | Q(name=value) | Q(short_name=value)).first()
        if found is not None or region is None:
            return found
        for department in candidates.exclude(aliases=""):
            if value in department.alias_list:
                return department
        return None


def split_aliases(text: str) -> list[str]:
    """Aliases as typed: one a line (also 、，,；; between them), blanks dropped."""
    import re

    return [a for a in (p.strip() for p in re.split(r"[\n、，,；;]+", text or "")) if a]
