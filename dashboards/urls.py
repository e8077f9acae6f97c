from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboards/team/", views.team_dashboard, name="team"),
    path("dashboards/iro/", views.iro_dashboard, name="iro"),
    path("dashboards/service/", views.service_dashboard, name="service"),
    path("dashboards/metrics.json", views.metrics_json, name="metrics-json"),
    path("dashboards/drill/<slug:key>/", views.drill, name="drill"),
]
