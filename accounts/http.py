"""The request a signed-in view is given, for the type checker."""

from django.http import HttpRequest

from .models import User


class AuthenticatedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: `request.user` is a signed-in User, never
    AnonymousUser. Only an annotation for views; Django builds the request as usual."""

    user: User
