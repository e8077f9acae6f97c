from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html", authentication_form=LoginForm
            )
        ),
        name="login",
    ),
    # Open to a session that has already expired, so the timeout sign-out lands on the login page.
    path("logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url="/"
        ),
        name="password-change",
    ),
    path("two-factor/set-up/", views.otp_setup, name="otp-setup"),
    path("two-factor/", views.otp_verify, name="otp-verify"),
    path("keep-alive/", views.keepalive, name="keepalive"),
]
