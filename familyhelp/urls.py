from django.urls import path

from . import views

app_name = "familyhelp"

CHILD = "children/<int:pk>/family-help/"

urlpatterns = [
    path("family-help/", views.waiting, name="waiting"),
    path(CHILD, views.child_family_help, name="child"),
    path(f"{CHILD}assessments/add/", views.assessment_add, name="assessment-add"),
    path(
        f"{CHILD}assessments/<int:eh_assessment_id>/edit/",
        views.assessment_edit,
        name="assessment-edit",
    ),
    path(f"{CHILD}plans/add/", views.plan_add, name="plan-add"),
    path(f"{CHILD}plans/<int:fh_plan_id>/edit/", views.plan_edit, name="plan-edit"),
    path(f"{CHILD}plans/<int:fh_plan_id>/reviews/add/", views.review_add, name="review-add"),
    path(f"{CHILD}step-up/", views.step_up, name="step-up"),
    path(
        f"{CHILD}step-downs/<int:step_down_id>/accept/",
        views.step_down_accept,
        name="step-down-accept",
    ),
    path(
        f"{CHILD}step-ups/<int:step_up_id>/accept/",
        views.step_up_accept,
        name="step-up-accept",
    ),
    path(
        f"{CHILD}requests/<int:request_id>/accept/",
        views.request_accept,
        name="request-accept",
    ),
    path(
        "children/<int:pk>/referrals/<int:referral_id>/step-down/",
        views.step_down,
        name="step-down",
    ),
]
