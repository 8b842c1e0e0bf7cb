from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("draws/<str:code>/", views.draw_detail, name="draw"),
    path("draws/<str:code>/announcement.json", views.announcement_json, name="announcement-json"),
    path("draws/<str:code>/record.json", views.record_json, name="record-json"),
    path(
        "draws/<str:code>/record-v<int:number>.json",
        views.record_version_json,
        name="record-version-json",
    ),
    path("audit/heads/", views.audit_heads, name="audit-heads"),
    path("audit/heads.json", views.audit_heads_json, name="audit-heads-json"),
]
