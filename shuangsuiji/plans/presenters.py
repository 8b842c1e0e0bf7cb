"""Read-only views of a draw for templates (staff ceremony page and public portal).

Only published data: the announcement, the record and entity names. Never the frozen
pool or conflict list, nor inspectors' phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shuangsuiji.drawengine import INSPECTOR_CHANGE_REASONS

from . import frozen
from .models import Draw, ExclusionReason, bp_to_percent


@dataclass
class StratumView:
    key: str
    population: int
    rate: str
    sample_size: int
    selected: list[dict] = field(default_factory=list)
    substitutions: list[dict] = field(default_factory=list)
    substitute_order: list[dict] = field(default_factory=list)


def _names(draw: Draw, codes: set[str]) -> dict[str, str]:
    """Entity names as frozen with the announcement (never the live rows)."""
    return frozen.entity_names(draw, codes)


def announced_strata(draw: Draw) -> list[dict]:
    rounding = draw.announcement["rounding"]
    from shuangsuiji.drawengine import sample_size

    return [
        {
            "key": key,
            "population": len(value["ids"]),
            "rate": bp_to_percent(value["rate_bp"]),
            "sample_size": sample_size(len(value["ids"]), value["rate_bp"], rounding),
        }
        for key, value in sorted(draw.announcement["strata"].items())
    ]


def excluded(draw: Draw) -> list[dict]:
    items = draw.announcement.get("excluded", [])
    names = _names(draw, {x["id"] for x in items})
    labels = dict(ExclusionReason.choices)
    return [
        dict(x, name=names.get(x["id"], ""), reason_label=labels.get(x["reason"], x["reason"]))
        for x in items
    ]


def accounting(draw: Draw) -> dict | None:
    """Where every entity of the region went, as frozen (labels from the snapshot)."""
    frozen = draw.announcement.get("accounting")
    if not frozen:
        return None
    rows = [("进入抽查名录", frozen["in_roster"])]
    rows += [(f"排除：{x['label']}", x["count"]) for x in frozen["excluded"].values()]
    rows += [(f"不在范围：{x['label']}", x["count"]) for x in frozen["out_of_scope"].values()]
    return {"total": frozen["total"], "rating_day": frozen["rating_day"], "rows": rows}


def strata(draw: Draw) -> list[StratumView]:
    if not draw.record:
        return []
    codes: set[str] = set()
    for value in draw.record["strata"].values():
        codes.update(e["id"] for e in value["selected"] + value["substitute_order"])
        codes.update(s["by"] for s in value["substitutions"])
    names = _names(draw, codes)
    out = []
    for key, value in sorted(draw.record["strata"].items()):
        replaced = {s["replaced"]: s for s in value["substitutions"]}
        used = {s["by"] for s in value["substitutions"]}
        out.append(
            StratumView(
                key=key,
                population=value["population"],
                rate=bp_to_percent(value["rate_bp"]),
                sample_size=value["sample_size"],
                selected=[
                    dict(e, name=names.get(e["id"], ""), replaced_by=replaced.get(e["id"]))
                    for e in value["selected"]
                ],
                substitutions=[
                    dict(s, name=names.get(s["by"], ""), replaced_name=names.get(s["replaced"], ""))
                    for s in value["substitutions"]
                ],
                substitute_order=[
                    dict(e, name=names.get(e["id"], ""), used=e["id"] in used)
                    for e in value["substitute_order"]
                ],
            )
        )
    return out


def inspector_names(draw: Draw) -> dict[str, str]:
    if not draw.record or "assignment" not in draw.record:
        return {}
    certs: set[str] = set()
    for team in draw.record["assignment"]["teams"]:
        certs.add(team["leader"])
        certs.update(c for ids in team["members"].values() for c in ids)
    for change in draw.record.get("inspector_changes", []):
        certs.update([change["outgoing"], change["incoming"]])
    return frozen.inspector_names(draw, certs)


def public_teams(draw: Draw) -> list[dict]:
    """Current teams from the record (entity, leader, members), with names."""
    if not draw.record or "assignment" not in draw.record:
        return []
    names = inspector_names(draw)
    entity_names = _names(draw, {t["entity"] for t in draw.record["assignment"]["teams"]})
    current = {t["entity"]: t for t in draw.record["assignment"]["teams"]}
    rows = []
    for entity, team in current.items():
        leader = team["leader"]
        members = [c for ids in team["members"].values() for c in ids]
        rows.append(
            {
                "entity": entity,
                "entity_name": entity_names.get(entity, ""),
                "stratum": team["stratum"],
                "leader": (leader, names.get(leader, "")),
                "members": [(c, names.get(c, "")) for c in members],
            }
        )
    return rows


def inspector_changes(draw: Draw) -> list[dict]:
    if not draw.record:
        return []
    names = inspector_names(draw)
    entity_names = _names(draw, {c["entity"] for c in draw.record.get("inspector_changes", [])})
    return [
        dict(
            c,
            outgoing_name=names.get(c["outgoing"], ""),
            incoming_name=names.get(c["incoming"], ""),
            entity_name=entity_names.get(c["entity"], ""),
            reason_label=c.get("reason_label") or INSPECTOR_CHANGE_REASONS.get(c["reason"], ""),
        )
        for c in draw.record.get("inspector_changes", [])
    ]


def context(draw: Draw) -> dict:
    """Everything ``portal/_draw_body.html`` needs."""
    return {
        "draw": draw,
        "frozen": draw.frozen_display,
        "versions": list(draw.versions.only("number", "summary", "published_at", "draw_id")),
        "announced": announced_strata(draw),
        "excluded": excluded(draw),
        "accounting": accounting(draw),
        "strata": strata(draw),
        "teams": public_teams(draw),
        "changes": inspector_changes(draw),
    }
