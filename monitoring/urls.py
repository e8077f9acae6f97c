from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
