"""Offline command line: ``ssj draw announce|reveal|verify|substitute|secret`` (no database).

Also runnable as ``python3 -m shuangsuiji.drawengine.cli announce ...``.

- ``announce … [--beacon-kind K] [--beacon-not-before T] [--commitment DEPT=SHA256 …]``
- ``reveal ANN.json --beacon B [--secret DEPT=SECRET …] [--revealed-at T] --out R.json``
- ``verify [--previous OLD.json] R.json``: recompute R; with ``--previous`` also check that
  R only appends substitutions or inspector changes to OLD (exit 1 on the first difference).
- ``secret``: print a fresh secret and its commitment (for a department's ceremony).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from . import jsonfile
from .assignment import TEAM_MODES, InspectorPool
from .commitments import commitment_of, new_secret
from .protocol import (
    BEACON_KINDS,
    ROUNDING_RULES,
    DrawError,
    VerificationError,
    build_announcement,
    canonical_beacon,
)
from .record import SUBSTITUTION_REASONS, apply_substitution, reveal_document
from .rosters import read_conflicts, read_inspectors, read_roster
from .verify import verify_record
from .versions import check_extends

CHINA = timezone(timedelta(hours=8))


def parse_rates(text: str) -> dict[str, int]:
    """``"A=1%,B=3%,C=10%"`` -> basis points ``{"A": 100, "B": 300, "C": 1000}``."""
    rates: dict[str, int] = {}
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().upper(), value.strip()
        if not sep or not key or not value:
            raise DrawError(f"抽查比例格式应为 A=1%,B=3%：{part!r}")
        try:
            if value.endswith("%"):
                bp = Decimal(value[:-1]) * 100
            elif value.lower().endswith("bp"):
                bp = Decimal(value[:-2])
            else:
                raise DrawError(f"抽查比例须写百分号（如 3%）或 bp（如 300bp）：{part!r}")
        except InvalidOperation:
            raise DrawError(f"抽查比例不是数字：{part!r}") from None
        if bp != bp.to_integral_value():
            raise DrawError(f"抽查比例最小单位是万分之一 (1bp)：{part!r}")
        if key in rates:
            raise DrawError(f"分层 {key} 的比例重复")
        rates[key] = int(bp)
    if not rates:
        raise DrawError("没有给出抽查比例")
    return rates


def _window(text: str) -> tuple[date, date]:
    bits = [b.strip() for b in text.replace("~", ":").split(":")]
    try:
        start, end = date.fromisoformat(bits[0]), date.fromisoformat(bits[-1])
    except ValueError:
        raise DrawError(f"检查期应写成 YYYY-MM-DD:YYYY-MM-DD：{text!r}") from None
    return start, end


def _counts(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        dept, _sep, n = value.partition("=")
        if not n.strip().isdigit():
            raise DrawError(f"--members-per-dept 应写成 部门代码=人数：{value!r}")
        out[dept.strip()] = int(n)
    return out


def _write(path: str, obj: Any) -> None:
    jsonfile.write(path, obj)


def _load(path: str) -> Any:
    try:
        return jsonfile.load(path)
    except OSError as exc:
        raise DrawError(f"无法读取 {path}：{exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DrawError(f"{path} 不是有效的 UTF-8 JSON：{exc}") from None


def _lists(args: argparse.Namespace) -> tuple[Any, Any]:
    if bool(args.inspectors) != bool(args.conflicts):
        raise DrawError("--inspectors 和 --conflicts 必须同时提供")
    if not args.inspectors:
        return None, None
    return read_inspectors(args.inspectors), read_conflicts(args.conflicts)


def _pairs(values: list[str] | None, what: str) -> list[tuple[str, str]]:
    out = []
    for value in values or []:
        dept, sep, text = value.partition("=")
        if not sep or not dept.strip() or not text.strip():
            raise DrawError(f"{what} 应写成 部门代码=值：{value!r}")
        out.append((dept.strip(), text.strip()))
    return out


def cmd_announce(args: argparse.Namespace) -> int:
    roster = read_roster(args.roster)
    rates = parse_rates(args.rates)
    missing = sorted(set(roster) - set(rates))
    if missing:
        raise DrawError(f"名录中的风险分类 {'、'.join(missing)} 没有给出抽查比例")
    strata = {key: (rate, roster.get(key, [])) for key, rate in rates.items()}
    inspectors = None
    pool, conflicts = _lists(args)
    if pool is not None:
        if not args.leader_dept or not args.window:
            raise DrawError("提供人员名录时必须同时给出 --leader-dept 和 --window")
        inspectors = InspectorPool(
            pool=pool,
            conflicts=conflicts,
            leader_department=args.leader_dept,
            window=_window(args.window),
            member_departments=args.member_dept or [],
            members_per_department=_counts(args.members_per_dept or []) or None,
            team_mode=args.team_mode,
        )
    announced_at = args.announced_at or datetime.now(CHINA).replace(microsecond=0).isoformat()
    announcement = build_announcement(
        code=args.code,
        title=args.title or args.code,
        strata=strata,
        beacon_source=args.beacon_source,
        announced_at=announced_at,
        rounding=args.rounding,
        inspectors=inspectors,
        beacon_kind=args.beacon_kind or None,
        beacon_not_before=args.beacon_not_before or None,
        commitments=[
            {"department": d, "sha256": h} for d, h in _pairs(args.commitment, "--commitment")
        ]
        or None,
    )
    from .protocol import announcement_digest

    _write(args.out, announcement)
    print(f"公告已写入 {args.out}")
    print(f"公告摘要 (announcement digest): {announcement_digest(announcement)}")
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    announcement = _load(args.announcement)
    announced_kind = announcement.get("beacon_kind") if isinstance(announcement, dict) else None
    kind = args.beacon_kind or announced_kind or "text"
    beacon = canonical_beacon(args.beacon, kind)
    pool, conflicts = _lists(args)
    secrets = dict(_pairs(args.secret, "--secret"))
    revealed_at = args.revealed_at or None
    if revealed_at is None and isinstance(announcement, dict):
        if "beacon_not_before" in announcement:
            revealed_at = datetime.now(CHINA).replace(microsecond=0).isoformat()
    record, canonical = reveal_document(
        announcement,
        beacon,
        pool=pool,
        conflicts=conflicts,
        secrets=secrets or None,
        revealed_at=revealed_at,
        beacon_kind=args.beacon_kind or None,
    )
    # the announcement as its canonical JSON (the bytes hashed for the digest), not re-encoded
    jsonfile.write(args.out, record, raw={("announcement",): canonical})
    print(f"抽取记录已写入 {args.out}")
    print(f"信标 (beacon): {beacon}")
    print(f"种子 (seed): {record['seed']}")
    for key, value in record["strata"].items():
        print(f"分层 {key}: 基数 {value['population']}，抽取 {value['sample_size']} 户")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    record = _load(args.record)
    previous = _load(args.previous) if args.previous else None
    pool, conflicts = _lists(args)
    try:
        added = check_extends(previous, record) if previous is not None else None
        verify_record(record, pool=pool, conflicts=conflicts)
    except VerificationError as exc:
        print(f"不一致 (MISMATCH): {exc}")
        return 1
    print("OK")
    if added is not None:
        print(
            f"新版本是旧版本的延续：新增替补 {added['substitutions']} 次，"
            f"人员调整 {added['inspector_changes']} 次"
        )
    if isinstance(record.get("announcement"), dict) and "inspectors" in record["announcement"]:
        if pool is None:
            print("注意：未提供人员名录和回避名单，人员分配未核验", file=sys.stderr)
    return 0


def cmd_substitute(args: argparse.Namespace) -> int:
    record = _load(args.record)
    new = apply_substitution(
        record,
        stratum=args.stratum,
        replaced=args.replaced,
        reason=args.reason,
        approved_by=args.approved_by,
    )
    _write(args.out, new)
    print(f"{args.replaced} 由 {new['strata'][args.stratum]['substitutions'][-1]['by']} 替补")
    return 0


def cmd_secret(args: argparse.Namespace) -> int:
    secret = new_secret()
    print(f"秘密值 (secret，揭晓前请勿泄露): {secret}")
    print(f"承诺 (commitment = SHA-256): {commitment_of(secret)}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ssj draw", description="可公开验证的双随机抽取（离线）")
    sub = parser.add_subparsers(dest="command", required=True)

    def lists(p: argparse.ArgumentParser) -> None:
        p.add_argument("--inspectors", help="执法人员名录 CSV")
        p.add_argument("--conflicts", help="回避名单 CSV")

    a = sub.add_parser("announce", help="冻结并发布抽取公告")
    a.add_argument("--roster", required=True, help="名录 CSV：credit_code,risk_class")
    a.add_argument("--rates", required=True, help='抽查比例，如 "A=1%%,B=3%%,C=10%%"')
    a.add_argument("--code", required=True, help="抽查任务编号")
    a.add_argument("--title", default="", help="标题（默认同编号）")
    a.add_argument("--beacon-source", required=True, help="随机数来源（尚未产生的公开值）")
    a.add_argument(
        "--rounding",
        default="ceil-min1",
        choices=ROUNDING_RULES,
        help="取整规则：ceil-min1 向上取整且非空分层至少 1 户（默认）、ceil 向上取整、round-half-up 四舍五入",
    )
    a.add_argument("--beacon-kind", default="", choices=("", *BEACON_KINDS), help="信标类型")
    a.add_argument("--beacon-not-before", default="", help="最早揭晓时间 ISO 8601（带 +08:00）")
    a.add_argument(
        "--commitment", action="append", help="部门代码=SHA-256 承诺（牵头部门在前，可重复）"
    )
    a.add_argument("--announced-at", default="", help="公告时间 ISO 8601（默认当前北京时间）")
    lists(a)
    a.add_argument("--leader-dept", default="", help="牵头部门代码")
    a.add_argument("--member-dept", action="append", help="协作部门代码（可重复）")
    a.add_argument("--members-per-dept", action="append", help="部门代码=组员人数（可重复）")
    a.add_argument(
        "--team-mode",
        default="per-inspection",
        choices=TEAM_MODES,
        help="组队方式：per-inspection 每户一组（默认）、per-task 每个任务一组",
    )
    a.add_argument("--window", default="", help="检查期 YYYY-MM-DD:YYYY-MM-DD")
    a.add_argument("--out", required=True, help="写出的公告 JSON 文件")
    a.set_defaults(func=cmd_announce)

    r = sub.add_parser("reveal", help="输入公开随机值，完成抽取")
    r.add_argument("announcement", help="冻结的公告 JSON 文件")
    r.add_argument("--beacon", required=True, help="公开随机值")
    r.add_argument(
        "--beacon-kind", default="", choices=("", *BEACON_KINDS), help="默认取公告所写，否则 text"
    )
    r.add_argument("--secret", action="append", help="部门代码=秘密值（每个承诺部门一个）")
    r.add_argument("--revealed-at", default="", help="揭晓时间 ISO 8601（默认当前北京时间）")
    lists(r)
    r.add_argument("--out", required=True, help="写出的抽取记录 JSON 文件")
    r.set_defaults(func=cmd_reveal)

    v = sub.add_parser("verify", help="重新计算并核对抽取记录")
    v.add_argument("record", help="要核验的抽取记录 JSON 文件")
    v.add_argument("--previous", default="", help="旧版本记录：核对新版本只追加了替补或人员调整")
    lists(v)
    v.set_defaults(func=cmd_verify)

    s = sub.add_parser("substitute", help="按替补顺序替换一个抽中对象")
    s.add_argument("record", help="抽取记录 JSON 文件")
    s.add_argument("--stratum", required=True, help="分层（风险等级），如 B")
    s.add_argument("--replaced", required=True, help="被替换对象的统一社会信用代码")
    s.add_argument(
        "--reason",
        required=True,
        choices=sorted(SUBSTITUTION_REASONS),
        help="替补理由："
        + "；".join(f"{k} {v}" for k, v in sorted(SUBSTITUTION_REASONS.items())).replace("%", "%%"),
    )
    s.add_argument("--approved-by", required=True, help="批准人姓名")
    s.add_argument("--out", required=True, help="写出的新版本抽取记录 JSON 文件")
    s.set_defaults(func=cmd_substitute)

    k = sub.add_parser("secret", help="生成一个部门秘密值及其承诺 (SHA-256)")
    k.set_defaults(func=cmd_secret)
    return parser


def main(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except DrawError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
