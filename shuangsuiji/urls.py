from django.contrib import admin
from django.urls import include, path

from shuangsuiji.core import views as core_views

handler400 = "shuangsuiji.core.error_handling.bad_request"
handler403 = "shuangsuiji.core.error_handling.permission_denied"
handler404 = "shuangsuiji.core.error_handling.page_not_found"
handler500 = "shuangsuiji.core.error_handling.server_error"

urlpatterns = [
    path("", core_views.home, name="home-root"),
    path("staff/", include("shuangsuiji.core.urls")),
    path("accounts/", include("shuangsuiji.accounts.urls")),
    path("staff/accounts/", include("shuangsuiji.accounts.urls_staff")),
    path("staff/registries/", include("shuangsuiji.registries.urls")),
    path("staff/plans/", include("shuangsuiji.plans.urls")),
    path("staff/inspections/", include("shuangsuiji.inspections.urls")),
    path("staff/reports/", include("shuangsuiji.reports.urls")),
    path("staff/audit/", include("shuangsuiji.audit.urls")),
    path("staff/setup/", include("shuangsuiji.onboarding.urls")),
    path("portal/", include("shuangsuiji.portal.urls")),
    path("admin/", admin.site.urls),
]
