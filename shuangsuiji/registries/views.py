from django.shortcuts import render

from shuangsuiji.core.access import staff_view


@staff_view("registries.view")
def index(request):
    return render(request, "registries/index.html", {"title": "一单两库"})
