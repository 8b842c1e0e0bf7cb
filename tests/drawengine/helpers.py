"""Builders for synthetic rosters, pools and draws."""

from __future__ import annotations

import random
from datetime import date

from shuangsuiji.creditcode import ALPHABET, make_code
from shuangsuiji.drawengine import (
    Conflict,
    Inspector,
    InspectorPool,
    build_announcement,
    canonical_beacon,
    reveal,
)

WINDOW = (date(2023, 7, 10), date(2023, 8, 31))
AT = "2023-06-30T09:00:00+08:00"


def codes(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < count:
        out.add(make_code("91410402" + "".join(rng.choices(ALPHABET, k=9))))
    return sorted(out)


def pool_of(leaders: int = 4, wl: int = 2, sc: int = 4, ga: int = 0) -> list[Inspector]:
    pool = [Inspector(f"WL-L{i:02d}", "WL", True) for i in range(leaders)]
    pool += [Inspector(f"WL-M{i:02d}", "WL", False) for i in range(wl)]
    pool += [Inspector(f"SC-{i:02d}", "SC", False) for i in range(sc)]
    pool += [Inspector(f"GA-{i:02d}", "GA", False) for i in range(ga)]
    return pool


def draw(
    ids: list[str] | None = None,
    *,
    pool: list[Inspector] | None = None,
    conflicts: list[Conflict] | None = None,
    members: list[str] | None = None,
    team_mode: str = "per-inspection",
    rates: tuple[int, int, int] = (100, 300, 1000),
    beacon: str = "9319./2.5.8.10.12./",
) -> dict:
    ids = ids if ids is not None else codes(600)
    third = len(ids) // 3
    inspectors = None
    if pool is not None:
        inspectors = InspectorPool(
            pool,
            conflicts or [],
            "WL",
            WINDOW,
            members if members is not None else ["SC"],
            team_mode=team_mode,
        )
    announcement = build_announcement(
        code="2023-XH-WL-01",
        title="2023 年度新华区互联网上网服务营业场所联合检查",
        strata={
            "A": (rates[0], ids[:third]),
            "B": (rates[1], ids[third : 2 * third]),
            "C": (rates[2], ids[2 * third :]),
        },
        beacon_source="福利彩票 3D 第 2023172 期开奖号码",
        announced_at=AT,
        inspectors=inspectors,
    )
    return reveal(
        announcement,
        canonical_beacon(beacon),
        pool=pool,
        conflicts=conflicts if conflicts is not None else ([] if pool is not None else None),
    )
