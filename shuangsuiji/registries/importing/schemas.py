"""Column schemas for each import kind: Chinese label, English key, aliases.

The header row of an import file may use the Chinese labels (as in the template and the
exports) or the English keys; matching ignores case, spaces and full-width forms.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    ENTITIES = "entities"
    INSPECTORS = "inspectors"
    CONFLICTS = "conflicts"
    ITEMS = "items"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.ENTITIES: "检查对象",
    Kind.INSPECTORS: "执法检查人员",
    Kind.CONFLICTS: "回避关系",
    Kind.ITEMS: "抽查事项",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = field(default=())
    hint: str = ""


ENTITY_COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, ("信用代码",), "18 位，请设为文本格式"),
    Column("name", "名称", True, ("单位名称", "企业名称"), ""),
    Column("risk_class", "风险等级", True, ("风险分类",), "A、B、C 或 D"),
    Column("address", "地址", aliases=("经营地址", "住所")),
    Column("license_no", "许可证号", aliases=("网络文化经营许可证号",)),
    Column("legal_rep", "法定代表人", aliases=("法人",)),
    Column("phone", "联系电话", aliases=("电话",)),
    Column("status", "状态", aliases=("经营状态",), hint="在营、停业或注销"),
    Column("region", "行政区划", aliases=("区划", "行政区划代码"), hint="6 位代码或名称"),
    Column("industry", "行业"),
    Column("rating_date", "风险等级生效日期", aliases=("生效日期",), hint="如 2024-01-31"),
    Column("rating_source", "评级来源", aliases=("来源",)),
)

INSPECTOR_COLUMNS = (
    Column("name", "姓名", True),
    Column("department", "部门", True, ("所属部门",), "部门编码、名称或简称"),
    Column("certificate_no", "执法证号", True, ("证号",)),
    Column("certificate_valid_from", "执法证有效期起", aliases=("有效期起", "valid_from")),
    Column("certificate_valid_to", "执法证有效期止", aliases=("有效期止", "valid_to")),
    Column("may_lead", "可任组长", hint="是或否"),
    Column("is_expert", "专家", aliases=("expert",), hint="是或否"),
    Column("active", "在岗", hint="是或否"),
    Column("title", "职务"),
    Column("phone", "联系电话", aliases=("电话",)),
)

CONFLICT_COLUMNS = (
    Column("certificate_no", "执法证号", True, ("证号",)),
    Column("credit_code", "统一社会信用代码", True, ("信用代码",), "18 位，请设为文本格式"),
    Column("reason", "回避事由", aliases=("事由",)),
    Column("declared_on", "申报日期", hint="如 2024-01-31"),
)

ITEM_COLUMNS = (
    Column("department", "部门", True, ("所属部门",), "部门编码、名称或简称"),
    Column("code", "编号", True, ("事项编号",)),
    Column("title", "检查内容", True, ("事项名称",)),
    Column("legal_basis", "依据", aliases=("检查依据",)),
    Column("method", "检查方式", aliases=("方式",)),
    Column("active", "启用", hint="是或否"),
)

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.ENTITIES: ENTITY_COLUMNS,
    Kind.INSPECTORS: INSPECTOR_COLUMNS,
    Kind.CONFLICTS: CONFLICT_COLUMNS,
    Kind.ITEMS: ITEM_COLUMNS,
}


def fold(text: object) -> str:
    """Header matching form: NFKC, no white space, lower case."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(value.split()).lower()


def header_index(kind: Kind) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for name in (column.key, column.label, *column.aliases):
            index[fold(name)] = column
    return index


def column_by_key(kind: Kind, key: str) -> Column:
    for column in COLUMNS[kind]:
        if column.key == key:
            return column
    raise KeyError(key)


def parse_kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise ValueError(
            f"未知的导入类型“{value}”，应为 entities、inspectors、conflicts 或 items"
        ) from None
