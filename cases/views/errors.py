"""The page the one door shows when it refuses (wirral_cp.urls names it as the 404 handler)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import RestrictedRecord


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for everything a user may not see; a restricted record says whom to ask."""
    message = str(exception) if isinstance(exception, RestrictedRecord) else ""
    return render(request, "404.html", {"restricted_message": message}, status=404)
