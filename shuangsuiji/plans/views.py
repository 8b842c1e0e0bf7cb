from django.shortcuts import render

from shuangsuiji.core.access import staff_view


@staff_view("plans.view")
def index(request):
    return render(request, "plans/index.html", {"title": "计划与抽取"})
