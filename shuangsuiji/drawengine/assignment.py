"""Inspector assignment (随机匹配执法检查人员) derived from the draw seed.

Normative description with worked examples: ``docs/draw-protocol.md`` ("Inspector
assignment"). Everything here is a pure function of the announcement block, the seed,
the selected entities, the pool and the conflict list.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import tickets
from .protocol import DrawError, canonical_json

TEAM_MODES = ("per-inspection", "per-task")
INSPECTOR_CHANGE_REASONS: dict[str, str] = {
    "sick-leave": "病假",
    "conflict-declared": "新申报回避（存在利害关系）",
    "certificate-invalid": "执法证失效",
    "transferred": "调离执法岗位",
    "official-duty": "因其他公务无法到岗",
}


class AssignmentError(DrawError):
    """Constraints cannot be met; the message names the entity and the reason."""


@dataclass(frozen=True)
class Inspector:
    id: str
    department: str
    may_lead: bool
    certificate_valid_from: date | None = None
    certificate_valid_to: date | None = None
    unavailable: tuple[tuple[date, date], ...] = ()

    def eligible(self, start: date, end: date) -> bool:
        """Certificate valid on every day of [start, end] and no unavailability overlapping it."""
        if self.certificate_valid_from is not None and self.certificate_valid_from > start:
            return False
        if self.certificate_valid_to is not None and self.certificate_valid_to < end:
            return False
        return all(b < start or a > end for a, b in self.unavailable)


@dataclass(frozen=True)
class Conflict:
    inspector: str
    entity: str


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def canonical_pool(pool: Sequence[Inspector]) -> str:
    rows = [
        {
            "id": i.id,
            "department": i.department,
            "may_lead": bool(i.may_lead),
            "valid_from": _iso(i.certificate_valid_from),
            "valid_to": _iso(i.certificate_valid_to),
            "unavailable": sorted([a.isoformat(), b.isoformat()] for a, b in i.unavailable),
        }
        for i in pool
    ]
    rows.sort(key=lambda r: r["id"])
    return canonical_json(rows)


def canonical_conflicts(conflicts: Iterable[Conflict]) -> str:
    return canonical_json(sorted({(c.inspector, c.entity) for c in conflicts}))


def pool_digest(pool: Sequence[Inspector]) -> str:
    return hashlib.sha256(canonical_pool(pool).encode("utf-8")).hexdigest()


def conflicts_digest(conflicts: Iterable[Conflict]) -> str:
    return hashlib.sha256(canonical_conflicts(conflicts).encode("utf-8")).hexdigest()


@dataclass
class InspectorPool:
    pool: list[Inspector]
    conflicts: list[Conflict]
    leader_department: str
    window: tuple[date, date]
    member_departments: list[str] = field(default_factory=list)
    members_per_department: dict[str, int] | None = None
    team_mode: str = "per-inspection"

    def announcement_block(self) -> dict[str, Any]:
        ids = [i.id for i in self.pool]
        if len(set(ids)) != len(ids):
            dup = sorted(i for i in ids if ids.count(i) > 1)[0]
            raise DrawError(f"执法人员名录中证件号 {dup} 重复")
        if not self.leader_department:
            raise DrawError("必须指定牵头部门 (leader_department)")
        if self.team_mode not in TEAM_MODES:
            raise DrawError(f"未知的组队方式：{self.team_mode}（可选 {'、'.join(TEAM_MODES)}）")
        start, end = self.window
        if start > end:
            raise DrawError("检查期开始日期晚于结束日期")
        members = dict(self.members_per_department or {})
        for dept in self.member_departments:
            members.setdefault(dept, 1)
        if not members:
            members = {self.leader_department: 1}
        for dept, count in members.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise DrawError(f"部门 {dept} 的组员人数无效：{count!r}")
            if dept in self.member_departments and count < 1:
                raise DrawError(f"协作部门 {dept} 至少要有 1 名组员")
        if 1 + sum(members.values()) < 2:
            raise DrawError("每个检查组至少 2 名执法人员")
        return {
            "leader_department": self.leader_department,
            "member_departments": sorted(set(self.member_departments)),
            "members_per_department": {d: members[d] for d in sorted(members) if members[d]},
            "team_mode": self.team_mode,
            "window": [start.isoformat(), end.isoformat()],
            "pool_digest": pool_digest(self.pool),
            "pool_size": len(self.pool),
            "conflicts_digest": conflicts_digest(self.conflicts),
            "conflicts_count": len({(c.inspector, c.entity) for c in self.conflicts}),
        }


def check_pool(
    block: dict[str, Any], pool: Sequence[Inspector], conflicts: Iterable[Conflict]
) -> None:
    if pool_digest(pool) != block["pool_digest"]:
        raise DrawError("提供的执法人员名录与公告中的摘要 (pool_digest) 不符")
    if conflicts_digest(conflicts) != block["conflicts_digest"]:
        raise DrawError("提供的回避名单与公告中的摘要 (conflicts_digest) 不符")


# --------------------------------------------------------------------------- roles


@dataclass
class Roles:
    """Candidates per role in drawn order; role key ``"leader"`` or ``"member:<dept>"``."""

    order: list[str]
    candidates: dict[str, list[str]]
    pool_by_id: dict[str, Inspector]
    counts: dict[str, int]  # members per department


def roles_for(block: dict[str, Any], seed: str, pool: Sequence[Inspector]) -> Roles:
    start, end = (date.fromisoformat(x) for x in block["window"])
    by_id = {i.id: i for i in pool}
    order = [id_ for _t, id_ in tickets.rank(seed, sorted(by_id))]
    eligible = [by_id[i] for i in order if by_id[i].eligible(start, end)]
    lead = block["leader_department"]
    candidates = {"leader": [i.id for i in eligible if i.department == lead and i.may_lead]}
    counts: dict[str, int] = dict(block["members_per_department"])
    for dept in counts:
        candidates[f"member:{dept}"] = [i.id for i in eligible if i.department == dept]
    return Roles(order, candidates, by_id, counts)


def _why_none(role: str, roles: Roles, entity: str, blocked: set[str], team: set[str]) -> str:
    label = "组长（牵头部门）" if role == "leader" else f"部门 {role[7:]} 的组员"
    total = roles.candidates[role]
    conflicted = sum(1 for i in total if i in blocked)
    busy = sum(1 for i in total if i in team and i not in blocked)
    return (
        f"检查对象 {entity}：没有可担任{label}的执法人员（检查期内持有效执法证且可到岗的 "
        f"{len(total)} 人中，{conflicted} 人需回避，{busy} 人已在本组）"
    )


def _pick(candidates: list[str], load: dict[str, int] | None, excluded: set[str]) -> str | None:
    best: str | None = None
    best_load = 0
    for id_ in candidates:  # drawn order breaks ties
        if id_ in excluded:
            continue
        if load is None:
            return id_
        if best is None or load[id_] < best_load:
            best, best_load = id_, load[id_]
    return best


def _entities(strata: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, e["id"]) for key in sorted(strata) for e in strata[key]["selected"]]


def assign(
    block: dict[str, Any],
    seed: str,
    strata: dict[str, Any],
    pool: Sequence[Inspector],
    conflicts: Iterable[Conflict],
) -> dict[str, Any]:
    conflicts = list(conflicts)
    check_pool(block, pool, conflicts)
    roles = roles_for(block, seed, pool)
    blocked: dict[str, set[str]] = {}
    for c in conflicts:
        blocked.setdefault(c.entity, set()).add(c.inspector)
    entities = _entities(strata)
    slots = [("leader", "leader")] + [
        (f"member:{d}", d) for d in sorted(roles.counts) for _ in range(roles.counts[d])
    ]
    teams: list[dict[str, Any]] = []
    base: list[str] = []
    notes: list[dict[str, Any]] = []
    caps: dict[str, int] = {}
    if block["team_mode"] == "per-inspection":
        loads = {role: dict.fromkeys(c, 0) for role, c in roles.candidates.items()}
        for role, cands in roles.candidates.items():
            per = 1 if role == "leader" else roles.counts[role[7:]]
            caps[role] = math.ceil(len(entities) * per / len(cands)) if cands else 0
        built: list[list[str]] = [[] for _ in entities]
        for role, _d in slots:
            cands = roles.candidates[role]
            free = [
                sum(1 for i in cands if i not in blocked.get(e, ()) and i not in built[k])
                for k, (_s, e) in enumerate(entities)
            ]
            # most constrained entities first (fewest free candidates), then drawn order
            for k in sorted(range(len(entities)), key=lambda k: (free[k], k)):
                entity = entities[k][1]
                no = blocked.get(entity, set())
                chosen = _pick(cands, loads[role], no | set(built[k]))
                if chosen is None:
                    raise AssignmentError(_why_none(role, roles, entity, no, set(built[k])))
                if loads[role][chosen] >= caps[role]:
                    notes.append(
                        {
                            "entity": entity,
                            "inspector": chosen,
                            "role": role,
                            "note": "回避关系使负载超过上限 (cap)",
                        }
                    )
                loads[role][chosen] += 1
                built[k].append(chosen)
        for (stratum, entity), team in zip(entities, built, strict=True):
            teams.append(_team(stratum, entity, team, slots))
    else:
        for role, _d in slots:
            chosen = _pick(roles.candidates[role], None, set(base))
            if chosen is None:
                raise AssignmentError(_why_none(role, roles, "（全部对象）", set(), set(base)))
            base.append(chosen)
        for stratum, entity in entities:
            no = blocked.get(entity, set())
            team = list(base)
            replaced: list[dict[str, str]] = []
            for n, (role, _d) in enumerate(slots):
                if team[n] in no:
                    chosen = _pick(roles.candidates[role], None, no | set(team))
                    if chosen is None:
                        raise AssignmentError(_why_none(role, roles, entity, no, set(team)))
                    replaced.append(
                        {"role": role, "replaced": team[n], "by": chosen, "reason": "conflict"}
                    )
                    team[n] = chosen
            item = _team(stratum, entity, team, slots)
            item["replacements"] = replaced
            teams.append(item)
    result: dict[str, Any] = {"team_mode": block["team_mode"], "caps": caps}
    if block["team_mode"] == "per-task":
        result["base_team"] = {
            k: v for k, v in _team("", "", base, slots).items() if k in ("leader", "members")
        }
    result["teams"] = teams
    result["notes"] = notes
    return result


def _team(
    stratum: str, entity: str, team: list[str], slots: list[tuple[str, str]]
) -> dict[str, Any]:
    members: dict[str, list[str]] = {}
    for id_, (_role, dept) in zip(team[1:], slots[1:], strict=True):
        members.setdefault(dept, []).append(id_)
    return {"stratum": stratum, "entity": entity, "leader": team[0], "members": members}


# --------------------------------------------------------------------------- changes after the draw


def _slots(counts: dict[str, int]) -> list[tuple[str, str]]:
    return [("leader", "leader")] + [
        (f"member:{d}", d) for d in sorted(counts) for _ in range(counts[d])
    ]


def current_teams(record: dict[str, Any], upto: int | None = None) -> list[dict[str, Any]]:
    """Teams after entity substitutions and the first ``upto`` inspector changes.

    Each item: ``stratum``, ``entities`` (drawn entity then its substitutes), ``entity``
    (current), ``team`` (list in slot order), ``removed`` (ids taken off this slot's team).
    """
    assignment = record["assignment"]
    counts = record["announcement"]["inspectors"]["members_per_department"]
    slots = _slots(counts)
    state: list[dict[str, Any]] = []
    for t in assignment["teams"]:
        team = [t["leader"]]
        for _role, dept in slots[1:]:
            team.append(t["members"][dept][sum(1 for r, d in slots[1 : len(team)] if d == dept)])
        state.append(
            {"stratum": t["stratum"], "entities": [t["entity"]], "team": team, "removed": set()}
        )
    where = {s["entities"][0]: s for s in state}
    for key in sorted(record["strata"]):
        for sub in record["strata"][key]["substitutions"]:
            slot = where.get(sub["replaced"])
            if slot is not None:
                slot["entities"].append(sub["by"])
                where[sub["by"]] = slot
    changes = record.get("inspector_changes", [])
    for change in changes[: len(changes) if upto is None else upto]:
        slot = where[change["entity"]]
        slot["team"][slot["team"].index(change["outgoing"])] = change["incoming"]
        slot["removed"].add(change["outgoing"])
    for s in state:
        s["entity"] = s["entities"][-1]
    return state


def _find(state: list[dict[str, Any]], entity: str) -> dict[str, Any]:
    for s in state:
        if entity in s["entities"]:
            return s
    raise DrawError(f"{entity} 不是本次抽中的检查对象")


def expected_incoming(
    record: dict[str, Any],
    state: list[dict[str, Any]],
    roles: Roles,
    conflicts: Iterable[Conflict],
    *,
    entity: str,
    outgoing: str,
    skipped: Iterable[str] = (),
) -> tuple[str, str]:
    """(role, incoming) by the assignment rule: per-inspection = least loaded in the role,
    ties in drawn order; per-task = first in drawn order."""
    slot = _find(state, entity)
    if outgoing not in slot["team"]:
        raise DrawError(f"{outgoing} 不在检查对象 {entity} 的检查组中")
    slots = _slots(record["announcement"]["inspectors"]["members_per_department"])
    role = slots[slot["team"].index(outgoing)][0]
    excluded = set(slot["team"]) | slot["removed"] | set(skipped)
    excluded |= {c.inspector for c in conflicts if c.entity in slot["entities"]}
    load: dict[str, int] | None = None
    if record["assignment"]["team_mode"] == "per-inspection":
        load = dict.fromkeys(roles.candidates[role], 0)
        for s in state:
            for id_, (r, _d) in zip(s["team"], slots, strict=True):
                if r == role and id_ in load:
                    load[id_] += 1
    chosen = _pick(roles.candidates[role], load, excluded)
    if chosen is None:
        raise AssignmentError(_why_none(role, roles, slot["entity"], excluded, set()))
    return role, chosen


def plan_inspector_change(
    record: dict[str, Any],
    *,
    entity: str,
    outgoing: str,
    pool: Sequence[Inspector],
    conflicts: Sequence[Conflict],
    unavailable_on: Iterable[str] | None = None,
) -> tuple[str, list[str]]:
    """(incoming, skipped): ``unavailable_on`` lists inspector ids declared unavailable for
    this inspection; those met before the choice are skipped and recorded publicly."""
    block = record["announcement"]["inspectors"]
    check_pool(block, pool, conflicts)
    roles = roles_for(block, record["seed"], pool)
    state = current_teams(record)
    declared = list(unavailable_on or ())
    skipped: list[str] = []
    while True:
        _role, chosen = expected_incoming(
            record, state, roles, conflicts, entity=entity, outgoing=outgoing, skipped=skipped
        )
        if chosen not in declared:
            return chosen, skipped
        skipped.append(chosen)


def next_inspector(
    record: dict[str, Any],
    *,
    entity: str,
    outgoing: str,
    pool: Sequence[Inspector],
    conflicts: Sequence[Conflict],
    unavailable_on: Iterable[str] | None = None,
) -> str:
    """The next eligible inspector for that entity and role (never hand-picked)."""
    return plan_inspector_change(
        record,
        entity=entity,
        outgoing=outgoing,
        pool=pool,
        conflicts=conflicts,
        unavailable_on=unavailable_on,
    )[0]


def apply_inspector_change(
    record: dict[str, Any],
    *,
    entity: str,
    outgoing: str,
    incoming: str,
    reason: str,
    approved_by: str,
    skipped: Sequence[str] = (),
) -> dict[str, Any]:
    """Return a new record with the change appended; ``verify_record`` re-checks it."""
    if "assignment" not in record:
        raise DrawError("该抽取记录没有人员分配")
    if reason not in INSPECTOR_CHANGE_REASONS:
        raise DrawError(
            f"人员调整理由 {reason!r} 不在允许的范围内（{'、'.join(INSPECTOR_CHANGE_REASONS)}）"
        )
    if not isinstance(approved_by, str) or not approved_by.strip():
        raise DrawError("人员调整必须写明批准人 (approved_by)")
    slot = _find(current_teams(record), entity)
    if outgoing not in slot["team"]:
        raise DrawError(f"{outgoing} 不在检查对象 {entity} 的检查组中")
    change = {
        "entity": entity,
        "outgoing": outgoing,
        "incoming": incoming,
        "skipped": list(skipped),
        "reason": reason,
        "reason_label": INSPECTOR_CHANGE_REASONS[reason],
        "approved_by": approved_by.strip(),
    }
    new_record = dict(record)
    new_record["inspector_changes"] = [*record.get("inspector_changes", []), change]
    return new_record
