from django.urls import include, path

from . import views, views_conflicts, views_entities, views_inspectors, views_items, views_org

app_name = "registries"
urlpatterns = [
    path("", views.index, name="index"),
    # 检查对象
    path("entities/", views_entities.entity_list, name="entity-list"),
    path("entities/new/", views_entities.entity_create, name="entity-create"),
    path("entities/<int:pk>/", views_entities.entity_detail, name="entity-detail"),
    path("entities/<int:pk>/edit/", views_entities.entity_edit, name="entity-edit"),
    path(
        "entities/<int:pk>/correct-code/",
        views_entities.entity_correct_code,
        name="entity-correct-code",
    ),
    path("entities/<int:pk>/rate/", views_entities.entity_rate, name="entity-rate"),
    # 执法检查人员
    path("inspectors/", views_inspectors.inspector_list, name="inspector-list"),
    path("inspectors/new/", views_inspectors.inspector_create, name="inspector-create"),
    path("inspectors/<int:pk>/", views_inspectors.inspector_detail, name="inspector-detail"),
    path("inspectors/<int:pk>/edit/", views_inspectors.inspector_edit, name="inspector-edit"),
    path(
        "inspectors/<int:pk>/unavailable/",
        views_inspectors.inspector_unavailable_add,
        name="inspector-unavailable-add",
    ),
    path(
        "inspectors/<int:pk>/unavailable/<int:period_pk>/remove/",
        views_inspectors.inspector_unavailable_remove,
        name="inspector-unavailable-remove",
    ),
    # 回避关系
    path("conflicts/", views_conflicts.conflict_list, name="conflict-list"),
    path("conflicts/new/", views_conflicts.conflict_declare, name="conflict-declare"),
    path(
        "conflicts/<int:pk>/withdraw/", views_conflicts.conflict_withdraw, name="conflict-withdraw"
    ),
    # 抽查事项
    path("items/", views_items.checkitem_list, name="checkitem-list"),
    path("items/new/", views_items.checkitem_create, name="checkitem-create"),
    path("items/<int:pk>/edit/", views_items.checkitem_edit, name="checkitem-edit"),
    # 行政区划与部门
    path("regions/", views_org.region_list, name="region-list"),
    path("regions/new/", views_org.region_create, name="region-create"),
    path("regions/<int:pk>/", views_org.region_detail, name="region-detail"),
    path("regions/<int:pk>/edit/", views_org.region_edit, name="region-edit"),
    path("departments/", views_org.department_list, name="department-list"),
    path("departments/new/", views_org.department_create, name="department-create"),
    path("departments/<int:pk>/", views_org.department_detail, name="department-detail"),
    path("departments/<int:pk>/edit/", views_org.department_edit, name="department-edit"),
    # Imports and exports (import/<kind>/…, export/<kind>.xlsx) live in urls_io.
    path("", include("shuangsuiji.registries.urls_io")),
]
