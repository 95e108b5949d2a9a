"""Per-request login security: session time limits, and the steps a signed-in user must finish (second
factor, password change) before anything else.

Both run after ``AuthenticationMiddleware`` and ``OTPMiddleware``. API requests are never redirected: a session
that has not finished its steps is simply not a signed-in user there (token authentication is unaffected).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from minzheng.accounts import sessions
from minzheng.accounts.passwords import password_change_reason

_ALWAYS_OPEN = ("/static/", "/favicon.ico", "/healthz")


def _go(request, url: str):
    """A redirect that also works for htmx requests, which would otherwise swap the target page into a
    fragment."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_next(url: str, request) -> str:
    if request.method == "GET" and not request.headers.get("HX-Request"):
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class SessionTimeoutMiddleware:
    """Ends a session unused for ``MINZHENG_SESSION_IDLE_MINUTES`` or older than
    ``MINZHENG_SESSION_ABSOLUTE_HOURS`` and sends the browser to the login page with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(_ALWAYS_OPEN) and request.user.is_authenticated:
            reason = sessions.expiry_reason(request.session)
            if reason is not None:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, sessions.EXPIRY_MESSAGES[reason])
                return _go(request, _with_next(settings.LOGIN_URL_PATH, request))
        return self.get_response(request)


class AccountGateMiddleware:
    """A signed-in user who owes a second factor goes to the code page (or enrolment, without a device); then
    one whose password was set by an administrator or has expired goes to the change-password page. Nothing
    else opens until the step is done; signing out always works."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(_ALWAYS_OPEN):
            step = self._pending_step(request, user)
            if step is not None and not request.path.startswith((step, reverse("accounts:logout"))):
                if request.path.startswith("/api/"):
                    request.user = AnonymousUser()
                else:
                    return _go(request, _with_next(step, request))
        return self.get_response(request)

    @staticmethod
    def _pending_step(request, user) -> str | None:
        is_verified = getattr(user, "is_verified", None)
        if sessions.second_factor_required(request, user) and not (is_verified and is_verified()):
            return reverse("accounts:otp_verify")
        if password_change_reason(user) is not None:
            return reverse("accounts:password_change")
        return None
