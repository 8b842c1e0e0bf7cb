"""Forms say which field is wrong and keep what the user typed; user text refuses
bidirectional control characters; the error report has one .xlsx."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from shuangsuiji.plans.models import Draw, Plan
from shuangsuiji.registries import services as registry_services
from shuangsuiji.registries.models import Entity
from tests import factories
from tests.site_pages import upload_with_errors

pytestmark = pytest.mark.django_db

RLO_NAME = "星海网吧\u202e吧网海星"


def _plan_post(**overrides):
    data = {
        "year": "2023",
        "office": "新华区联席办",
        "doc_number": "平新双随机办〔2023〕16号",
        "title": "2023 年度部门联合抽查计划",
        "region": factories.region().pk,
        "period_start": "2023-07-01",
        "period_end": "2023-06-01",
    }
    data.update(overrides)
    return data


def test_an_end_date_before_the_start_date_is_an_error_on_the_end_date(client, alice):
    client.force_login(alice)
    resp = client.post(reverse("plans:plan-create"), _plan_post())
    assert resp.status_code == 200
    form = resp.context["form"]
    assert form.errors["period_end"] == ["不能早于检查时间起"]
    page = resp.content.decode()
    assert "plan_period_order" not in page and "约束" not in page
    assert 'value="2023-06-01"' in page and 'value="2023 年度部门联合抽查计划"' in page
    assert not Plan.objects.exists()


def test_a_task_window_ending_before_it_starts_names_the_end_field(alice, revealed):
    task = revealed.task
    task.window_end = task.window_start.replace(year=task.window_start.year - 1)
    with pytest.raises(ValidationError) as excinfo:
        task.full_clean()
    assert "window_end" in excinfo.value.message_dict
    assert "task_window_order" not in str(excinfo.value)


def test_an_invalid_draw_code_is_a_field_error_and_keeps_what_was_typed(client, office, plan):
    task = plan.tasks.get(number=1)
    client.force_login(office)
    source = "福利彩票 3D 第 2023172 期开奖号码（2023-07-01 开奖）"
    resp = client.post(
        reverse("plans:announce", args=[task.pk]),
        {"code": "2023-新华-01", "beacon_kind": "lottery", "beacon_source": source},
    )
    assert resp.status_code == 200
    form = resp.context["announce_form"]
    assert list(form.errors) == ["code"]
    page = resp.content.decode()
    assert 'value="2023-新华-01"' in page
    assert source in page
    assert "请完整填写" not in page
    assert not Draw.objects.exists()


def test_the_error_report_is_named_after_the_upload_with_one_xlsx(client, alice):
    client.force_login(alice)
    token = upload_with_errors(client)
    resp = client.get(reverse("registries:import-errors", args=["entities", token]))
    assert resp.status_code == 200
    disposition = unquote(resp["Content-Disposition"])
    assert disposition.endswith("错误报告-名录.xlsx")
    assert ".xlsx.xlsx" not in disposition and ".csv" not in disposition
    sheet = load_workbook(io.BytesIO(resp.content)).active
    assert sheet.max_row >= 2


def test_a_form_refuses_bidi_control_characters_in_a_name(client, alice):
    entity = factories.entity(name="星海网吧")
    client.force_login(alice)
    resp = client.post(
        reverse("registries:entity-edit", args=[entity.pk]),
        {"name": RLO_NAME, "status": "operating", "region": entity.region_id},
    )
    assert resp.status_code == 200
    assert "改变文字方向" in resp.content.decode()
    entity.refresh_from_db()
    assert entity.name == "星海网吧"


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
)
def test_the_service_refuses_bidi_control_characters(alice, char):
    entity = factories.entity(name="星海网吧")
    with pytest.raises(ValidationError, match="改变文字方向"):
        registry_services.update_entity(alice, entity, name=f"星海{char}网吧")
    assert Entity.objects.get(pk=entity.pk).name == "星海网吧"
