from django.urls import path

from . import contribution_views as contributions
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
    # Contribution requests to partner professionals; their public pages under /contribute/.
    path(
        "children/<int:pk>/contributions/",
        contributions.child_requests,
        name="contribution-requests",
    ),
    path(
        "children/<int:pk>/contributions/ask/<slug:slug>/<int:target_id>/",
        contributions.request_new,
        name="contribution-request-new",
    ),
    path(
        "children/<int:pk>/contributions/<int:request_id>/new-link/",
        contributions.request_new_link,
        name="contribution-new-link",
    ),
    path(
        "children/<int:pk>/contributions/<int:request_id>/withdraw/",
        contributions.request_withdraw,
        name="contribution-withdraw",
    ),
    path("contribute/code/", contributions.contribute_code, name="contribute-code"),
    path("contribute/answer/", contributions.contribute_answer, name="contribute-answer"),
    path("contribute/<str:token>/", contributions.contribute, name="contribute"),
]
