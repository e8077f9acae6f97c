import re

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .otp import otp_required, user_has_totp

# Views an unverified user may still reach, besides @login_not_required ones (the login page).
OTP_EXEMPT_VIEWS = {
    "accounts:logout",
    "accounts:otp-setup",
    "accounts:otp-verify",
    "accounts:keepalive",
    "admin:logout",
}


class OTPRequiredMiddleware:
    """After the password, a second factor before anything else (outside demo mode).

    Runs after AuthenticationMiddleware, django-otp's OTPMiddleware (which sets
    `request.user.is_verified()`) and LoginRequiredMiddleware (which has already sent anonymous
    users to the login page). A signed-in user whose session is not verified is sent to set up
    an authenticator app if they have none, else to enter a code; `next` brings them back.
    Static files never get here: whitenoise serves them earlier in the chain.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not otp_required() or not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        step = "accounts:otp-verify" if user_has_totp(user) else "accounts:otp-setup"
        return redirect_to_login(request.get_full_path(), reverse(step))


TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class OnceOnlyMiddleware:
    """A POST carrying a form token already spent by this user does not run its view again.

    The first POST with a token records it before the view runs (its own committed row, so a
    second request at the same moment sees it) and, when the view answers with a redirect, where
    it went. A repeat is sent there too, with a message that the form was already sent; if the
    first is still being saved the repeat waits for it (a few seconds at most). A form that
    came back with errors spends no token: the page may be sent again.
    """

    WAIT_SECONDS = 5.0

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import IntegrityError, transaction

        from .models import FormSubmission
        from .templatetags.once import FIELD

        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN.fullmatch(token) or not request.user.is_authenticated:
            # No token, or not one this site drew (a tampered page): the view's own checks apply.
            return self.get_response(request)
        try:
            with transaction.atomic():
                spent = FormSubmission.objects.create(
                    user=request.user, token=token, path=request.path[:300]
                )
        except IntegrityError:
            return self._repeat(request, token)
        response = self.get_response(request)
        if response.status_code in (301, 302, 303) and response.get("Location"):
            FormSubmission.objects.filter(pk=spent.pk).update(location=response["Location"][:500])
        else:
            # Nothing was saved (the form came back with a message, or failed): the same page
            # may be sent again.
            FormSubmission.objects.filter(pk=spent.pk).delete()
        return response

    def _repeat(self, request, token: str):
        import time

        from django.contrib import messages
        from django.shortcuts import redirect

        from .models import FormSubmission

        deadline = time.monotonic() + self.WAIT_SECONDS
        location = ""
        while True:
            first = FormSubmission.objects.filter(user=request.user, token=token).first()
            location = first.location if first else ""
            if location or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        messages.info(
            request, "That form was already sent, so it was saved once: here is the result."
        )
        return redirect(location or request.path)
