"""A fingerprint of every table: row count and a SHA-256 over every row, per model.

``unchanged()`` wraps a block that must write nothing anywhere (a denied request or a
refused service call); it fails with the names of the tables whose rows changed.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.apps import apps


def _models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model


def table_fingerprint(model) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    names = [f.attname for f in model._meta.concrete_fields]
    for row in model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size=2000):
        digest.update(repr(row).encode("utf-8"))
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def database_snapshot() -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256)}`` for every concrete model, including m2m and history."""
    return {model._meta.db_table: table_fingerprint(model) for model in _models()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        f"{table}: {before.get(table, (0,))[0]} → {after.get(table, (0,))[0]} rows"
        for table in set(before) | set(after)
        if before.get(table) != after.get(table)
    )


@contextlib.contextmanager
def unchanged(ignore: tuple[str, ...] = ()):
    """Assert that the block leaves every table (but ``ignore``) exactly as it was."""
    before = database_snapshot()
    yield
    after = database_snapshot()
    for table in ignore:
        before.pop(table, None)
        after.pop(table, None)
    changed = changed_tables(before, after)
    assert changed == [], "rows changed in: " + "; ".join(changed)
