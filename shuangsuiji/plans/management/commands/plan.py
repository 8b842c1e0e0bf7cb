"""``ssj plan``: plans and draws from the command line (the same services as the pages).

  ssj plan import PLAN.xlsx --year 2023 --office … --doc-number … --title … \\
      --region 410402 --start 2023-06-30 --end 2023-12-30
  ssj plan export PLAN_ID --format xlsx|docx --output FILE
  ssj plan list
  ssj plan sample ANNEX1.xlsx   (the mission's Annex 1, three 2023 tasks)
  ssj plan announce TASK --code 2023-XH-WL-01 --beacon-kind lottery --beacon-source "…"
  ssj plan reveal DRAW_CODE --beacon "9319 / 2 5 8 10 12"
  ssj plan record DRAW_CODE --output record.json [--inspectors pool.csv --conflicts c.csv]

``--as USERNAME`` acts as that user (default: the command-line system actor).
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from shuangsuiji.core.actors import actor_for
from shuangsuiji.core.labels import percent
from shuangsuiji.core.models import Region
from shuangsuiji.drawengine import DrawError, commitment_of
from shuangsuiji.plans import annex, commitments, draws, engine, mission, services
from shuangsuiji.plans.models import BeaconKind, Draw, DrawStatus, Plan, Rounding, Task, TeamMode


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _choices_help(title: str, choices) -> str:
    return f"{title}：" + "；".join(f"{value} {label}" for value, label in choices.choices)


def _moment(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"时间格式应为 ISO 8601（如 2023-07-01T21:15:00+08:00）：{text}"
        ) from None
    if value.tzinfo is None:
        raise CommandError(f"时间必须带时区（如 +08:00）：{text}")
    return value


class Command(BaseCommand):
    help = "抽查计划与抽取：import / export / list / announce / reveal / record"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        p = sub.add_parser("import", help="从附件 1 表格（xlsx/docx）导入计划")
        p.add_argument("path", help="附件 1 表格文件（.xlsx 或 .docx）")
        p.add_argument("--year", type=int, required=True, help="计划年度，如 2023")
        p.add_argument("--office", required=True, help="印发机关")
        p.add_argument("--doc-number", default="", help="文号，如 平新双随机办〔2023〕16号")
        p.add_argument("--title", required=True, help="计划名称")
        p.add_argument("--region", required=True, help="行政区划代码，如 410402")
        p.add_argument("--start", required=True, help="检查时间起 YYYY-MM-DD")
        p.add_argument("--end", required=True, help="检查时间止 YYYY-MM-DD")
        p.add_argument(
            "--industry",
            default="互联网上网服务营业场所",
            help="行业（默认 互联网上网服务营业场所）",
        )
        p.add_argument(
            "--rounding",
            default=Rounding.CEIL_MIN1,
            choices=Rounding.values,
            help=_choices_help("取整规则", Rounding),
        )
        p.add_argument(
            "--team-mode",
            default=TeamMode.PER_INSPECTION,
            choices=TeamMode.values,
            help=_choices_help("组队方式", TeamMode),
        )
        p.add_argument(
            "--recent-days",
            type=int,
            default=0,
            help="排除近 N 日内已被同一部门检查的对象（0 为不排除）",
        )

        p = sub.add_parser("export", help="导出附件 1")
        p.add_argument("plan", type=int, help="计划 id（见 ssj plan list）")
        p.add_argument(
            "--format", choices=("xlsx", "docx"), default="xlsx", help="文件格式（默认 xlsx）"
        )
        p.add_argument("--output", required=True, help="写出的文件")

        sub.add_parser("list", help="列出计划、任务与抽取")

        p = sub.add_parser("sample", help="写出使命文件附件 1（2023 年三个任务）的 xlsx 样例")
        p.add_argument("output", help="写出的 xlsx 文件")

        p = sub.add_parser("preview", help="预览任务的检查对象名录与每户的去向（不写入）")
        p.add_argument("task", help="任务 id 或任务编号")
        p.add_argument("--date", type=datetime.date.fromisoformat, help="冻结日（默认今天）")

        p = sub.add_parser("announce", help="冻结并公告")
        p.add_argument("task", help="任务 id 或任务编号")
        p.add_argument("--code", required=True, help="抽取编号")
        p.add_argument(
            "--beacon-kind",
            choices=BeaconKind.values,
            default=BeaconKind.LOTTERY,
            help=_choices_help("随机数类型", BeaconKind),
        )
        p.add_argument("--beacon-source", required=True, help="事先公布的随机数来源")
        p.add_argument(
            "--beacon-not-before",
            default=None,
            help="随机数最早产生时间（ISO 8601，如 2023-07-01T21:15:00+08:00）；此前不能开奖",
        )

        p = sub.add_parser("reveal", help="录入随机数开奖")
        p.add_argument("draw", help="抽取编号")
        p.add_argument("--beacon", required=True, help="公开产生的随机数（如彩票开奖号码）")

        for name, text in (
            ("commit", "部门提交承诺 SHA-256(秘密值)"),
            ("reveal-secret", "部门揭示秘密值"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("draw", help="抽取编号")
            p.add_argument("--department", required=True, help="部门代码")
            p.add_argument(
                "--secret-stdin", action="store_true", required=True, help="从标准输入读取秘密值"
            )

        p = sub.add_parser("record", help="写出抽取记录 JSON")
        p.add_argument("draw", help="抽取编号")
        p.add_argument("--output", required=True, help="写出的抽取记录 JSON 文件")
        p.add_argument("--inspectors", help="同时写出内部人员库 CSV（审计复核用）")
        p.add_argument("--conflicts", help="同时写出内部回避名单 CSV（审计复核用）")

        for p in sub.choices.values():
            p.add_argument("--as", dest="as_user", help="以该用户身份操作")

    def handle(self, *args, **opts):
        actor = actor_for(opts.get("as_user"), "ssj plan")
        try:
            getattr(self, f"do_{opts['action'].replace('-', '_')}")(actor, opts)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("；".join(messages)) from exc

    def do_import(self, actor, o):
        region = Region.objects.filter(code=o["region"]).first()
        if region is None:
            raise CommandError(f"找不到行政区划 {o['region']}")
        path = Path(o["path"])
        with path.open("rb") as fh:
            rows = annex.read_rows(fh, path.name)
        plan = services.import_annex(
            actor,
            rows,
            year=o["year"],
            office=o["office"],
            doc_number=o["doc_number"],
            title=o["title"],
            region=region,
            period_start=_date(o["start"]),
            period_end=_date(o["end"]),
            industry=o["industry"],
            rounding=o["rounding"],
            team_mode=o["team_mode"],
            recent_days=o["recent_days"],
        )
        self.stdout.write(f"已导入计划 #{plan.pk}「{plan.title}」，任务 {plan.tasks.count()} 个")
        for task in plan.tasks.all():
            self.stdout.write(f"  任务 #{task.pk} {task.code} {task.name}（{task.rate_labels()}）")

    def do_export(self, actor, o):
        plan = Plan.objects.filter(pk=o["plan"]).first()
        if plan is None:
            raise CommandError(f"找不到计划 {o['plan']}")
        data = annex.write_docx(plan) if o["format"] == "docx" else annex.write_xlsx(plan)
        Path(o["output"]).write_bytes(data)
        self.stdout.write(f"已写出 {o['output']}")

    def do_list(self, actor, o):
        for plan in Plan.objects.prefetch_related("tasks__draws"):
            self.stdout.write(f"计划 #{plan.pk} {plan.year} {plan.title} {plan.doc_number}")
            for task in plan.tasks.all():
                self.stdout.write(
                    f"  任务 #{task.pk} {task.code} {task.name}（{task.rate_labels()}）"
                )
                for d in task.draws.all():
                    self.stdout.write(
                        f"    抽取 {d.code} {d.get_status_display()} {d.announcement_digest}"
                    )

    def do_sample(self, actor, o):
        Path(o["output"]).write_bytes(mission.annex_xlsx())
        self.stdout.write(f"已写出 {o['output']}（附件 1 的三个任务）")

    def _task(self, ref: str) -> Task:
        lookup = Q(code=ref) | (Q(pk=int(ref)) if ref.isdigit() else Q())
        task = Task.objects.filter(lookup).first()
        if task is None:
            raise CommandError(f"找不到任务 {ref}")
        return task

    def _draw(self, code: str) -> Draw:
        draw = Draw.objects.filter(code=code).first()
        if draw is None:
            raise CommandError(f"找不到抽取 {code}")
        return draw

    def do_preview(self, actor, o):
        from shuangsuiji.plans.roster import compute_roster

        task = self._task(o["task"])
        roster = compute_roster(task, o.get("date"))
        self.stdout.write(
            f"任务 {task.code}：区划 {task.region.code} 全部 {roster.total} 户，"
            f"风险等级按 {roster.rating_day} 有效的评级"
        )
        for _, label, n in roster.counts():
            self.stdout.write(f"  {label}：{n}")
        if roster.industry_empty:
            self.stdout.write(f"警告：{len(roster.industry_empty)} 户未填写行业，不会被抽到")
        for note in roster.notes:
            self.stdout.write(f"说明：{note}")

    def do_announce(self, actor, o):
        draw = draws.freeze_announcement(
            actor,
            self._task(o["task"]),
            code=o["code"],
            beacon_source=o["beacon_source"],
            beacon_kind=o["beacon_kind"],
            beacon_not_before=_moment(o.get("beacon_not_before")),
        )
        if draw.status == DrawStatus.COMMITTING:
            self.stdout.write(
                f"名录已冻结：{draw.code}；待各参与部门提交承诺（ssj plan commit）后公告"
            )
        else:
            self.stdout.write(f"公告已冻结：{draw.code}\n摘要 {draw.announcement_digest}")
        for key, value in sorted(draw.announcement["strata"].items()):
            self.stdout.write(
                f"  {key} 类：基数 {len(value['ids'])}，比例 {percent(value['rate_bp'])}"
            )
        accounting = draw.announcement.get("accounting")
        if accounting:
            parts = [f"进入名录 {accounting['in_roster']}"]
            for group, word in (("excluded", "排除"), ("out_of_scope", "不在范围")):
                for value in accounting[group].values():
                    parts.append(f"{word}：{value['label']} {value['count']}")
            self.stdout.write(f"  全部 {accounting['total']} 户：{'；'.join(parts)}")

    def do_reveal(self, actor, o):
        draw = draws.reveal_draw(actor, self._draw(o["draw"]), beacon=o["beacon"])
        if draw.record is None:
            self.stdout.write(f"已录入随机数：{draw.code} {draw.beacon}；待各部门揭示秘密值后开奖")
            return
        self.stdout.write(f"已开奖：{draw.code} 随机数 {draw.beacon}")
        for key, value in sorted(draw.record["strata"].items()):
            ids = ", ".join(e["id"] for e in value["selected"])
            self.stdout.write(f"  {key} 类 {value['sample_size']}/{value['population']}：{ids}")

    def _secret(self) -> str:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise CommandError("标准输入中没有秘密值")
        return secret

    def do_commit(self, actor, o):
        secret = self._secret()
        try:
            digest = commitment_of(secret)
        except DrawError as exc:
            raise CommandError(str(exc)) from None
        row = commitments.commit_secret(
            actor, self._draw(o["draw"]), digest, department=o["department"]
        )
        draw = row.draw
        draw.refresh_from_db()
        self.stdout.write(f"已提交承诺：{row.department.name} {digest}")
        if draw.status == DrawStatus.ANNOUNCED:
            self.stdout.write(
                f"各部门承诺已齐，公告已冻结：{draw.code}\n摘要 {draw.announcement_digest}"
            )

    def do_reveal_secret(self, actor, o):
        row = commitments.reveal_secret(
            actor, self._draw(o["draw"]), self._secret(), department=o["department"]
        )
        draw = row.draw
        draw.refresh_from_db()
        self.stdout.write(f"已揭示秘密值：{row.department.name}")
        if draw.status == DrawStatus.REVEALED:
            self.stdout.write(f"已开奖：{draw.code} 随机数 {draw.beacon}")

    def do_record(self, actor, o):
        draw = self._draw(o["draw"])
        if draw.record is None:
            raise CommandError(f"抽取 {draw.code} 尚未开奖")
        text = json.dumps(draw.record, ensure_ascii=False, indent=2)
        Path(o["output"]).write_text(text, encoding="utf-8")
        if o.get("inspectors"):
            Path(o["inspectors"]).write_text(engine.inspectors_csv(draw), encoding="utf-8")
        if o.get("conflicts"):
            Path(o["conflicts"]).write_text(engine.conflicts_csv(draw), encoding="utf-8")
        self.stdout.write(f"已写出 {o['output']}；验证：ssj draw verify {o['output']}")
