"""One mapper turns the DomainError family, DoesNotExist and a locked database into Chinese
pages in the site layout (or JSON), and anything unexpected into a logged Chinese 500."""

from __future__ import annotations

import logging

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client

from shuangsuiji.core.errors import InvalidInput, NotFound, add_to_form

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

LAYOUT = 'class="topbar"'


def test_a_domain_error_becomes_a_page_in_the_layout_with_message_and_code(client):
    resp = client.get("/test-errors/conflict/")
    assert resp.status_code == 409
    html = resp.content.decode()
    assert LAYOUT in html
    assert "抽取已冻结，不能修改。" in html
    assert "draw.frozen" in html
    assert '<meta name="viewport"' in html


def test_a_domain_error_is_json_when_the_client_asks_for_json(client):
    resp = client.get("/test-errors/conflict/", HTTP_ACCEPT="application/json")
    assert resp.status_code == 409
    assert resp["Content-Type"].startswith("application/json")
    assert resp.json() == {"code": "draw.frozen", "message": "抽取已冻结，不能修改。"}


def test_a_browser_accept_header_gets_html_not_json(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/test-errors/conflict/", HTTP_ACCEPT=accept)
    assert resp["Content-Type"].startswith("text/html")


def test_a_locked_database_is_busy_503_asking_to_retry(client):
    resp = client.get("/test-errors/locked/")
    assert resp.status_code == 503
    assert "请稍后重试" in resp.content.decode()
    assert resp["Retry-After"]
    as_json = client.get("/test-errors/locked/", HTTP_ACCEPT="application/json").json()
    assert as_json["code"] == "database.busy"


def test_does_not_exist_is_a_404_page(client):
    resp = client.get("/test-errors/missing-row/")
    assert resp.status_code == 404
    assert LAYOUT in resp.content.decode()
    assert "not_found" in resp.content.decode()


def test_an_unexpected_error_is_a_logged_chinese_500(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="shuangsuiji.errors"):
        resp = client.get("/test-errors/key-error/")
    assert resp.status_code == 500
    html = resp.content.decode()
    assert LAYOUT in html
    assert "服务器处理请求时出错" in html
    assert "KeyError" not in html and "Traceback" not in html
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def test_an_unknown_url_is_a_chinese_404_in_the_layout(client):
    resp = client.get("/no/such/page/")
    assert resp.status_code == 404
    html = resp.content.decode()
    assert LAYOUT in html and "页面不存在" in html
    assert "Not Found" not in html


def test_a_user_without_role_gets_a_chinese_403_in_the_layout(client, mallory):
    client.force_login(mallory)
    resp = client.get("/staff/")
    assert resp.status_code == 403
    html = resp.content.decode()
    assert LAYOUT in html and "没有权限" in html
    assert "尚未分配角色" in html


def test_a_csrf_failure_is_a_chinese_page_in_the_layout(alice):
    client = Client(enforce_csrf_checks=True)
    resp = client.post("/accounts/login/", {"username": "alice", "password": "x"})
    assert resp.status_code == 403
    html = resp.content.decode()
    assert LAYOUT in html and "CSRF" in html and "csrf.failed" in html
    assert "Forbidden" not in html


class PeriodForm(forms.Form):
    period_start = forms.DateField()
    period_end = forms.DateField()


def _bound_form():
    form = PeriodForm({"period_start": "2023-07-01", "period_end": "2023-06-01"})
    assert form.is_valid()
    return form


def test_the_form_helper_puts_an_error_on_the_field_its_params_name():
    form = _bound_form()
    add_to_form(form, InvalidInput("结束日期早于开始日期。", field="period_end"))
    assert form.errors == {"period_end": ["结束日期早于开始日期。"]}


def test_the_form_helper_puts_an_error_without_field_on_the_form():
    form = _bound_form()
    add_to_form(form, NotFound())
    assert form.non_field_errors() == [NotFound.default_message]


def test_the_form_helper_maps_a_model_validation_error_dict_to_its_fields():
    form = _bound_form()
    add_to_form(form, ValidationError({"period_start": ["太早"], "other": ["别处"]}))
    assert form.errors["period_start"] == ["太早"]
    assert form.non_field_errors() == ["别处"]


def test_an_integrity_error_is_a_409_asking_to_reload(client):
    resp = client.get("/test-errors/integrity/")
    assert resp.status_code == 409
    html = resp.content.decode()
    assert "请刷新页面后重试" in html and "database.conflict" in html
    assert "duplicate key" not in html


def test_a_get_to_a_post_only_action_is_a_chinese_405_page(client, alice):
    client.force_login(alice)
    resp = client.get("/staff/plans/draws/1/reveal/")
    assert resp.status_code == 405
    assert resp["Allow"] == "POST"
    html = resp.content.decode()
    assert LAYOUT in html and "不支持该请求方式" in html
