"""The child's conferences and plan: outcomes, actions, versions, family-friendly plan, core
groups."""

from django.urls import path

from .views import plan

urlpatterns = [
    path("children/<int:pk>/plan/", plan.child_plan, name="child-plan"),
]
