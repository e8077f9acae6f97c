from django.contrib import admin
from django.urls import include, path

from dashboards.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("children/", include("cases.urls")),
    path("people/", include("cases.urls_people")),
    path("", include("frontdoor.urls")),
    path("", include("strategy.urls")),
    path("", include("familyhelp.urls")),
    path("", include("conferences.urls")),
    path("", include("documents.urls")),
    path("", include("monitoring.urls")),
    path("", include("dashboards.urls")),
    path("", include("reporting.urls")),
    path("audit/", include("audit.urls")),
    path("api/", include("partners.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "cases.views.errors.not_found"
