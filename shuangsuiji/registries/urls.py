from django.urls import path

from . import views

app_name = "registries"
urlpatterns = [
    path("", views.index, name="index"),
]
