"""Row errors: reported with the row and column the user sees, and nothing written."""

from __future__ import annotations

import pytest

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.registries.importing import import_file, preview_import
from shuangsuiji.registries.models import CheckItem, Conflict, Entity, Inspector
from tests import factories
from tests.registries.test_import_support import (
    ENTITY_HEADER,
    entity_rows,
    messages,
    write_csv,
    write_xlsx,
)

INSPECTOR_HEADER = ["姓名", "部门", "执法证号", "执法证有效期起", "执法证有效期止", "可任组长"]
ITEM_HEADER = ["部门", "编号", "检查内容", "依据", "检查方式", "启用"]
CONFLICT_HEADER = ["执法证号", "统一社会信用代码", "回避事由", "申报日期"]


@pytest.fixture
def district(db):
    return factories.region()


def test_an_error_in_the_last_row_writes_nothing(alice, district, tmp_path):
    rows = entity_rows(30)
    rows[-1][1] = ""
    path = write_xlsx(tmp_path / "e.xlsx", ENTITY_HEADER, rows)
    audit_before = AuditEntry.objects.count()
    plan = import_file(alice, "entities", path, path.name)
    assert not plan.committed
    assert messages(plan) == [(31, "名称", "必填项为空")]
    assert Entity.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_an_all_digit_code_stored_as_a_number_is_rejected_with_the_reason(
    alice, district, tmp_path
):
    code = factories.creditcode.make_code("91410402000000000")
    assert code.isdigit()
    rows = entity_rows(2)
    rows[1][0] = int(code)
    plan = preview_import(
        alice, "entities", write_xlsx(tmp_path / "e.xlsx", ENTITY_HEADER, rows), "e.xlsx"
    )
    ((row, column, message),) = messages(plan)
    assert (row, column) == (3, "统一社会信用代码")
    assert "存成了数字" in message and "文本格式" in message


def test_the_same_all_digit_code_stored_as_text_is_accepted(alice, district, tmp_path):
    code = factories.creditcode.make_code("91410402000000000")
    rows = entity_rows(1)
    rows[0][0] = code
    plan = import_file(
        alice, "entities", write_xlsx(tmp_path / "e.xlsx", ENTITY_HEADER, rows), "e.xlsx"
    )
    assert plan.committed
    assert Entity.objects.get().credit_code == code


def test_a_code_with_full_width_characters_spaces_and_lower_case_is_normalised(
    alice, district, tmp_path
):
    rows = entity_rows(1)
    code = rows[0][0]
    rows[0][0] = (
        " "
        + code[:9].lower()
        + "　"
        + code[9:].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    )
    plan = import_file(
        alice, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows), "e.csv"
    )
    assert plan.committed
    assert Entity.objects.get().credit_code == code


def test_duplicate_codes_in_the_file_name_both_rows(alice, district, tmp_path):
    rows = entity_rows(5)
    rows[4][0] = rows[1][0]
    plan = preview_import(
        alice, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows), "e.csv"
    )
    ((row, column, message),) = messages(plan)
    assert (row, column) == (6, "统一社会信用代码")
    assert "第 3 行和第 6 行" in message


def test_an_unknown_risk_class_is_an_error(alice, district, tmp_path):
    rows = entity_rows(3)
    rows[2][2] = "E"
    plan = preview_import(
        alice, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows), "e.csv"
    )
    assert messages(plan) == [(4, "风险等级", "“E”无效，应为 A、B、C 或 D")]


def test_risk_classes_are_accepted_as_letters_or_labels(alice, district, tmp_path):
    rows = entity_rows(3)
    rows[0][2], rows[1][2], rows[2][2] = "b", "C类", "D类（高风险）"
    plan = import_file(
        alice, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows), "e.csv"
    )
    assert plan.committed
    assert sorted(Entity.objects.values_list("risk_class", flat=True)) == ["B", "C", "D"]


def test_empty_required_cells_are_errors_naming_each_column(alice, district, tmp_path):
    rows = entity_rows(2)
    rows[0][0] = ""
    rows[1][2] = " "
    plan = preview_import(
        alice, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows), "e.csv"
    )
    assert messages(plan) == [
        (2, "统一社会信用代码", "必填项为空"),
        (3, "风险等级", "必填项为空"),
    ]


def test_a_missing_required_column_is_reported_on_the_header_row(alice, district, tmp_path):
    path = write_csv(
        tmp_path / "e.csv", ["统一社会信用代码", "名称"], [r[:2] for r in entity_rows(1)]
    )
    plan = preview_import(alice, "entities", path, path.name)
    assert messages(plan) == [(1, "风险等级", "缺少必填列“风险等级”（或 risk_class）")]


def test_an_unknown_region_and_status_are_errors(alice, district, tmp_path):
    rows = entity_rows(2)
    rows[0][5] = "999999"
    rows[1][4] = "歇业中"
    plan = preview_import(
        alice, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows), "e.csv"
    )
    assert [(r, c) for r, c, _ in messages(plan)] == [(2, "行政区划"), (3, "状态")]


def test_an_unknown_department_is_an_error(alice, district, tmp_path):
    rows = [["张三", "不存在的局", "WG-1", "", "", "是"]]
    path = write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, rows)
    plan = import_file(alice, "inspectors", path, path.name)
    ((row, column, message),) = messages(plan)
    assert (row, column) == (2, "部门")
    assert "不存在的局" in message
    assert Inspector.objects.count() == 0


def test_a_department_admin_importing_another_departments_inspectors_is_rejected(
    bob, police_dept, tmp_path
):
    rows = [
        ["张三", "文广旅局", "WG-1", "2024-01-01", "2028-12-31", "是"],
        ["李四", "新华公安分局", "GA-1", "2024-01-01", "2028-12-31", "否"],
    ]
    plan = import_file(
        bob, "inspectors", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, rows), "i.csv"
    )
    ((row, column, message),) = messages(plan)
    assert (row, column) == (3, "部门")
    assert "无权导入其他部门（新华公安分局）" in message
    assert Inspector.objects.count() == 0


