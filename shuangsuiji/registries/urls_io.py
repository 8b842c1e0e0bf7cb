"""Import and export routes (names: import-start, import-template, export)."""

urlpatterns: list = []
