"""The draw's internal input files (pool and conflict list) as real CSV."""

import csv
import io

from django.urls import reverse

from shuangsuiji.core.models import Department
from shuangsuiji.drawengine import verify_record
from shuangsuiji.drawengine.rosters import read_conflicts, read_inspectors
from shuangsuiji.plans.draws import freeze_announcement, reveal_draw
from shuangsuiji.registries import services as registries

from .fixtures import ANNOUNCED_AT

HOSTILE = '=HYPERLINK("http://x.invalid","点我"),1'


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def _draw_with_hostile_certificate(office, task_a):
    registries.create_inspector(
        office,
        name="测试员",
        department=Department.objects.get(code=task_a.initiating_department.code),
        certificate_no=HOSTILE,
        may_lead=False,
    )
    draw = freeze_announcement(
        office,
        task_a,
        code="CSV-1",
        beacon_source="福利彩票 3D 第 2023172 期",
        beacon_kind="lottery",
        now=ANNOUNCED_AT,
    )
    return reveal_draw(office, draw, beacon="1/2")


def test_the_pool_csv_quotes_commas_and_neutralises_formulas(client, office, task_a):
    draw = _draw_with_hostile_certificate(office, task_a)
    client.force_login(office)
    rows = _rows(client.get(reverse("plans:inputs-csv", args=[draw.pk, "inspectors"])))
    assert rows[0][:2] == ["certificate_no", "department"]
    assert all(len(r) == 6 for r in rows)
    certs = [r[0] for r in rows[1:]]
    assert "'" + HOSTILE in certs
    assert HOSTILE not in certs


def test_the_csv_files_of_a_plain_draw_read_back_and_verify(client, office, revealed, tmp_path):
    client.force_login(office)
    paths = {}
    for which in ("inspectors", "conflicts"):
        response = client.get(reverse("plans:inputs-csv", args=[revealed.pk, which]))
        paths[which] = tmp_path / f"{which}.csv"
        paths[which].write_bytes(response.content)
    pool = read_inspectors(paths["inspectors"])
    conflicts = read_conflicts(paths["conflicts"])
    assert conflicts, "the demo draw has frozen conflicts"
    verify_record(revealed.record, pool=pool, conflicts=conflicts)
