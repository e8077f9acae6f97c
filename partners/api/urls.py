from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import ContributionRequestsView, ContributionSubmitView, PlanStatusView

app_name = "api"

# Partner systems sign in with an API key, not a session: the site's sign-in is not asked for.
urlpatterns = [
    path("v1/plan-status/", login_not_required(PlanStatusView.as_view()), name="v1-plan-status"),
    path(
        "v1/contribution-requests/",
        login_not_required(ContributionRequestsView.as_view()),
        name="v1-contribution-requests",
    ),
    path(
        "v1/contribution-requests/<int:pk>/contribution/",
        login_not_required(ContributionSubmitView.as_view()),
        name="v1-contribution-submit",
    ),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
