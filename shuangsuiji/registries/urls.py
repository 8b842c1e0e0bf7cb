from django.urls import include, path

from . import views

app_name = "registries"
urlpatterns = [
    path("", views.index, name="index"),
    # Imports and exports (import/<kind>/…, export/<kind>.xlsx) live in urls_io.
    path("", include("shuangsuiji.registries.urls_io")),
]
