"""URLconf for the error-mapping tests: the project's URLs plus views that raise."""

from django.db import IntegrityError, OperationalError
from django.urls import path

from shuangsuiji.core.access import public_view
from shuangsuiji.core.errors import InvalidInput, StateConflict
from shuangsuiji.core.models import Region
from shuangsuiji.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@public_view
def raises_conflict(request):
    raise StateConflict("抽取已冻结，不能修改。", code="draw.frozen")


@public_view
def raises_invalid_with_field(request):
    raise InvalidInput("结束日期早于开始日期。", code="plan.period_order", field="period_end")


@public_view
def raises_locked(request):
    raise OperationalError("database is locked")


@public_view
def raises_does_not_exist(request):
    return Region.objects.get(code="999999")


@public_view
def raises_key_error(request):
    return {}["missing"]


@public_view
def raises_integrity(request):
    raise IntegrityError('duplicate key value violates unique constraint "one_live_draw"')


urlpatterns = [
    *urlpatterns,
    path("test-errors/integrity/", raises_integrity),
    path("test-errors/conflict/", raises_conflict),
    path("test-errors/invalid/", raises_invalid_with_field),
    path("test-errors/locked/", raises_locked),
    path("test-errors/missing-row/", raises_does_not_exist),
    path("test-errors/key-error/", raises_key_error),
]
