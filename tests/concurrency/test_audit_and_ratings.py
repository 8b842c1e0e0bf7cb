"""Real concurrent connections on PostgreSQL: the audit chain never forks, no update is lost."""

import datetime

from django.db import transaction

from shuangsuiji.audit.models import AuditEntry
from shuangsuiji.audit.services import record, verify_chain
from shuangsuiji.registries import services
from shuangsuiji.registries.models import Entity, RiskRating
from tests import factories
from tests.concurrency.conftest import run_in_threads


def test_parallel_audit_appends_form_one_unbroken_chain(postgres_only, alice):
    def append(i: int) -> None:
        for n in range(25):
            with transaction.atomic():
                record(alice, "test.parallel", data={"thread": i, "n": n})

    errors = run_in_threads(append, 8)
    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEntry.objects.filter(action="test.parallel").count() == 200
    assert verify_chain() is None


def test_parallel_ratings_of_one_entity_keep_every_row_and_the_latest_class(postgres_only, alice):
    entity = factories.entity(risk_class="A", rated_on=datetime.date(2023, 1, 1))
    classes = "BCDB"

    def rate(i: int) -> None:
        e = Entity.objects.get(pk=entity.pk)
        services.add_risk_rating(
            alice,
            e,
            risk_class=classes[i],
            effective_date=datetime.date(2024, 1, 1 + i),
            source=f"t{i}",
        )

    errors = run_in_threads(rate, 4)
    assert errors == []
    assert RiskRating.objects.filter(entity=entity).count() == 5
    entity.refresh_from_db()
    assert entity.risk_class == "B"  # effective 2024-01-04, the latest date
    assert verify_chain() is None
