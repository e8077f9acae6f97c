"""Conference diary, scheduling, attendance, decisions, minutes, feedback and IRO views."""

from django.urls import path

from .views import diary, groups, letters

urlpatterns = [
    path("conferences/", diary.diary, name="diary"),
    path("conferences/feedback/summary/", diary.feedback_summary, name="feedback-summary"),
    path("conferences/iro/", diary.iro_caseload_page, name="iro-caseload"),
    path("conferences/<int:pk>/", diary.detail, name="detail"),
    path("conferences/<int:pk>/schedule/", diary.schedule, name="schedule"),
    path("conferences/<int:pk>/cancel/", diary.cancel, name="cancel"),
    path("conferences/<int:pk>/children/", groups.group, name="group"),
    path(
        "conferences/<int:pk>/children/<int:member_id>/remove/",
        groups.group_remove,
        name="group-remove",
    ),
    path("conferences/<int:pk>/letters/", letters.letters, name="letters"),
    path(
        "conferences/<int:pk>/interim-plan/agree/",
        diary.interim_plan_agree,
        name="interim-plan-agree",
    ),
    path("conferences/<int:pk>/participants/", diary.participants, name="participants"),
    path("conferences/<int:pk>/reports-shared/", diary.reports_shared, name="reports-shared"),
    path("conferences/<int:pk>/outcome/", diary.outcome, name="outcome"),
    path("conferences/<int:pk>/minutes/approve/", diary.minutes_approve, name="minutes-approve"),
    path(
        "conferences/<int:pk>/minutes/distribute/",
        diary.minutes_distribute,
        name="minutes-distribute",
    ),
    path("conferences/<int:pk>/feedback/", diary.feedback, name="feedback"),
    path("feedback/<str:token>/", diary.feedback_public, name="feedback-public"),
    # Asked for from the section 47 enquiry's page, under the child like the enquiry.
    path(
        "children/<int:pk>/s47/<int:enquiry_id>/request-icpc/",
        diary.icpc_request,
        name="icpc-request",
    ),
]
