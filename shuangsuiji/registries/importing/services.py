"""Import services: preview (validate only) and all-or-nothing commit.

Both read the whole file, validate every row against the database and classify it as
new, updated or unchanged, without taking a write lock. :func:`import_file` then writes
everything — in short chunks through :mod:`.batches`, undone if any chunk fails — or
nothing at all when any row has an error, and appends one audit record
(``registries.import``) per import.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from shuangsuiji.accounts.permissions import ensure
from shuangsuiji.audit.services import record
from shuangsuiji.core.access import in_scope
from shuangsuiji.core.models import Region

from .batches import write_batched
from .guards import Limits
from .kinds import PLANNERS
from .readers import ReadError, check_extension, read_table
from .schemas import Kind, parse_kind
from .validation import Context, Plan

PERMISSIONS = {
    Kind.ENTITIES: "registries.import_entities",
    Kind.INSPECTORS: "registries.import_department_data",
    Kind.CONFLICTS: "registries.import_department_data",
    Kind.ITEMS: "registries.import_department_data",
}
FILE_COLUMN = "文件"
NO_REGION = (
    "未填写行政区划，而系统中有多个区县、没有默认区县：请在文件中填写“行政区划”列，"
    "或选择默认行政区划（命令行用 --region 指定 6 位代码）"
)
NO_DISTRICT = "尚未设置任何区县：请先运行 ssj setup --region 6位行政区划代码（如 410402）"
NO_ROWS = "文件中没有数据行（只有表头）"


class UploadError(ValueError):
    """The file is refused before reading (type or size); Chinese message."""


def max_upload_bytes() -> int:
    return int(settings.SSJ_MAX_UPLOAD_BYTES)


def read_limits() -> Limits:
    """Row limit per file (``SSJ_IMPORT_MAX_ROWS``, default 200,000) and the other bounds."""
    return Limits(rows=int(getattr(settings, "SSJ_IMPORT_MAX_ROWS", Limits.rows)))


def check_upload(filename: str, size: int, max_bytes: int | None = None) -> None:
    try:
        check_extension(filename)
    except ReadError as exc:
        raise UploadError(str(exc)) from None
    limit = max_upload_bytes() if max_bytes is None else int(max_bytes)
    if size > limit:
        raise UploadError(f"文件过大：{size / 1048576:.1f} MB，最大允许 {limit / 1048576:.0f} MB")
    if size == 0:
        raise UploadError("文件是空的")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_region(actor, region_code: str | None) -> tuple[Region | None, str]:
    """The region for new entities whose row names none, and why there is none."""
    if region_code:
        region = Region.objects.filter(code=str(region_code).strip()).first()
        if region is None or not in_scope(actor, region):
            return None, f"默认行政区划代码“{region_code}”不存在或不在您的管辖范围内"
        return region, ""
    department = getattr(actor, "department", None)
    if department is not None:
        return department.region, ""
    # A district is a region with departments (``ssj setup`` gives it a joint office);
    # its province and city above it are not places to import into.
    districts = list(Region.objects.filter(department__isnull=False).distinct()[:2])
    if len(districts) == 1:
        return districts[0], ""
    if not districts:
        regions = list(Region.objects.all()[:2])
        if len(regions) == 1:
            return regions[0], ""
        return None, NO_DISTRICT if not regions else NO_REGION
    return None, NO_REGION


def build_plan(
    actor,
    kind: Kind | str,
    path: Path,
    filename: str,
    *,
    region_code: str | None = None,
    max_bytes: int | None = None,
) -> tuple[Plan, Context]:
    """Check permission, read and validate the file; write nothing."""
    kind = parse_kind(kind)
    ensure(actor, PERMISSIONS[kind])
    path = Path(path)
    plan = Plan(kind=kind, filename=filename)
    ctx = Context(actor=actor, filename=filename, today=timezone.localdate())
    try:
        check_upload(filename, path.stat().st_size, max_bytes)
        plan.sha256 = file_sha256(path)
        table = read_table(path, filename, read_limits())
    except (UploadError, ReadError) as exc:
        plan.error(getattr(exc, "row", 0), FILE_COLUMN, str(exc))
        return plan, ctx
    if kind == Kind.ENTITIES:
        ctx.default_region, ctx.region_problem = default_region(actor, region_code)
        if region_code and ctx.default_region is None:
            plan.error(0, "默认行政区划", ctx.region_problem)
            return plan, ctx
    PLANNERS[kind](plan, table, ctx)
    if plan.ok and plan.total_rows == 0:
        plan.error(0, FILE_COLUMN, NO_ROWS)
    return plan, ctx


def preview_import(
    actor,
    kind: Kind | str,
    path: Path,
    filename: str,
    *,
    region_code: str | None = None,
    max_bytes: int | None = None,
) -> Plan:
    """Validate and classify every row without writing (the preview page, --dry-run)."""
    return build_plan(actor, kind, path, filename, region_code=region_code, max_bytes=max_bytes)[0]


def import_file(
    actor,
    kind: Kind | str,
    path: Path,
    filename: str,
    *,
    region_code: str | None = None,
    dry_run: bool = False,
    max_bytes: int | None = None,
) -> Plan:
    """Import all rows, or none: any row error leaves the database untouched.

    Returns the plan; ``plan.committed`` tells whether anything was written.
    ``max_bytes`` overrides ``SSJ_MAX_UPLOAD_BYTES`` (the command line's ``--max-mb``).
    """
    # Validation only reads: it runs outside any transaction, so it holds no write lock.
    plan, ctx = build_plan(
        actor, kind, path, filename, region_code=region_code, max_bytes=max_bytes
    )
    if not plan.ok or dry_run:
        return plan
    counts = plan.counts

    def finish(batch):
        record(
            actor,
            "registries.import",
            object_type=f"registries.{plan.kind.value}",
            object_repr=f"导入{plan.kind.label}：{filename}"[:255],
            data={
                "kind": plan.kind.value,
                "file_name": filename,
                "sha256": plan.sha256,
                "rows": plan.total_rows,
                **counts,
                "warnings": len(plan.warnings),
                "batch": batch.pk,
            },
        )

    write_batched(plan, ctx, finish)
    plan.committed = True
    return plan
