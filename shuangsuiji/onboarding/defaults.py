"""Default lists per industry: the departments a district usually sets up for a domain and
their check items (抽查事项清单). Loading is idempotent and never overwrites an edited item."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record
from shuangsuiji.core.models import Department, Region
from shuangsuiji.registries.models import CheckItem

DATA = Path(__file__).with_name("data")
INDUSTRIES = {"internet_cafe": DATA / "checklist_internet_cafe.json"}
DEFAULT_INDUSTRY = "internet_cafe"
INDUSTRY_LABELS = {"internet_cafe": "互联网上网服务营业场所（网吧）"}


@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    code: str
    name: str
    short_name: str
    aliases: tuple[str, ...] = ()  # the names documents use (区文化广电和旅游局)


@cache
def load_checklist(industry: str = DEFAULT_INDUSTRY) -> dict:
    return json.loads(INDUSTRIES[industry].read_text(encoding="utf-8"))


def _stem(name: str) -> str:
    """新华区 -> 新华; 郏县 -> 郏县 (a one-character stem reads badly)."""
    for suffix in ("自治县", "区", "县", "市", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def default_departments(district: Region, industry: str = DEFAULT_INDUSTRY) -> list[DepartmentSpec]:
    """The industry's default departments, named after the district (新华区文化广电和旅游局)."""
    out = []
    for dept in load_checklist(industry)["departments"]:
        pattern = dept["name"]
        if not district.name.endswith("区") and dept.get("name_county"):
            pattern = dept["name_county"]
        level = district.name[-1] if district.name[-1:] in "区县市旗" else ""
        names = {"district": district.name, "district_stem": _stem(district.name), "level": level}
        name = pattern.format(**names)
        code = f"{district.code}-{dept['suffix']}"
        aliases = tuple(
            a for a in (p.format(**names) for p in dept.get("aliases", [])) if a != name
        )
        out.append(DepartmentSpec(dept["key"], code, name, dept["short_name"], aliases))
    return out


def matching_default(department: Department, industry: str = DEFAULT_INDUSTRY) -> dict | None:
    """The default entry whose short name (or code suffix) the department carries."""
    for dept in load_checklist(industry)["departments"]:
        if department.short_name == dept["short_name"] or department.code.endswith(
            f"-{dept['suffix']}"
        ):
            return dept
    return None


@transaction.atomic
def load_default_items(actor, industry: str = DEFAULT_INDUSTRY) -> tuple[int, int]:
    """Add the industry's default items to every matching department; (created, kept).

    Only check items: regions and departments come from ``ssj setup``. A department
    matches a default entry by its short name (文广旅局, 公安分局) or its code suffix.
    """
    ensure(actor, "core.change_organisation")
    created = kept = 0
    source = load_checklist(industry)
    departments = Department.objects.filter(is_joint_office=False, active=True).visible_to(actor)
    for department in departments.order_by("code"):
        dept = matching_default(department, industry)
        if dept is None:
            continue
        for code, title, basis, method in dept["items"]:
            _, was_created = CheckItem.objects.get_or_create(
                department=department,
                code=code,
                defaults={"title": title, "legal_basis": basis, "method": method},
            )
            created += was_created
            kept += not was_created
    if created:
        record(
            actor,
            "checkitem.load_defaults",
            data={"created": created, "kept": kept, "source": source["source"]},
        )
    return created, kept
