"""Upload → preview → commit through the pages; who may open them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.registries.models import Entity, Inspector, PendingUpload
from tests import factories
from tests.registries.test_import_support import ENTITY_HEADER, entity_rows, read_xlsx, write_csv


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def district(db):
    return factories.region()


def _upload(client, kind, path, **extra):
    with open(path, "rb") as handle:
        data = {"file": SimpleUploadedFile(path.name, handle.read()), **extra}
    return client.post(reverse("registries:import-start", args=[kind]), data)


def test_upload_preview_commit_imports_entities(client, alice, district, tmp_path):
    client.force_login(alice)
    path = write_csv(tmp_path / "名录.csv", ENTITY_HEADER, entity_rows(60))
    response = _upload(client, "entities", path, region="410402")
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    stored = PendingUpload.objects.get(token=token)
    assert (stored.owner, stored.filename, stored.options) == (
        alice,
        "名录.csv",
        {"region_code": "410402"},
    )
    assert bytes(stored.data) == path.read_bytes()

    preview = client.get(preview_url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert '<div class="stat" data-count="created">60</div>' in html
    assert "另有 10 行未显示" in html
    assert Entity.objects.count() == 0

    result = client.post(reverse("registries:import-commit", args=["entities", token]))
    assert result.status_code == 200
    assert "新增 60" in result.content.decode()
    assert Entity.objects.count() == 60
    assert AuditEntry.objects.filter(action="registries.import").count() == 1
    assert not PendingUpload.objects.filter(token=token).exists()


def test_a_file_with_errors_previews_the_errors_and_commit_writes_nothing(
    client, alice, district, tmp_path
):
    client.force_login(alice)
    rows = entity_rows(3)
    rows[2][2] = "Z"
    token = (
        _upload(client, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows))["Location"]
        .rstrip("/")
        .rsplit("/", 1)[1]
    )
    preview = client.get(reverse("registries:import-preview", args=["entities", token]))
    html = preview.content.decode()
    assert "第 4 行" in html and "风险等级" in html and "应为 A、B、C 或 D" in html
    assert "确认导入" not in html

    report = client.get(reverse("registries:import-errors", args=["entities", token]))
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read_xlsx(report.content)[:2] == [
        ["行号", "列", "问题", "类型"],
        [4, "风险等级", "“Z”无效，应为 A、B、C 或 D", "错误"],
    ]

    response = client.post(reverse("registries:import-commit", args=["entities", token]))
    assert response.status_code == 400
    assert Entity.objects.count() == 0


def test_a_wrong_extension_is_refused_on_the_upload_page(client, alice, district, tmp_path):
    client.force_login(alice)
    path = tmp_path / "e.pdf"
    path.write_bytes(b"%PDF")
    response = _upload(client, "entities", path)
    assert response.status_code == 200
    assert "请上传 .xlsx、.xls 或 .csv 文件" in response.content.decode()


def test_another_users_upload_cannot_be_opened(client, alice, bob, district, tmp_path):
    client.force_login(bob)
    header = ["姓名", "部门", "执法证号"]
    path = write_csv(tmp_path / "i.csv", header, [["张三", "文广旅局", "WG-1"]])
    token = _upload(client, "inspectors", path)["Location"].rstrip("/").rsplit("/", 1)[1]
    client.force_login(alice)
    assert (
        client.get(reverse("registries:import-preview", args=["inspectors", token])).status_code
        == 404
    )
    client.force_login(bob)
    client.post(reverse("registries:import-commit", args=["inspectors", token]))
    assert Inspector.objects.get().certificate_no == "WG-1"


def test_anonymous_visitors_are_redirected_to_login(client, db):
    for url in (
        reverse("registries:import-start", args=["entities"]),
        reverse("registries:import-template", args=["entities"]),
        reverse("registries:export", args=["entities"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_auditor_is_refused_on_import(client, erin):
    client.force_login(erin)
    assert client.get(reverse("registries:import-start", args=["inspectors"])).status_code == 403
    assert client.get(reverse("registries:import-start", args=["entities"])).status_code == 403


def test_an_auditor_may_export(client, erin):
    client.force_login(erin)
    factories.entity()
    response = client.get(reverse("registries:export", args=["entities"]))
    assert response.status_code == 200
    assert len(read_xlsx(response.content)) == 2
    assert AuditEntry.objects.filter(action="registries.export", actor=erin).count() == 1


def test_a_department_admin_may_not_open_the_entity_import(client, bob):
    client.force_login(bob)
    assert client.get(reverse("registries:import-start", args=["entities"])).status_code == 403
    assert client.get(reverse("registries:import-start", args=["items"])).status_code == 200


def test_the_template_has_the_import_header(client, alice):
    client.force_login(alice)
    response = client.get(reverse("registries:import-template", args=["entities"]))
    assert read_xlsx(response.content)[0][:3] == ["统一社会信用代码", "名称", "风险等级"]


def test_an_unknown_kind_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get(reverse("registries:import-start", args=["people"])).status_code == 404
    assert client.get(reverse("registries:export", args=["people"])).status_code == 404


def test_the_entity_upload_page_preselects_the_users_region(client, alice, district):
    client.force_login(alice)
    html = client.get(reverse("registries:import-start", args=["entities"])).content.decode()
    assert '<option value="410402" selected>' in html


def test_an_upload_waits_in_the_database_not_on_the_app_servers_disk(
    client, alice, district, tmp_path, settings
):
    """Two app servers: preview on one, commit on the other, with separate data folders."""
    client.force_login(alice)
    path = write_csv(tmp_path / "名录.csv", ENTITY_HEADER, entity_rows(3))
    token = (
        _upload(client, "entities", path, region="410402")["Location"].rstrip("/").rsplit("/", 1)[1]
    )
    assert not (settings.DATA_DIR / "uploads").exists()
    settings.DATA_DIR = tmp_path / "second-server"
    assert (
        client.get(reverse("registries:import-preview", args=["entities", token])).status_code
        == 200
    )
    result = client.post(reverse("registries:import-commit", args=["entities", token]))
    assert result.status_code == 200
    assert Entity.objects.count() == 3


def test_an_expired_upload_cannot_be_committed(client, alice, district, tmp_path):
    import datetime

    from django.utils import timezone

    client.force_login(alice)
    path = write_csv(tmp_path / "名录.csv", ENTITY_HEADER, entity_rows(3))
    token = (
        _upload(client, "entities", path, region="410402")["Location"].rstrip("/").rsplit("/", 1)[1]
    )
    PendingUpload.objects.filter(token=token).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.post(reverse("registries:import-commit", args=["entities", token]))
    assert response.status_code == 404
    assert Entity.objects.count() == 0
