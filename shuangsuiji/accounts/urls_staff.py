"""Staff pages for accounts and login locks, under /staff/accounts/ (namespace ``users``)."""

from django.urls import path

from . import views

app_name = "users"
urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create, name="create"),
    path("<int:pk>/", views.user_detail, name="detail"),
    path("<int:pk>/roles/", views.user_roles, name="roles"),
    path("<int:pk>/department/", views.user_department, name="department"),
    path("<int:pk>/password/", views.user_password, name="password"),
    path("<int:pk>/active/", views.user_active, name="active"),
    path("locks/", views.lock_list, name="locks"),
    path("locks/<int:pk>/lift/", views.lock_lift, name="lock-lift"),
    path("locks/throttle/clear/", views.throttle_clear, name="throttle-clear"),
]
