"""Every staff and portal page of the demo district, found by walking the URL configuration.

Used by the label test (server side) and the CSP test (Chromium). A route whose parameters
cannot be filled from the demo objects is listed in ``unfilled`` so the tests can fail on
it instead of silently leaving a page out.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# Route prefixes that are not part of the staff UI or the portal.
SKIP_PREFIXES = ("admin/",)
# Downloads and POST-only actions: not pages.
DOWNLOAD_SUFFIXES = (".xlsx", ".docx", ".json", ".csv", ".txt", ".pdf", ".zip", ".<str:fmt>")
POST_SUFFIXES = ("remove/", "commit/", "lift/")

BAD_ROWS_CSV = (
    "统一社会信用代码,名称,风险等级,行政区划\n"
    "91410402MA00000000,错误的信用代码网吧,B,410402\n"
    "91410402MA45TEST1X,等级写错的网吧,E,410402\n"
).encode()


def upload_with_errors(client, kind: str = "entities") -> str:
    """Upload a file with row errors through the import page; return its preview token."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("名录.csv", BAD_ROWS_CSV, content_type="text/csv")
    resp = client.post(f"/staff/registries/import/{kind}/", {"file": upload, "region": "410402"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return resp["Location"].rstrip("/").rsplit("/", 1)[-1]


@dataclass
class SitePages:
    urls: list[str] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)


def _walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

# The path segment before "<pk>" names the object.
SEGMENT_OBJECT = {
    "entities": "entity",
    "inspectors": "inspector",
    "conflicts": "conflict",
    "items": "checkitem",
    "regions": "region",
    "departments": "department",
    "plans": "plan",
    "tasks": "task",
    "draws": "draw",
    "inspections": "inspection",
    "users": "user",
    "accounts": "user",
}
NAMED = {"plan_pk": "plan", "task_pk": "task", "draw_pk": "draw", "entity_pk": "entity"}


def demo_objects(revealed_draw, announced_draw=None) -> dict:
    from shuangsuiji.accounts.models import User
    from shuangsuiji.core.models import Department, Region
    from shuangsuiji.inspections.models import Inspection
    from shuangsuiji.registries.models import CheckItem, Conflict, Entity, Inspector

    draw = revealed_draw
    return {
        "entity": Entity.objects.filter(region__code="410402").first(),
        "inspector": Inspector.objects.first(),
        "conflict": Conflict.objects.first(),
        "checkitem": CheckItem.objects.first(),
        "region": Region.objects.get(code="410402"),
        "department": Department.objects.filter(code__startswith="410402").first(),
        "plan": draw.task.plan,
        # A task without a draw shows the roster preview and the announce form.
        "task": draw.task.plan.tasks.filter(draws__isnull=True).first() or draw.task,
        "draw": draw,
        "inspection": Inspection.objects.filter(draw=draw).first(),
        "user": User.objects.filter(username="wgl_admin").first(),
        "code": draw.code,
        "kind": "entities",
    }


def site_pages(objects: dict) -> SitePages:
    out = SitePages()
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES) or route.endswith(DOWNLOAD_SUFFIXES + POST_SUFFIXES):
            continue
        if not (route == "" or route.startswith(("staff/", "portal/", "accounts/"))):
            continue
        if route.startswith("accounts/") and "<" not in route and "login" not in route:
            continue  # logout and password changes are POST actions
        path = route
        ok = True
        for match in PARAM.finditer(route):
            name = match.group(2)
            before = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            key = NAMED.get(name) or (SEGMENT_OBJECT.get(before) if name == "pk" else name)
            value = objects.get(key) if key else None
            if value is None:
                ok = False
                break
            value = getattr(value, "code", None) if name == "code" else value
            value = getattr(value, "pk", value)
            path = path.replace(match.group(0), str(value), 1)
        if not ok:
            out.unfilled.append(route)
            continue
        out.urls.append("/" + path)
    return out


def load_demo_site():
    """The demo district with an imported Annex 1 plan, one revealed and one announced draw,
    and an import preview with errors (so every kind of page has something to show)."""
    from shuangsuiji.accounts.models import User
    from shuangsuiji.core.actors import SystemActor
    from shuangsuiji.core.models import Region
    from shuangsuiji.onboarding.demo import load_demo
    from shuangsuiji.plans import annex, services
    from shuangsuiji.plans.draws import freeze_announcement, reveal_draw
    from shuangsuiji.plans.mission import annex_xlsx
    from tests.plans.fixtures import ANNOUNCED_AT, PLAN_OPTIONS

    load_demo(SystemActor("页面测试"))
    office = User.objects.get(username="office")
    rows = annex.read_xlsx(io.BytesIO(annex_xlsx()))
    plan = services.import_annex(
        office, rows, region=Region.objects.get(code="410402"), **PLAN_OPTIONS
    )
    tasks = list(plan.tasks.order_by("number"))
    source = "福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖）"
    first = freeze_announcement(
        office,
        tasks[0],
        code="2023-XH-WL-01",
        beacon_source=source,
        beacon_kind="lottery",
        now=ANNOUNCED_AT,
    )
    revealed = reveal_draw(office, first, beacon="9319 / 12 2 5 8 10")
    # One inspector change, so its reason is on the inspection pages.
    from shuangsuiji.inspections.models import Inspection
    from shuangsuiji.plans.draws import change_inspector

    inspection = Inspection.objects.filter(draw=revealed).order_by("pk").first()
    member = inspection.team.order_by("pk").last()
    change_inspector(
        office, inspection, outgoing=member.inspector.certificate_no, reason="sick-leave"
    )
    announced = freeze_announcement(
        office,
        tasks[1],
        code="2023-XH-WL-02",
        beacon_source=source + "（第二个任务）",
        beacon_kind="text",
        now=ANNOUNCED_AT + datetime.timedelta(minutes=5),
    )
    return office, revealed, announced


def html_pages(client, urls: list[str]) -> list[str]:
    """The URLs that answer a GET with an HTML page (POST-only actions answer 405)."""
    out = []
    for url in urls:
        resp = client.get(url)
        if resp.status_code == 200 and "text/html" in resp.get("Content-Type", ""):
            out.append(url)
    return out
