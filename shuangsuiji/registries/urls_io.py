"""Import and export routes (included inside the ``registries`` namespace)."""

from django.urls import path

from . import views_io

urlpatterns = [
    path("import/<str:kind>/", views_io.import_start, name="import-start"),
    path("import/<str:kind>/template.xlsx", views_io.import_template, name="import-template"),
    path("import/<str:kind>/<str:token>/", views_io.import_preview, name="import-preview"),
    path("import/<str:kind>/<str:token>/commit/", views_io.import_commit, name="import-commit"),
    path("import/<str:kind>/<str:token>/errors.xlsx", views_io.import_errors, name="import-errors"),
    path("export/<str:kind>.xlsx", views_io.export, name="export"),
]
