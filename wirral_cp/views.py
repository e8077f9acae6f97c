from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases.access import children_for_user


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """A landing page that shows each role what it is there to do."""
    user = request.user
    children = children_for_user(user).select_related("allocated_worker", "allocated_team")
    context = {
        "my_children": children.filter(allocated_worker=user)[:50],
        "team_children": children.exclude(allocated_worker=user)[:50]
        if (user.is_social_worker or user.is_team_manager)
        else [],
        "child_count": children.count() if user.is_senior_manager else None,
    }
    return render(request, "home.html", context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for everything a user may not see; a restricted record says whom to ask."""
    from cases.access import RestrictedRecord

    message = str(exception) if isinstance(exception, RestrictedRecord) else ""
    return render(request, "404.html", {"restricted_message": message}, status=404)
