"""``set_up_district``: the first run of a district (``ssj setup`` and the first-run page).

Creates what is missing of the region chain (province › city › county, from the shipped
GB/T 2260 table), the district's joint office (联席办) and its departments, through the
organisation services (permission, scope and audit row each). Re-running changes nothing
that exists: regions and departments are matched by code, departments also by short name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.core import services as organisation
from shuangsuiji.core.errors import InvalidInput
from shuangsuiji.core.models import Department, Region

from . import divisions
from .defaults import DEFAULT_INDUSTRY, DepartmentSpec, default_departments

JOINT_OFFICE_SUFFIX = "LXB"
JOINT_OFFICE_SHORT_NAME = "联席办"


@dataclass
class SetupResult:
    district: Region
    joint_office: Department
    departments: list[Department] = field(default_factory=list)
    by_key: dict[str, Department] = field(default_factory=dict)  # default key or short name
    created: list[str] = field(default_factory=list)  # codes this run added, for the report


def parse_department(text: str) -> tuple[str, str]:
    """``SHORT=NAME`` (``文广旅局=新华区文化广电和旅游局``) -> (short, name)."""
    short, sep, name = (text or "").partition("=")
    short, name = short.strip(), name.strip()
    if not sep or not short or not name:
        raise InvalidInput(
            f"部门“{text}”的格式应为 简称=全称（如 文广旅局=新华区文化广电和旅游局）",
            code="setup.department_format",
        )
    if len(short) > 30 or len(name) > 100:
        raise InvalidInput(f"部门“{text}”：简称至多 30 字，全称至多 100 字", code="setup.too_long")
    return short, name


def _region_chain(actor, code: str) -> Region:
    try:
        chain = divisions.chain(code)
    except divisions.UnknownDivision as exc:
        raise InvalidInput(str(exc), code="setup.unknown_region") from None
    if chain[-1].level == "province":
        raise InvalidInput(
            f"{chain[-1].name}（{code}）是省级行政区划：请填写区县（县级）或不设区县的地级市代码",
            code="setup.not_a_district",
        )
    parent = None
    for division in chain:
        region = Region.objects.filter(code=division.code).first()
        if region is None:
            region = organisation.create_region(
                actor, code=division.code, name=division.name, parent=parent
            )
        parent = region
    return parent


def _unique_name(name: str, district: Region) -> str:
    """Department names are unique nationally: 新华区 exists in three cities."""
    if not Department.objects.filter(name=name).exclude(region=district).exists():
        return name
    return f"{district.parent.name}{name}" if district.parent else name


def _next_code(district: Region, taken: set[str]) -> str:
    n = 1
    while f"{district.code}-{n:02d}" in taken:
        n += 1
    return f"{district.code}-{n:02d}"


@transaction.atomic
def set_up_district(
    actor,
    region_code: str,
    departments: list[tuple[str, str]] | None = None,
    *,
    industry: str = DEFAULT_INDUSTRY,
) -> SetupResult:
    """Set the district up (idempotent). ``departments``: (short name, name) pairs; when
    none are given, the industry's default pair (文广旅局, 公安分局)."""
    ensure(actor, "onboarding.set_up_district")
    code = (region_code or "").strip()
    regions_before = set(Region.objects.values_list("code", flat=True))
    district = _region_chain(actor, code)
    before = {d.code for d in Department.objects.filter(region=district)}
    joint_office = Department.objects.joint_office_of(district)
    if joint_office is None:
        joint_office = organisation.create_department(
            actor,
            code=f"{district.code}-{JOINT_OFFICE_SUFFIX}",
            name=_unique_name(f"{district.name}“双随机、一公开”监管工作联席会议办公室", district),
            short_name=JOINT_OFFICE_SHORT_NAME,
            region=district,
            is_joint_office=True,
        )
    if departments:
        taken = set(Department.objects.values_list("code", flat=True))
        specs = []
        for short, name in departments:
            default = {d.short_name: d for d in default_departments(district, industry)}.get(short)
            dept_code = default.code if default else _next_code(district, taken)
            taken.add(dept_code)
            specs.append(DepartmentSpec(short, dept_code, name, short))
    else:
        specs = default_departments(district, industry)
    out: dict[str, Department] = {}
    for spec in specs:
        existing = (
            Department.objects.filter(region=district, is_joint_office=False)
            .filter(short_name=spec.short_name)
            .first()
        ) or Department.objects.filter(code=spec.code).first()
        if existing is not None and existing.region_id != district.pk:
            raise InvalidInput(
                f"部门编码 {spec.code} 已属于 {existing.region}", code="setup.code_taken"
            )
        if existing is None:
            existing = organisation.create_department(
                actor,
                code=spec.code,
                name=_unique_name(spec.name, district),
                short_name=spec.short_name,
                aliases="\n".join(spec.aliases),
                region=district,
            )
        out[spec.key] = existing
    result = SetupResult(district, joint_office, list(out.values()), out)
    result.created = sorted(
        (set(Region.objects.values_list("code", flat=True)) - regions_before)
        | ({d.code for d in [joint_office, *out.values()]} - before)
    )
    return result
