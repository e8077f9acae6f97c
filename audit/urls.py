from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("children/<int:pk>/views/", views.child_access_log, name="child-access-log"),
]
