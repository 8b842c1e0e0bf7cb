import io

from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import record


def _seed(actor):
    with transaction.atomic():
        record(
            actor,
            "entity.create",
            object_type="registries.entity",
            object_id="1",
            object_repr='=HYPERLINK("http://evil","点我")',
        )
        record(
            actor,
            "entity.update",
            object_type="registries.entity",
            object_id="1",
            object_repr="某网吧",
        )
        record(
            actor,
            "inspector.create",
            object_type="registries.inspector",
            object_id="7",
            object_repr="<script>alert(1)</script>",
        )


def test_auditors_filter_the_log_by_action(client, erin):
    _seed(erin)
    client.force_login(erin)
    resp = client.get(reverse("audit:list"), {"action": "entity.update"})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "某网吧" in body and "<script>alert(1)</script>" not in body


def test_user_strings_are_escaped_in_the_viewer(client, erin):
    _seed(erin)
    client.force_login(erin)
    body = client.get(reverse("audit:list")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_the_export_is_an_xlsx_with_neutralised_formulas_and_is_audited(client, erin):
    _seed(erin)
    client.force_login(erin)
    resp = client.get(reverse("audit:export"), {"object_type": "registries.entity"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 3
    reprs = {r[7] for r in rows[1:]}
    assert '\'=HYPERLINK("http://evil","点我")' in reprs and "某网吧" in reprs
    assert AuditEntry.objects.filter(action="audit.export").count() == 1


def test_inspectors_and_department_admins_cannot_read_the_log(client, dave, bob):
    for user in (dave, bob):
        client.force_login(user)
        assert client.get(reverse("audit:list")).status_code == 403
        assert client.get(reverse("audit:export")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    resp = client.get(reverse("audit:export"))
    assert resp.status_code == 302 and "/accounts/login/" in resp.url
