"""The staff navigation: one entry per area, in the order of the mission."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    perm: str | None = None


AREAS: tuple[NavItem, ...] = (
    NavItem("home", "工作台", "core:home"),
    NavItem("registries", "一单两库", "registries:index", "registries.view"),
    NavItem("plans", "计划与抽取", "plans:index", "plans.view"),
    NavItem("inspections", "检查实施", "inspections:list", "inspections.view"),
    NavItem("publication", "结果公示", "reports:publication", "plans.view"),
    NavItem("reports", "统计报表", "reports:index", "plans.view"),
    NavItem("system", "系统管理", "core:system", "audit.view"),
)


def items_for(user, current: str) -> list[dict]:
    out = []
    for item in AREAS:
        if item.perm and not user.has_perm(item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append(
            {"key": item.key, "label": item.label, "url": url, "active": item.key == current}
        )
    return out
