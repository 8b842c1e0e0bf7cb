"""Idempotent loaders for the default organisation and check-item list."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from shuangsuiji.audit.services import record
from shuangsuiji.registries.models import CheckItem

from .models import Department, Region

DATA = Path(__file__).with_name("data") / "checklist_internet_cafe.json"
REGIONS = (
    ("410000", "河南省", None),
    ("410400", "平顶山市", "410000"),
    ("410402", "新华区", "410400"),
)


def load_checklist() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@transaction.atomic
def ensure_mission_organisation(actor) -> dict[str, Department]:
    """Region chain 河南省 › 平顶山市 › 新华区 and the two mission departments."""
    for code, name, parent in REGIONS:
        region, created = Region.objects.get_or_create(
            code=code,
            defaults={"name": name, "parent": Region.objects.get(code=parent) if parent else None},
        )
        if created:
            record(actor, "region.create", region)
    district = Region.objects.get(code="410402")
    out = {}
    for dept in load_checklist()["departments"]:
        department, created = Department.objects.get_or_create(
            code=dept["code"],
            defaults={"name": dept["name"], "short_name": dept["short_name"], "region": district},
        )
        if created:
            record(actor, "department.create", department)
        out[dept["key"]] = department
    return out


@transaction.atomic
def load_default_items(actor) -> tuple[int, int]:
    """Create missing default items; never overwrite an edited one. Returns (created, kept)."""
    departments = ensure_mission_organisation(actor)
    created = kept = 0
    source = load_checklist()
    for dept in source["departments"]:
        department = departments[dept["key"]]
        for code, title, basis, method in dept["items"]:
            item, was_created = CheckItem.objects.get_or_create(
                department=department,
                code=code,
                defaults={"title": title, "legal_basis": basis, "method": method},
            )
            if was_created:
                created += 1
            else:
                kept += 1
    if created:
        record(
            actor,
            "checkitem.load_defaults",
            data={"created": created, "kept": kept, "source": source["source"]},
        )
    return created, kept
