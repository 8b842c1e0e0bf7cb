from __future__ import annotations

from django.shortcuts import render

from shuangsuiji.core.access import staff_view
from shuangsuiji.core.errors import DomainError
from shuangsuiji.core.models import Department

from .defaults import load_default_items
from .divisions import SOURCE
from .forms import SetupForm
from .services import set_up_district


@staff_view("onboarding.set_up_district")
def setup(request):
    """The first-run page: the same as ``ssj setup`` (and ``ssj load-defaults``)."""
    form = SetupForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = set_up_district(
                request.user, form.cleaned_data["region"], form.cleaned_data["departments"] or None
            )
            load_default_items(request.user)
        except DomainError as exc:
            form.add_error("region", exc.message)
    districts = Department.objects.joint_offices().select_related("region").order_by("code")
    return render(
        request,
        "onboarding/setup.html",
        {
            "title": "开通区县",
            "form": form,
            "result": result,
            "districts": districts,
            "source": SOURCE,
            "breadcrumbs": [("工作台", "/staff/"), ("开通区县", None)],
        },
    )
