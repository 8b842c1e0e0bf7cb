"""Annex 1 import and export: the round trip through xlsx and docx."""

import io

import pytest
from django.core.exceptions import ValidationError

from shuangsuiji.core.models import Region
from shuangsuiji.plans import annex, services
from shuangsuiji.plans.annex import COLUMNS
from shuangsuiji.plans.mission import ROWS, annex_xlsx

from .fixtures import PLAN_OPTIONS


def _import(office, rows):
    return services.import_annex(
        office, rows, region=Region.objects.get(code="410402"), **PLAN_OPTIONS
    )


def test_importing_annex_1_creates_the_three_tasks(plan):
    tasks = list(plan.tasks.order_by("number"))
    assert [t.rates for t in tasks] == [{"A": 100}, {"B": 300}, {"C": 1000}]
    assert plan.doc_number == "平新双随机办〔2023〕16号"
    for task in tasks:
        assert task.initiating_department.code == "410402-WGL"
        assert [d.code for d in task.cooperating_departments.all()] == ["410402-GA"]
        assert task.check_items.filter(department__code="410402-WGL").exists()
        assert task.check_items.filter(department__code="410402-GA").exists()
        assert task.window_start.isoformat() == "2023-06-30"


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_exported_annex_parses_back_to_the_same_rows(plan, fmt):
    data = annex.write_xlsx(plan) if fmt == "xlsx" else annex.write_docx(plan)
    rows = annex.read_rows(io.BytesIO(data), f"annex.{fmt}")
    table = [[r[c] for c in COLUMNS] for r in rows]
    expected = [[row[0], *row[1:]] for row in ROWS]
    assert table == expected
    assert [r["rates"] or {services.risk_class_of(r): r["rate_bp"]} for r in rows] == [
        {"A": 100},
        {"B": 300},
        {"C": 1000},
    ]


def test_exported_docx_carries_the_annex_title(plan):
    import docx

    document = docx.Document(io.BytesIO(annex.write_docx(plan)))
    assert document.paragraphs[0].text == f"附件 1：{plan.title}"
    assert [c.text for c in document.tables[0].rows[0].cells] == list(COLUMNS)


def test_reimporting_an_export_reproduces_the_plan(office, plan):
    rows = annex.read_xlsx(io.BytesIO(annex.write_xlsx(plan)))
    options = dict(PLAN_OPTIONS, doc_number="平新双随机办〔2023〕17号")
    copy = services.import_annex(office, rows, region=Region.objects.get(code="410402"), **options)
    fields = ("number", "name", "domain", "items_text", "scope_text", "rates")
    original = [[getattr(t, f) for f in fields] for t in plan.tasks.order_by("number")]
    assert [[getattr(t, f) for f in fields] for t in copy.tasks.order_by("number")] == original


def test_a_risk_class_column_overrides_the_name(office, demo):
    header = [*COLUMNS, "风险等级"]
    rows = [
        [1, "联合检查", "领域", "事项", "对象", "新华区文化广电和旅游局", "新华公安分局", "5%", "D"]
    ]
    plan = _import(office, annex.read_xlsx(io.BytesIO(annex_xlsx(rows, header))))
    assert plan.tasks.get().rates == {"D": 500}


def test_several_classes_in_one_rate_cell(office, demo):
    rows = [[1, "联合检查", "领域", "事项", "对象", "文广旅局", "公安分局", "A类1%、B类3%"]]
    plan = _import(office, annex.read_xlsx(io.BytesIO(annex_xlsx(rows))))
    assert plan.tasks.get().rates == {"A": 100, "B": 300}


def test_numeric_percent_cells_are_read_as_percentages(office, demo):
    rows = [[1, "A 类联合检查", "领域", "事项", "对象", "文广旅局", "公安分局", 0.03]]
    plan = _import(office, annex.read_xlsx(io.BytesIO(annex_xlsx(rows))))
    assert plan.tasks.get().rates == {"A": 300}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([1, "联合检查", "领域", "事项", "对象", "文广旅局", "公安分局", "1%"], "风险等级"),
        ([1, "A 类检查", "领域", "事项", "对象", "不存在的局", "公安分局", "1%"], "找不到部门"),
        ([1, "A 类检查", "领域", "事项", "对象", "文广旅局", "公安分局", "百分之一"], "无法识别"),
        ([1, "A 类检查", "领域", "事项", "对象", "文广旅局", "公安分局", "120%"], "0.01%–100%"),
    ],
)
def test_bad_rows_are_refused_with_a_reason(office, demo, row, message):
    with pytest.raises(ValidationError, match=message):
        _import(office, annex.read_xlsx(io.BytesIO(annex_xlsx([row]))))


def test_a_table_without_the_header_is_refused():
    with pytest.raises(ValidationError, match="表头"):
        annex.rows_from_table([["抽查名称"], ["x"]])


def test_only_joint_office_admins_import(demo):
    from django.core.exceptions import PermissionDenied

    from shuangsuiji.accounts.models import User

    rows = annex.read_xlsx(io.BytesIO(annex_xlsx()))
    with pytest.raises(PermissionDenied):
        _import(User.objects.get(username="wgl_admin"), rows)


def test_the_plan_command_imports_and_exports(demo, tmp_path):
    from django.core.management import call_command

    from shuangsuiji.plans.models import Plan

    path = tmp_path / "annex.xlsx"
    call_command("plan", "sample", str(path))
    call_command(
        "plan", "import", str(path), "--year", "2023", "--office", "联席办",
        "--doc-number", "平新双随机办〔2023〕16号", "--title", "计划", "--region", "410402",
        "--start", "2023-06-30", "--end", "2023-12-30",
    )  # fmt: skip
    plan = Plan.objects.get()
    out = tmp_path / "out.docx"
    call_command("plan", "export", str(plan.pk), "--format", "docx", "--output", str(out))
    assert len(annex.read_docx(out)) == 3
