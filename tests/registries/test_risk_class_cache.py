"""The cached class on Entity follows a future-dated rating on the day it comes into force."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from shuangsuiji.registries import middleware, services
from shuangsuiji.registries.models import Entity
from tests import factories

pytestmark = pytest.mark.django_db
ZONE = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def fresh_process():
    middleware._refreshed_on = None
    yield
    middleware._refreshed_on = None


@pytest.fixture
def rerated(alice):
    """Class A since 2023; class C entered on 2024-02-01, in force from 2024-03-01."""
    entity = factories.entity(risk_class="A", rated_on=datetime.date(2023, 1, 1))
    with time_machine.travel(datetime.datetime(2024, 2, 1, 9, tzinfo=ZONE), tick=False):
        services.add_risk_rating(
            alice, entity, risk_class="C", effective_date=datetime.date(2024, 3, 1)
        )
    entity.refresh_from_db()
    assert entity.risk_class == "A"
    return entity


def test_refreshing_on_the_effective_day_switches_only_the_stale_entities(rerated):
    other = factories.entity(risk_class="B")
    assert services.refresh_due_risk_classes(datetime.date(2024, 2, 29)) == 0
    assert services.refresh_due_risk_classes(datetime.date(2024, 3, 1)) == 1
    assert Entity.objects.get(pk=rerated.pk).risk_class == "C"
    assert Entity.objects.get(pk=other.pk).risk_class == "B"


def test_the_first_request_of_the_day_brings_the_cache_up_to_date(client, alice, rerated):
    client.force_login(alice)
    with time_machine.travel(datetime.datetime(2024, 2, 20, 9, tzinfo=ZONE), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    assert Entity.objects.get(pk=rerated.pk).risk_class == "A"
    with time_machine.travel(datetime.datetime(2024, 3, 1, 8, tzinfo=ZONE), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    assert Entity.objects.get(pk=rerated.pk).risk_class == "C"
