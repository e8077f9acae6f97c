"""Referrals (CIN episodes), assessments, allocation and caseloads."""

from django.urls import path

from .views import episodes

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
    path("<int:pk>/allocation/", episodes.allocation, name="allocation"),
    path("caseloads/", episodes.caseloads, name="caseloads"),
]
