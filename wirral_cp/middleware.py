"""Request and response rules that hold for every page, whichever app serves it."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or the query string is a bad request (400).

    No link of ours contains one, and PostgreSQL refuses it in a string, so it would otherwise
    reach the database as a server error wherever a view filters on what it was given.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("Bad request")
        return self.get_response(request)


class NoStoreMiddleware:
    """Tell the browser to keep no copy of any page, download or redirect (Cache-Control:
    no-store), so that case records do not stay on a shared council computer's disk.

    It sits after whitenoise, which answers static files itself: they stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        response["Pragma"] = "no-cache"
        return response
