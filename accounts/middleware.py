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
