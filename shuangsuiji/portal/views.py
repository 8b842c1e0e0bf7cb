from django.shortcuts import render

from shuangsuiji.core.access import public_view


@public_view
def index(request):
    return render(request, "portal/index.html", {"title": "公示门户"})