def test_a_department_admin_imports_their_own_departments_inspectors(bob, tmp_path):
    rows = [["张三", "410402-WGL", "WG-1", "2024-01-01", "2028-12-31", "是"]]
    plan = import_file(
        bob, "inspectors", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, rows), "i.csv"
    )
    assert plan.committed
    inspector = Inspector.objects.get()
    assert (inspector.department.code, inspector.may_lead) == ("410402-WGL", True)
    assert inspector.history.get().history_user == bob


def test_a_department_admin_cannot_take_over_another_departments_certificate(
    bob, police_dept, tmp_path
):
    factories.inspector(police_dept, cert="GA-7")
    rows = [["张三", "文广旅局", "GA-7", "", "", "否"]]
    plan = preview_import(
        bob, "inspectors", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, rows), "i.csv"
    )
    assert "已登记在其他部门（新华公安分局）" in messages(plan)[0][2]


def test_an_auditor_may_not_import(erin, tmp_path):
    from django.core.exceptions import PermissionDenied

    path = write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, [])
    with pytest.raises(PermissionDenied):
        import_file(erin, "inspectors", path, path.name)


def test_a_department_admin_may_not_import_entities(bob, tmp_path):
    from django.core.exceptions import PermissionDenied

    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows(1))
    with pytest.raises(PermissionDenied):
        import_file(bob, "entities", path, path.name)


def test_inspector_dates_and_flags_are_validated(alice, culture, tmp_path):
    rows = [
        ["张三", "文广旅局", "WG-1", "2024-13-01", "", "是"],
        ["李四", "文广旅局", "WG-2", "2025-01-01", "2024-01-01", "可能"],
    ]
    plan = preview_import(
        alice, "inspectors", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, rows), "i.csv"
    )
    assert [(r, c) for r, c, _ in messages(plan)] == [
        (2, "执法证有效期起"),
        (3, "执法证有效期止"),
        (3, "可任组长"),
    ]


def test_items_need_department_code_and_title(alice, culture, tmp_path):
    rows = [["文广旅局", "WH-01", "", "", "", ""], ["文广旅局", "WH-02", "未成年人", "", "", "否"]]
    path = write_csv(tmp_path / "c.csv", ITEM_HEADER, rows)
    plan = import_file(alice, "items", path, path.name)
    assert messages(plan) == [(2, "检查内容", "必填项为空")]
    assert CheckItem.objects.count() == 0


def test_duplicate_item_codes_within_one_department_are_reported(alice, culture, tmp_path):
    rows = [["文广旅局", "WH-01", "甲", "", "", ""], ["410402-WGL", "WH-01", "乙", "", "", ""]]
    plan = preview_import(alice, "items", write_csv(tmp_path / "c.csv", ITEM_HEADER, rows), "c.csv")
    assert "第 2 行和第 3 行" in messages(plan)[0][2]


def test_conflicts_need_a_known_inspector_and_entity(alice, culture, tmp_path):
    factories.inspector(culture, cert="WG-1")
    entity = factories.entity()
    unknown = factories.credit_code(99999)
    rows = [["WG-1", entity.credit_code, "亲属", ""], ["WG-9", unknown, "", ""]]
    plan = import_file(
        alice, "conflicts", write_csv(tmp_path / "c.csv", CONFLICT_HEADER, rows), "c.csv"
    )
    assert [(r, c) for r, c, _ in messages(plan)] == [(3, "执法证号"), (3, "统一社会信用代码")]
    assert Conflict.objects.count() == 0


def test_a_department_admin_cannot_import_conflicts_of_another_departments_inspector(
    bob, police_dept, tmp_path
):
    factories.inspector(police_dept, cert="GA-1")
    entity = factories.entity()
    rows = [["GA-1", entity.credit_code, "亲属", "2024-03-01"]]
    plan = preview_import(
        bob, "conflicts", write_csv(tmp_path / "c.csv", CONFLICT_HEADER, rows), "c.csv"
    )
    assert "无权导入其他部门（新华公安分局）" in messages(plan)[0][2]


def test_a_credit_code_warning_is_reported_but_does_not_block(alice, district, tmp_path):
    rows = entity_rows(1)
    plan = import_file(
        alice, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows), "e.csv"
    )
    assert plan.committed
    assert plan.warnings and plan.warnings[0].column == "统一社会信用代码"


def test_unknown_columns_are_ignored_with_a_warning(alice, district, tmp_path):
    header = [*ENTITY_HEADER, "备注"]
    rows = [[*r, "随便写"] for r in entity_rows(1)]
    plan = preview_import(alice, "entities", write_csv(tmp_path / "e.csv", header, rows), "e.csv")
    assert plan.errors == []
    assert ("备注", "未识别的列，已忽略") in [(w.column, w.message) for w in plan.warnings]


@pytest.mark.parametrize("write", [write_xlsx, write_csv], ids=["xlsx", "csv"])
def test_a_name_with_a_bidi_control_character_is_refused_and_nothing_written(
    alice, district, tmp_path, write
):
    rows = entity_rows(3)
    rows[1][1] = "网吧\u202e吧网"
    path = write(tmp_path / ("e.xlsx" if write is write_xlsx else "e.csv"), ENTITY_HEADER, rows)
    plan = import_file(alice, "entities", path, path.name)
    assert not plan.committed
    ((row, column, message),) = messages(plan)
    assert (row, column) == (3, "名称")
    assert "改变文字方向" in message
    assert Entity.objects.count() == 0
