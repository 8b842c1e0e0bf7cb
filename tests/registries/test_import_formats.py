"""Every file format and header language imports the same rows."""

from __future__ import annotations

import pytest

from shuangsuiji.registries.importing import import_file, preview_import
from shuangsuiji.registries.importing.readers import ReadError, decode_csv
from shuangsuiji.registries.models import Entity
from tests import factories
from tests.registries.test_import_support import (
    ENTITY_HEADER,
    ENTITY_KEYS,
    entity_rows,
    write_csv,
    write_xls,
    write_xlsx,
)


@pytest.fixture
def district(db):
    return factories.region()


def _imported(alice, path):
    plan = import_file(alice, "entities", path, path.name)
    assert plan.errors == []
    assert plan.committed
    return sorted(Entity.objects.values_list("credit_code", "name", "risk_class", "address"))


def _expected(rows):
    return sorted((r[0], r[1], r[2], r[3]) for r in rows)


@pytest.mark.parametrize("header", [ENTITY_HEADER, ENTITY_KEYS], ids=["chinese", "english"])
def test_an_xlsx_file_imports_with_chinese_or_english_headers(alice, district, tmp_path, header):
    rows = entity_rows(6)
    assert _imported(alice, write_xlsx(tmp_path / "e.xlsx", header, rows)) == _expected(rows)


@pytest.mark.parametrize("header", [ENTITY_HEADER, ENTITY_KEYS], ids=["chinese", "english"])
def test_an_xls_file_imports_with_chinese_or_english_headers(alice, district, tmp_path, header):
    rows = entity_rows(6)
    assert _imported(alice, write_xls(tmp_path / "e.xls", header, rows)) == _expected(rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_file_imports_in_each_supported_encoding(alice, district, tmp_path, encoding):
    rows = entity_rows(6)
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows, encoding)
    assert _imported(alice, path) == _expected(rows)


def test_a_csv_file_with_english_headers_imports(alice, district, tmp_path):
    rows = entity_rows(3)
    path = write_csv(tmp_path / "e.csv", ENTITY_KEYS, rows)
    assert _imported(alice, path) == _expected(rows)


def test_headers_match_regardless_of_full_width_forms_spaces_and_case(alice, district, tmp_path):
    header = ["ＣＲＥＤＩＴ_ＣＯＤＥ", " 名 称 ", "Risk_Class"]
    rows = [r[:3] for r in entity_rows(2)]
    plan = preview_import(alice, "entities", write_csv(tmp_path / "e.csv", header, rows), "e.csv")
    assert plan.errors == []
    assert plan.counts["created"] == 2


def test_csv_decoding_tries_utf8_before_gb18030():
    assert decode_csv("名称".encode())[1] == "utf-8"
    assert decode_csv("\ufeff名称".encode())[1] == "utf-8-sig"
    assert decode_csv("名称".encode("gbk"))[1] == "gb18030"


def test_bytes_that_no_encoding_decodes_are_refused_not_guessed():
    with pytest.raises(ReadError, match="无法识别"):
        decode_csv(b"\xff\xfe\x00\x81\x30\xff")


def test_row_numbers_are_those_the_spreadsheet_shows_when_blank_rows_precede(
    alice, district, tmp_path
):
    rows = [["", "", "", "", "", ""], *entity_rows(2)]
    rows[2][2] = "E"
    path = write_xlsx(tmp_path / "e.xlsx", ENTITY_HEADER, rows)
    plan = preview_import(alice, "entities", path, path.name)
    assert [(e.row, e.column) for e in plan.errors] == [(4, "风险等级")]


def test_a_file_with_an_unsupported_extension_is_refused_in_chinese(alice, district, tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("名称\n")
    plan = preview_import(alice, "entities", path, path.name)
    assert "请上传 .xlsx、.xls 或 .csv 文件" in plan.errors[0].message


def test_a_file_over_the_upload_limit_is_refused(alice, district, tmp_path, settings):
    settings.SSJ_MAX_UPLOAD_BYTES = 100
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows(10))
    plan = import_file(alice, "entities", path, path.name)
    assert "文件过大" in plan.errors[0].message
    assert not plan.committed


def test_a_corrupt_spreadsheet_is_reported_not_raised(alice, district, tmp_path):
    path = tmp_path / "e.xlsx"
    path.write_bytes(b"not a zip file")
    plan = preview_import(alice, "entities", path, path.name)
    assert "无法读取电子表格" in plan.errors[0].message
