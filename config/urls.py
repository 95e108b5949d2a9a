from django.contrib import admin
from django.urls import include, path

from minzheng.api.urls import api

urlpatterns = [
    path("", include("minzheng.web.urls")),
    path("accounts/", include("minzheng.accounts.urls")),
    path("areas/", include("minzheng.areas.urls")),
    path("registry/", include("minzheng.registry.urls")),
    path("policy/", include("minzheng.policy.urls")),
    path("assistance/", include("minzheng.assistance.urls")),
    path("payments/", include("minzheng.payments.urls")),
    path("monitoring/", include("minzheng.monitoring.urls")),
    path("audit/", include("minzheng.audit.urls")),
    path("jobs/", include("minzheng.jobs.urls")),
    path("documents/", include("minzheng.documents.urls")),
    path("calendar/", include("minzheng.core.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler404 = "minzheng.web.views.not_found"
handler403 = "minzheng.web.views.forbidden"
handler500 = "minzheng.web.views.server_error"
