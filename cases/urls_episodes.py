"""Referrals (CIN episodes), assessments, child in need plans, allocation and caseloads."""

from django.urls import path

from .views import cin_plans, episodes

urlpatterns = [
    path("<int:pk>/referrals/", episodes.referrals, name="referrals"),
    path("<int:pk>/referrals/add/", episodes.referral_add, name="referral-add"),
    path("<int:pk>/referrals/<int:referral_id>/", episodes.referral_detail, name="referral-detail"),
    path(
        "<int:pk>/referrals/<int:referral_id>/edit/", episodes.referral_edit, name="referral-edit"
    ),
    path(
        "<int:pk>/referrals/<int:referral_id>/decide/",
        episodes.referral_decide_view,
        name="referral-decide",
    ),
    path(
        "<int:pk>/referrals/<int:referral_id>/close/",
        episodes.referral_close,
        name="referral-close",
    ),
    path(
        "<int:pk>/referrals/<int:referral_id>/assessments/add/",
        episodes.assessment_add,
        name="assessment-add",
    ),
    path(
        "<int:pk>/assessments/<int:assessment_id>/edit/",
        episodes.assessment_edit,
        name="assessment-edit",
    ),
    path(
        "<int:pk>/assessments/<int:assessment_id>/authorise/",
        episodes.assessment_authorise,
        name="assessment-authorise",
    ),
    path("<int:pk>/cin-plans/", cin_plans.cin_plans, name="cin-plans"),
    path("<int:pk>/cin-plans/add/", cin_plans.cin_plan_add, name="cin-plan-add"),
    path(
        "<int:pk>/cin-plans/<int:cin_plan_id>/edit/",
        cin_plans.cin_plan_edit,
        name="cin-plan-edit",
    ),
    path(
        "<int:pk>/cin-plans/<int:cin_plan_id>/end/",
        cin_plans.cin_plan_end,
        name="cin-plan-end",
    ),
    path("<int:pk>/allocation/", episodes.allocation, name="allocation"),
    path("caseloads/", episodes.caseloads, name="caseloads"),
]
