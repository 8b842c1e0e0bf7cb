"""Backup and restore of the whole database as one zip (``ssj backup`` / ``ssj restore``).

Format ``ssj-backup-v1``: ``manifest.json`` (format, time, database vendor, applied
migrations, row count and SHA-256 per table, audit chain head) and one JSON-lines member per
table: one ``[column values…]`` array per row in the order of ``columns`` in the manifest,
primary keys kept and datetimes at full (microsecond) precision, so rows restore equal.
The dump is read inside one snapshot (PostgreSQL ``REPEATABLE READ READ ONLY``; SQLite a
deferred read transaction in WAL mode), so the server keeps running and writing while the
backup is taken. Restore runs with the server stopped and is all-or-nothing.
A backup restores into SQLite or PostgreSQL alike.

The audit chain is checked against more than the manifest, because whoever can patch the
manifest can also rewrite every member's digest: after loading, the chain must end at the
manifest's head, reach every daily head of the backup's own heads table, and contain every
head this installation had published before the restore (and any ``heads`` the operator
gives, e.g. the portal's ``heads.json`` kept by an outsider). A backup whose chain ends
before those heads is an older backup or a cut one; it restores only with
``allow_rewind=True``, and then the rewind is written to the chain and shown on the portal.
Residual risk: restoring into an empty installation without giving published heads, only
the backup vouches for itself. Taking and restoring a backup both write an audit row.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import decimal
import hashlib
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "ssj-backup-v1"
# Rebuilt by Django itself or worthless in a restore.
SKIP = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}


class BackupError(Exception):
    """Raised with a Chinese message."""


def backup_models() -> list:
    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    through = [m for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
    return [
        m
        for m in [*ordered, *through]
        if m._meta.label_lower not in SKIP and not m._meta.proxy and m._meta.managed
    ]


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _encode(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _row_line(row: tuple) -> bytes:
    return (
        json.dumps([_encode(v) for v in row], ensure_ascii=False, separators=(",", ":")) + "\n"
    ).encode("utf-8")


def _decoder(model):
    fields = model._meta.concrete_fields

    def decode(values: list):
        kwargs = {}
        for field, value in zip(fields, values, strict=True):
            if value is not None and field.get_internal_type() in {
                "DateTimeField",
                "DateField",
                "TimeField",
                "DecimalField",
                "UUIDField",
            }:
                value = field.to_python(value)
            elif value is not None and field.get_internal_type() == "BinaryField":
                value = base64.b64decode(value)
            kwargs[field.attname] = value
        return model(**kwargs)

    return decode


@contextlib.contextmanager
def _snapshot(alias: str = "default") -> Iterator[str]:
    """Read everything from one consistent snapshot without blocking writers."""
    conn = connections[alias]
    if conn.in_atomic_block:
        yield alias  # already inside the caller's transaction
        return
    conn.ensure_connection()
    if conn.vendor == "sqlite":
        # A deferred read transaction in WAL mode sees one snapshot; writers carry on.
        with conn.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield alias
        finally:
            with conn.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        with transaction.atomic(using=alias):
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield alias


@contextlib.contextmanager
def _keep_timestamps(model) -> Iterator[None]:
    """Stop auto_now/auto_now_add from overwriting restored timestamps."""
    saved = []
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _applied_migrations(alias: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[alias])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def create_backup(path: Path, actor=None) -> dict:
    """Write the backup zip; return its manifest.

    The ``backup.create`` audit row is written first, so the backup holds it and a restore
    of the newest backup needs no rewind.
    """
    from shuangsuiji.audit.services import record
    from shuangsuiji.core.actors import SystemActor

    path = Path(path)
    with transaction.atomic():
        record(actor or SystemActor("备份"), "backup.create", data={"file": path.name})
    manifest: dict = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connections["default"].vendor,
        "models": {},
    }
    tmp = path.with_name(path.name + ".partial")
    with _snapshot() as alias, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        manifest["migrations"] = _applied_migrations(alias)
        for model in backup_models():
            label = model._meta.label_lower
            digest, count = hashlib.sha256(), 0
            columns = _columns(model)
            with zf.open(f"models/{label}.jsonl", "w") as member:
                qs = model._base_manager.using(alias).order_by("pk").values_list(*columns)
                for row in qs.iterator(chunk_size=5000):
                    line = _row_line(row)
                    member.write(line)
                    digest.update(line)
                    count += 1
            manifest["models"][label] = {
                "rows": count,
                "sha256": digest.hexdigest(),
                "columns": columns,
            }
        head = (
            apps.get_model("audit", "AuditEntry")
            .objects.using(alias)
            .order_by("-seq")
            .values("seq", "entry_hash")
            .first()
        )
        manifest["audit_head"] = head
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(path)
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BackupError(f"不是有效的备份文件：{exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"备份格式 {found!r} 不受支持（应为 {FORMAT}）")
    shapes = {"created_at": str, "migrations": list, "models": dict}
    broken = [k for k, kind in shapes.items() if not isinstance(manifest.get(k), kind)]
    head = manifest.get("audit_head")
    if head is not None and not (
        isinstance(head, dict)
        and isinstance(head.get("seq"), int)
        and isinstance(head.get("entry_hash"), str)
    ):
        broken.append("audit_head")
    tables = manifest["models"] if "models" not in broken else {}
    for label, meta in tables.items():
        if not isinstance(meta, dict) or not isinstance(meta.get("rows"), int):
            broken.append(f"models.{label}")
        elif meta["rows"] and not isinstance(meta.get("sha256"), str):
            broken.append(f"models.{label}")
    if broken:
        raise BackupError(f"备份清单不完整或格式不对：{', '.join(broken)}")
    return manifest


def _load(model, raw: bytes) -> None:
    decode = _decoder(model)
    batch = []
    with _keep_timestamps(model):
        for line in raw.splitlines():
            batch.append(decode(json.loads(line)))
            if len(batch) >= 2000:
                model._base_manager.bulk_create(batch, batch_size=200)
                batch = []
        model._base_manager.bulk_create(batch, batch_size=200)


def _installation_heads() -> list:
    """What this installation had published, read before its rows are replaced."""
    from shuangsuiji.audit.chain import KnownHead
    from shuangsuiji.audit.services import last_head, stored_heads

    heads = [KnownHead(h.seq, h.entry_hash, f"当前系统{h.source}") for h in stored_heads()]
    last = last_head()
    if last:
        heads.append(KnownHead(last["seq"], last["entry_hash"], "当前系统审计链的末条记录"))
    return heads


def _check_restored_chain(manifest: dict, evidence: list, allow_rewind: bool):
    """Refuse a restored chain that breaks, differs from the manifest or misses a known head.

    Returns the newest head the restore rewinds past (``allow_rewind``), or None.
    """
    from shuangsuiji.audit.services import check_chain, last_head

    restored, claimed = last_head(), manifest.get("audit_head")
    if restored != claimed:

        def describe(head):
            return f"第 {head['seq']} 条 {head['entry_hash'][:12]}…" if head else "空"

        raise BackupError(
            f"备份中的审计链末条（{describe(restored)}）与清单记载的链头"
            f"（{describe(claimed)}）不符：审计记录被删改"
        )
    length = restored["seq"] if restored else 0
    problem = check_chain(evidence)
    rewound_from = None
    lost = [h for h in evidence if h.seq > length]
    if problem and problem.kind == "shorter" and allow_rewind and lost:
        rewound_from = max(lost, key=lambda h: h.seq)
        problem = check_chain([h for h in evidence if h.seq <= length])
    if problem:
        hint = ""
        if problem.kind == "shorter" and not allow_rewind and problem.seq in {h.seq for h in lost}:
            hint = (
                "。若确需恢复到更早的备份，请加 --allow-rewind："
                "链的回退会写入审计日志并在公示门户公布"
            )
        raise BackupError(f"恢复后的审计链核验失败：{problem.message}{hint}")
    return rewound_from


def restore_backup(
    path: Path, *, actor=None, heads: list | tuple = (), allow_rewind: bool = False
) -> dict:
    """Replace every row with the backup's, in one transaction; verify counts and chain.

    ``heads`` are further known heads (``chain.KnownHead``) the restored chain must hold.
    Returns the manifest, with ``rewound_from`` added when the restore cut the chain.
    """
    from shuangsuiji.audit.services import record
    from shuangsuiji.core.actors import SystemActor

    manifest = read_manifest(path)
    conn = connections["default"]
    if manifest["migrations"] != _applied_migrations("default"):
        raise BackupError(
            "备份的数据库结构（迁移）与当前系统不一致：请先安装与备份相同的版本并执行迁移"
        )
    models = backup_models()
    known = {m._meta.label_lower for m in models}
    missing = set(manifest["models"]) - known
    if missing:
        raise BackupError(f"备份包含当前系统没有的数据表：{', '.join(sorted(missing))}")
    with zipfile.ZipFile(path) as zf, transaction.atomic():
        evidence = [*heads, *_installation_heads()]
        for model in reversed(models):
            model._base_manager.all()._raw_delete(model._base_manager.db)
        for model in models:
            label = model._meta.label_lower
            expected = manifest["models"].get(label, {"rows": 0, "sha256": None})
            if expected["rows"] == 0:
                continue
            raw = zf.read(f"models/{label}.jsonl")
            if hashlib.sha256(raw).hexdigest() != expected["sha256"]:
                raise BackupError(f"备份中的 {label} 数据校验和不符，文件已损坏或被修改")
            if expected.get("columns") != _columns(model):
                raise BackupError(f"备份中 {label} 的列与当前系统不一致")
            try:
                _load(model, raw)
            except (DatabaseError, ValueError, TypeError, ValidationError) as exc:
                raise BackupError(f"备份中 {label} 的数据无法写入：{exc}") from exc
            if model._base_manager.count() != expected["rows"]:
                raise BackupError(f"{label} 恢复后的行数与备份不符")
        sql = conn.ops.sequence_reset_sql(no_style(), models)
        if sql:
            with conn.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
        rewound_from = _check_restored_chain(manifest, evidence, allow_rewind)
        data = {
            "file": Path(path).name,
            "backup_created_at": manifest["created_at"],
            "restored_head": manifest.get("audit_head"),
        }
        if rewound_from is not None:
            data["rewound_from"] = {
                "seq": rewound_from.seq,
                "hash": rewound_from.entry_hash,
                "source": rewound_from.source,
            }
            data["lost_rows"] = rewound_from.seq - (manifest["audit_head"] or {}).get("seq", 0)
            manifest["rewound_from"] = data["rewound_from"]
        record(actor or SystemActor("恢复"), "backup.restore", data=data)
    return manifest
