import threading

import pytest
from django.db import connection, connections


@pytest.fixture
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（DATABASE_URL=postgres://…）；SQLite 写入本就串行")


def run_in_threads(target, count: int) -> list:
    """Run target(i) in `count` threads, each with its own connection; return exceptions."""
    errors: list = []
    barrier = threading.Barrier(count)

    def wrapped(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            target(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors
