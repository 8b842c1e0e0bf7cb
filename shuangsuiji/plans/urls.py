from django.urls import path

from .views import draws, plans, tasks

app_name = "plans"
urlpatterns = [
    path("", plans.index, name="index"),
    path("new/", plans.plan_create, name="plan-create"),
    path("import/", plans.plan_import, name="plan-import"),
    path("import/sample.xlsx", plans.plan_import_sample, name="plan-import-sample"),
    path("import/<str:token>/", plans.plan_import_preview, name="plan-import-preview"),
    path("import/<str:token>/commit/", plans.plan_import_commit, name="plan-import-commit"),
    path("<int:pk>/", plans.plan_detail, name="plan"),
    path("<int:pk>/edit/", plans.plan_edit, name="plan-edit"),
    path("<int:pk>/annex1.<str:fmt>", plans.plan_export, name="plan-export"),
    path("<int:plan_pk>/tasks/new/", tasks.task_create, name="task-create"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task-edit"),
    path("tasks/<int:task_pk>/announce/", draws.announce, name="announce"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw"),
    path("draws/<int:pk>/reveal/", draws.reveal, name="reveal"),
    path("draws/<int:pk>/substitute/", draws.substitute, name="substitute"),
    path("draws/<int:pk>/propose/", draws.propose_substitution, name="propose-substitution"),
    path("draws/<int:pk>/review/", draws.review_substitution, name="review-substitution"),
    path("draws/<int:pk>/change-inspector/", draws.change_inspector, name="change-inspector"),
    path("draws/<int:pk>/void/", draws.void, name="void"),
    path("draws/<int:pk>/record.json", draws.record_json, name="record-json"),
    path("draws/<int:pk>/<str:which>.csv", draws.inputs_csv, name="inputs-csv"),
]
