"""Sign in and out with AdStudio's own pages (Django's auth views, our templates and wording)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "That username and password don't match a staff account. "
            "Check both (the password is case-sensitive) and try again."
        ),
        "inactive": "This account is switched off. Ask an AdStudio admin to turn it back on.",
    }


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or prefetch can't sign anyone out."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Added after the session is flushed, so it rides on the fresh session to the login page.
        messages.success(request, "You're signed out. See you soon.")
        return response
