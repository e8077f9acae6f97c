"""Visits, case notes, chronology, management oversight and service referrals."""

from django.urls import path

from .views import activity

urlpatterns = [
    path("<int:pk>/visits/", activity.visits, name="visits"),
    path("<int:pk>/visits/add/", activity.visit_add, name="visit-add"),
    path("<int:pk>/visits/<int:visit_id>/edit/", activity.visit_edit, name="visit-edit"),
    path("<int:pk>/missing/", activity.missing, name="missing"),
    path("<int:pk>/missing/add/", activity.missing_add, name="missing-add"),
    path("<int:pk>/missing/<int:episode_id>/edit/", activity.missing_edit, name="missing-edit"),
    path("<int:pk>/notes/", activity.notes, name="notes"),
    path("<int:pk>/notes/add/", activity.note_add, name="note-add"),
    path("<int:pk>/notes/<int:note_id>/", activity.note_detail, name="note-detail"),
    path("<int:pk>/notes/<int:note_id>/correct/", activity.note_correct, name="note-correct"),
    path("<int:pk>/chronology/", activity.chronology, name="chronology"),
    path("<int:pk>/chronology/print/", activity.chronology_print, name="chronology-print"),
    path(
        "<int:pk>/chronology/describe/",
        activity.chronology_describe_view,
        name="chronology-describe",
    ),
    path("<int:pk>/chronology/add/", activity.chronology_add, name="chronology-add"),
    path(
        "<int:pk>/chronology/entries/<int:entry_id>/",
        activity.chronology_entry,
        name="chronology-entry",
    ),
    path(
        "<int:pk>/chronology/entries/<int:entry_id>/edit/",
        activity.chronology_entry_edit_view,
        name="chronology-entry-edit",
    ),
    path("<int:pk>/oversight/", activity.oversight, name="oversight"),
    path("<int:pk>/oversight/add/", activity.oversight_add, name="oversight-add"),
    path("<int:pk>/services/", activity.services, name="services"),
    path("<int:pk>/services/add/", activity.service_add, name="service-add"),
    path("<int:pk>/services/<int:service_id>/edit/", activity.service_edit, name="service-edit"),
]
