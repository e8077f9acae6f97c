from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("children/<int:pk>/documents/", views.child_documents, name="child-documents"),
    path("children/<int:pk>/documents/new/", views.upload, name="upload"),
    path("children/<int:pk>/documents/<int:document_id>/", views.detail, name="detail"),
    path(
        "children/<int:pk>/documents/<int:document_id>/new-version/",
        views.new_version,
        name="new-version",
    ),
    path("children/<int:pk>/documents/<int:document_id>/share/", views.share, name="share"),
    path("children/<int:pk>/documents/<int:document_id>/remove/", views.remove, name="remove"),
    path(
        "children/<int:pk>/documents/<int:document_id>/download/",
        views.download,
        name="download",
    ),
    path("documents/retention/", views.retention, name="retention"),
]
