"""The first-run page (开通区县): the same service as ``ssj setup``, for a superuser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shuangsuiji.accounts.models import User
from shuangsuiji.core.models import Department
from shuangsuiji.registries.models import CheckItem

pytestmark = pytest.mark.django_db
URL = "/staff/setup/"


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="correct-horse-battery")


def test_the_url_is_named():
    assert reverse("onboarding:setup") == URL


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.post(URL, {"region": "410402"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Department.objects.exists()


def test_a_joint_office_admin_is_refused(client, alice):
    client.force_login(alice)
    assert client.post(URL, {"region": "410403"}).status_code == 403
    assert not Department.objects.filter(region__code="410403").exists()


def test_a_fresh_installation_points_the_superuser_at_the_page(client, root):
    client.force_login(root)
    home = client.get(reverse("core:home")).content.decode()
    assert "尚未开通任何区县" in home and URL in home


def test_the_superuser_sets_a_district_up_and_sees_the_codes(client, root):
    client.force_login(root)
    page = client.post(URL, {"region": "410402", "departments": ""}).content.decode()
    assert "已开通：河南省平顶山市新华区（410402）" in page
    assert "410402-LXB" in page and "410402-WGL" in page and "410402-GA" in page
    assert CheckItem.objects.filter(department__code="410402-WGL").exists()
    home = client.get(reverse("core:home")).content.decode()
    assert "尚未开通任何区县" not in home


def test_an_unknown_code_shows_the_reason_and_keeps_the_input(client, root):
    client.force_login(root)
    page = client.post(URL, {"region": "419999", "departments": "甲=甲局"}).content.decode()
    assert "不在随附的全国行政区划代码表中" in page
    assert 'value="419999"' in page and "甲=甲局" in page
    assert not Department.objects.exists()


def test_a_malformed_department_line_is_a_form_error(client, root):
    client.force_login(root)
    page = client.post(URL, {"region": "410402", "departments": "文广旅局"}).content.decode()
    assert "简称=全称" in page
    assert not Department.objects.exists()
