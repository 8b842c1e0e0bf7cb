"""Write operations on the organisation: regions (行政区划) and departments (部门).

Every function runs in a transaction, checks ``core.change_organisation`` and the region
scope of the row and of its region or parent (``core.access.ensure_in_scope``, which this
module re-exports) and writes an audit record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record

from .access import ensure_in_scope
from .models import Department, Region
from .snapshots import snapshot
from .validation import assign, full_clean

REGION_FIELDS = ("code", "name", "parent")
DEPARTMENT_FIELDS = (
    "code",
    "name",
    "short_name",
    "region",
    "active",
    "is_joint_office",
    "aliases",
)


def _check_parent(region: Region) -> None:
    node = region.parent
    while node is not None:
        if region.pk is not None and node.pk == region.pk:
            raise ValidationError("上级行政区划不能是其自身或下级")
        node = node.parent


@transaction.atomic
def create_region(actor, **fields) -> Region:
    ensure(actor, "core.change_organisation")
    region = Region(**{k: v for k, v in fields.items() if k in REGION_FIELDS})
    ensure_in_scope(actor, region.code, what="行政区划")
    full_clean(region)
    region.save()
    record(actor, "region.create", region, after=snapshot(region))
    return region


@transaction.atomic
def update_region(actor, region: Region, **changes) -> Region:
    ensure(actor, "core.change_organisation", region)
    ensure_in_scope(actor, region.code, what="行政区划")
    before = snapshot(region)
    assign(region, changes, REGION_FIELDS)
    ensure_in_scope(actor, region.code, what="行政区划")
    _check_parent(region)
    full_clean(region)
    region.save()
    record(actor, "region.update", region, before=before, after=snapshot(region))
    return region


@transaction.atomic
def create_department(actor, **fields) -> Department:
    ensure(actor, "core.change_organisation")
    department = Department(**{k: v for k, v in fields.items() if k in DEPARTMENT_FIELDS})
    if department.region_id:
        ensure_in_scope(actor, department.region.code, what="部门")
    full_clean(department)
    department.save()
    record(actor, "department.create", department, after=snapshot(department))
    return department


@transaction.atomic
def update_department(actor, department: Department, **changes) -> Department:
    ensure(actor, "core.change_organisation", department)
    ensure_in_scope(actor, department.region.code, what="部门")
    before = snapshot(department)
    assign(department, changes, DEPARTMENT_FIELDS)
    ensure_in_scope(actor, department.region.code, what="部门")
    full_clean(department)
    department.save()
    record(actor, "department.update", department, before=before, after=snapshot(department))
    return department
