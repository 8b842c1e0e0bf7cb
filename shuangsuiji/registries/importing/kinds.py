"""Row validation for each kind: entities, inspectors, conflicts and check items."""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from typing import Any

from shuangsuiji import creditcode
from shuangsuiji.core.access import in_scope
from shuangsuiji.core.models import Department, Region
from shuangsuiji.registries.models import (
    CheckItem,
    Conflict,
    Entity,
    EntityStatus,
    Inspector,
    RiskClass,
)

from .cells import CellError, boolean, choice, code, date, folded, is_empty, memo, text
from .readers import Table
from .schemas import COLUMNS, Kind
from .validation import (
    Action,
    Context,
    Plan,
    PlannedRow,
    RowCleaner,
    chunks,
    diff,
    duplicate,
    map_header,
    rows_as_dicts,
)


def _fold_key(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


def _choices(pairs: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for word, value in pairs.items():
        out[_fold_key(word)] = value
        out[_fold_key(word).lower()] = value
    return out


RISK_CLASSES = _choices(
    {v: v for v in RiskClass.values}
    | {f"{v}类": v for v in RiskClass.values}
    | {label: v for v, label in RiskClass.choices}
)
STATUSES = _choices(
    {v: v for v in EntityStatus.values}
    | {label: v for v, label in EntityStatus.choices}
    | {"存续": EntityStatus.OPERATING, "开业": EntityStatus.OPERATING}
)


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _text(model, name: str):
    return partial(text, max_length=_max(model, name))


def _code(model, name: str):
    return partial(code, max_length=_max(model, name))


SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")


def _credit_code(plan: Plan, r: RowCleaner, key: str = "credit_code") -> str | None:
    raw = r.cells.get(key)
    if is_empty(raw):
        r.fail(key, "必填项为空")
        return None
    if isinstance(raw, str) and SCIENTIFIC.match(raw.strip()):
        raw = float(raw)  # "9.14104E+17": a number that a spreadsheet wrote out as text
    try:
        parsed = creditcode.parse(raw)
    except creditcode.CreditCodeError as exc:
        r.fail(key, str(exc))
        return None
    for warning in parsed.warnings:
        plan.warn(r.number, r.kind_columns[key], warning)
    return parsed.code


OTHER_REGION = "统一社会信用代码 {code} 已由其他行政区划登记，您无权修改"


class RegionIndex:
    """The regions of the actor's scope, by code and by name (others do not resolve)."""

    def __init__(self, actor=None) -> None:
        self.by_code: dict[str, Region] = {}
        self.by_name: dict[str, list[Region]] = {}
        prefix = getattr(actor, "scope_prefix", "") if actor is not None else ""
        regions = Region.objects.all() if prefix == "" else Region.objects.none()
        if prefix:
            regions = Region.objects.filter(code__startswith=prefix)
        for region in regions:
            self.by_code[region.code] = region
            self.by_name.setdefault(_fold_key(region.name), []).append(region)

    def resolve(self, value: object) -> Region:
        word = folded(value)
        if word.isdigit() and len(word) == 6:
            if word in self.by_code:
                return self.by_code[word]
            raise CellError(f"行政区划代码“{word}”不存在或不在您的管辖范围内")
        found = self.by_name.get(word, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(f"“{word}”对应多个行政区划，请填写 6 位行政区划代码")
        raise CellError(f"行政区划“{word}”不存在或不在您的管辖范围内（请填写 6 位代码或名称）")


class DepartmentIndex:
    """Department lookups (code, name or short name) and the actor's right over each."""

    def __init__(self, actor, perm: str) -> None:
        self.actor = actor
        self.perm = perm
        self._found: dict[str, Department] = {}
        self._allowed: dict[int, bool] = {}

    def resolve(self, value: object) -> Department:
        word = text(value)
        if word not in self._found:
            department = Department.lookup(word, user=self.actor)
            if department is None:
                raise CellError(f"部门“{word}”不存在（请填写部门编码、名称或简称）")
            self._found[word] = department
        return self._found[word]

    def allowed(self, department: Department) -> bool:
        if department.pk not in self._allowed:
            self._allowed[department.pk] = bool(self.actor.has_perm(self.perm, department))
        return self._allowed[department.pk]


def _department(r: RowCleaner, departments: DepartmentIndex) -> Department | None:
    department = r.required("department", departments.resolve)
    if department is not None and not departments.allowed(department):
        r.fail("department", f"无权导入其他部门（{department.name}）的数据")
        return None
    return department


def plan_entities(plan: Plan, table: Table, ctx: Context) -> None:
    mapping = map_header(plan, table)
    if plan.errors:
        return
    cols = {c.key: c for c in COLUMNS[Kind.ENTITIES]}
    regions = RegionIndex(ctx.actor)
    convert = {key: _text(Entity, key) for key in ("address", "license_no", "legal_rep", "phone")}
    convert["industry"] = _text(Entity, "industry")
    name_text = _text(Entity, "name")
    source_text = partial(text, max_length=200)
    risk = memo(partial(choice, mapping=RISK_CLASSES, expected="A、B、C 或 D"))
    status = memo(partial(choice, mapping=STATUSES, expected="在营、停业或注销"))
    resolve_region = memo(regions.resolve)
    default_source = f"批量导入：{ctx.filename}"[:200]
    has = {key: key in plan_keys(plan) for key in cols}
    seen: dict[str, int] = {}
    pending: list[PlannedRow] = []
    for number, cells in rows_as_dicts(table, mapping):
        plan.total_rows += 1
        r = RowCleaner(plan, number, cells, cols)
        code = _credit_code(plan, r)
        values: dict[str, Any] = {"name": r.required("name", name_text)}
        risk_class = r.required("risk_class", risk)
        for key, func in convert.items():
            if has[key]:
                values[key] = r.optional(key, func, "")
        if has["status"]:
            values["status"] = r.optional("status", status, EntityStatus.OPERATING)
        region = r.optional("region", resolve_region, None) if has["region"] else None
        rating_date = r.optional("rating_date", date, ctx.today) if has["rating_date"] else None
        source = r.optional("rating_source", source_text, "") if has["rating_source"] else ""
        if code and duplicate(
            plan, seen, code, number, cols["credit_code"], f"统一社会信用代码 {code} "
        ):
            continue
        if r.failed:
            continue
        if region is not None:
            values["region_id"] = region.pk
        pending.append(
            PlannedRow(
                row=number,
                key=code,
                summary=values["name"],
                values=values,
                extra={
                    "risk_class": risk_class,
                    "rating_date": rating_date or ctx.today,
                    "rating_source": source or default_source,
                },
            )
        )
    existing: dict[str, Entity] = {}
    for chunk in chunks([p.key for p in pending]):
        for entity in Entity.objects.filter(credit_code__in=chunk).select_related("region"):
            existing[entity.credit_code] = entity
    _warn_empty_industry(plan, pending, cols["industry"], has["industry"])
    default_region = ctx.default_region
    if default_region is None and ctx.region_problem and not has["region"] and pending:
        # One message for the file, not one per row: the column is missing altogether.
        if any(p.key not in existing for p in pending):
            plan.error(0, cols["region"], ctx.region_problem)
            return
    for planned in pending:
        obj = existing.get(planned.key)
        if obj is not None and not in_scope(ctx.actor, obj):
            # The code is taken (it is unique): say so, without naming the entity.
            plan.error(planned.row, cols["credit_code"], OTHER_REGION.format(code=planned.key))
            continue
        if obj is None:
            if "region_id" not in planned.values:
                if default_region is None:
                    plan.error(planned.row, cols["region"], ctx.region_problem)
                    continue
                planned.values["region_id"] = default_region.pk
            planned.action = Action.CREATE
        else:
            planned.obj = obj
            planned.changed = diff(obj, planned.values)
            planned.extra["new_rating"] = planned.extra["risk_class"] != obj.risk_class
            changed = planned.changed or planned.extra["new_rating"]
            planned.action = Action.UPDATE if changed else Action.UNCHANGED
        plan.rows.append(planned)


EMPTY_INDUSTRY = (
    "行业为空：该检查对象不属于任何行业，按行业确定范围的抽查任务不会抽到它"
    "（任务预览中列为“未填写行业”）"
)


def _warn_empty_industry(plan: Plan, pending: list[PlannedRow], column, has_column) -> None:
    """Warn (not refuse) about entities that would fall outside every industry filter.

    Without the column, new entities take the model's default industry (网吧)."""
    if not has_column:
        return
    empty = [p.row for p in pending if not p.values.get("industry")]
    if empty:
        rows = "、".join(str(r) for r in empty[:20]) + ("……" if len(empty) > 20 else "")
        plan.warn(0, column, f"{len(empty)} 行{EMPTY_INDUSTRY}：第 {rows} 行")


def plan_keys(plan: Plan) -> set[str]:
    return {c.key for c in plan.columns}


def plan_inspectors(plan: Plan, table: Table, ctx: Context) -> None:
    mapping = map_header(plan, table)
    if plan.errors:
        return
    cols = {c.key: c for c in COLUMNS[Kind.INSPECTORS]}
    has = plan_keys(plan)
    departments = DepartmentIndex(ctx.actor, "registries.change_inspector")
    name_text, cert_text = _text(Inspector, "name"), _code(Inspector, "certificate_no")
    texts = {key: _text(Inspector, key) for key in ("title", "phone") if key in has}
    bools = {k: d for k, d in (("may_lead", False), ("is_expert", False), ("active", True))}
    seen: dict[str, int] = {}
    pending: list[PlannedRow] = []
    for number, cells in rows_as_dicts(table, mapping):
        plan.total_rows += 1
        r = RowCleaner(plan, number, cells, cols)
        values: dict[str, Any] = {"name": r.required("name", name_text)}
        department = _department(r, departments)
        cert = r.required("certificate_no", cert_text)
        for key in ("certificate_valid_from", "certificate_valid_to"):
            if key in has:
                values[key] = r.optional(key, date, None)
        start, end = values.get("certificate_valid_from"), values.get("certificate_valid_to")
        if start and end and end < start:
            r.fail("certificate_valid_to", "有效期止不能早于有效期起")
        for key, default in bools.items():
            if key in has:
                values[key] = r.optional(key, boolean, default)
        for key, func in texts.items():
            values[key] = r.optional(key, func, "")
        if cert and duplicate(
            plan, seen, cert, number, cols["certificate_no"], f"执法证号 {cert} "
        ):
            continue
        if r.failed:
            continue
        values["department_id"] = department.pk
        pending.append(PlannedRow(row=number, key=cert, summary=values["name"], values=values))
    existing: dict[str, Inspector] = {}
    for chunk in chunks([p.key for p in pending]):
        for inspector in Inspector.objects.filter(certificate_no__in=chunk).select_related(
            "department"
        ):
            existing[inspector.certificate_no] = inspector
    for planned in pending:
        obj = existing.get(planned.key)
        if obj is not None and not in_scope(ctx.actor, obj):
            plan.error(
                planned.row,
                cols["certificate_no"],
                f"执法证号 {planned.key} 已由其他行政区划登记，您无权修改",
            )
            continue
        if obj is not None and not departments.allowed(obj.department):
            plan.error(
                planned.row,
                cols["certificate_no"],
                f"执法证号 {planned.key} 已登记在其他部门（{obj.department.name}），无权修改",
            )
            continue
        _classify(planned, obj)
        plan.rows.append(planned)


def _classify(planned: PlannedRow, obj: Any) -> None:
    if obj is None:
        planned.action = Action.CREATE
        return
    planned.obj = obj
    planned.changed = diff(obj, planned.values)
    planned.action = Action.UPDATE if planned.changed else Action.UNCHANGED


def plan_conflicts(plan: Plan, table: Table, ctx: Context) -> None:
    mapping = map_header(plan, table)
    if plan.errors:
        return
    cols = {c.key: c for c in COLUMNS[Kind.CONFLICTS]}
    has = plan_keys(plan)
    departments = DepartmentIndex(ctx.actor, "registries.change_conflict")
    cert_text, reason_text = _code(Inspector, "certificate_no"), _text(Conflict, "reason")
    seen: dict[tuple[str, str], int] = {}
    pending: list[PlannedRow] = []
    for number, cells in rows_as_dicts(table, mapping):
        plan.total_rows += 1
        r = RowCleaner(plan, number, cells, cols)
        cert = r.required("certificate_no", cert_text)
        code = _credit_code(plan, r)
        values: dict[str, Any] = {}
        if "reason" in has:
            values["reason"] = r.optional("reason", reason_text, "")
        if "declared_on" in has:
            values["declared_on"] = r.optional("declared_on", date, ctx.today)
        if cert and code:
            what = f"执法证号 {cert} 与统一社会信用代码 {code} 的回避关系"
            if duplicate(plan, seen, (cert, code), number, cols["credit_code"], what):
                continue
        if r.failed:
            continue
        pending.append(PlannedRow(row=number, key=f"{cert}|{code}", summary="", values=values))
    pairs = [p.key.split("|") for p in pending]
    inspectors: dict[str, Inspector] = {}
    for chunk in chunks(sorted({c for c, _ in pairs})):
        in_scope_inspectors = Inspector.objects.visible_to(ctx.actor)
        for inspector in in_scope_inspectors.filter(certificate_no__in=chunk).select_related(
            "department"
        ):
            inspectors[inspector.certificate_no] = inspector
    entities: dict[str, Entity] = {}
    for chunk in chunks(sorted({e for _, e in pairs})):
        in_scope_entities = Entity.objects.visible_to(ctx.actor)
        for entity in in_scope_entities.filter(credit_code__in=chunk).only(
            "pk", "name", "credit_code"
        ):
            entities[entity.credit_code] = entity
    existing: dict[tuple[int, int], Conflict] = {}
    for chunk in chunks(sorted({i.pk for i in inspectors.values()})):
        for conflict in Conflict.objects.filter(inspector_id__in=chunk):
            existing[(conflict.inspector_id, conflict.entity_id)] = conflict
    for planned, (cert, code) in zip(pending, pairs):
        inspector, entity = inspectors.get(cert), entities.get(code)
        if inspector is None:
            plan.error(
                planned.row,
                cols["certificate_no"],
                f"执法证号 {cert} 不存在或不在您的管辖范围内（请先导入执法检查人员）",
            )
        elif not departments.allowed(inspector.department):
            plan.error(
                planned.row,
                cols["certificate_no"],
                f"无权导入其他部门（{inspector.department.name}）人员的回避关系",
            )
        if entity is None:
            plan.error(
                planned.row,
                cols["credit_code"],
                f"统一社会信用代码 {code} 不在您管辖范围内的检查对象名录库中",
            )
        if inspector is None or entity is None or not departments.allowed(inspector.department):
            continue
        planned.summary = f"{inspector.name} ↔ {entity.name}"
        obj = existing.get((inspector.pk, entity.pk))
        if obj is None:
            planned.values.update(inspector_id=inspector.pk, entity_id=entity.pk)
            planned.values.setdefault("declared_on", ctx.today)
        _classify(planned, obj)
        plan.rows.append(planned)


def plan_items(plan: Plan, table: Table, ctx: Context) -> None:
    mapping = map_header(plan, table)
    if plan.errors:
        return
    cols = {c.key: c for c in COLUMNS[Kind.ITEMS]}
    has = plan_keys(plan)
    departments = DepartmentIndex(ctx.actor, "registries.change_checkitem")
    code_text, title_text = _code(CheckItem, "code"), _text(CheckItem, "title")
    texts = {key: _text(CheckItem, key) for key in ("legal_basis", "method") if key in has}
    seen: dict[tuple[int, str], int] = {}
    pending: list[PlannedRow] = []
    for number, cells in rows_as_dicts(table, mapping):
        plan.total_rows += 1
        r = RowCleaner(plan, number, cells, cols)
        department = _department(r, departments)
        code = r.required("code", code_text)
        values: dict[str, Any] = {"title": r.required("title", title_text)}
        for key, func in texts.items():
            values[key] = r.optional(key, func, "")
        if "active" in has:
            values["active"] = r.optional("active", boolean, True)
        if department and code:
            key = (department.pk, code)
            if duplicate(plan, seen, key, number, cols["code"], f"{department.name}的编号 {code} "):
                continue
        if r.failed:
            continue
        values["department_id"] = department.pk
        pending.append(
            PlannedRow(
                row=number, key=code, summary=values["title"], values=values | {"code": code}
            )
        )
    existing: dict[tuple[int, str], CheckItem] = {}
    dept_ids = sorted({p.values["department_id"] for p in pending})
    for item in CheckItem.objects.filter(department_id__in=dept_ids):
        existing[(item.department_id, item.code)] = item
    for planned in pending:
        _classify(planned, existing.get((planned.values["department_id"], planned.key)))
        plan.rows.append(planned)


PLANNERS = {
    Kind.ENTITIES: plan_entities,
    Kind.INSPECTORS: plan_inspectors,
    Kind.CONFLICTS: plan_conflicts,
    Kind.ITEMS: plan_items,
}
