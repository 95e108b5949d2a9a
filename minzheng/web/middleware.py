from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

_PUBLIC_PREFIXES = ("/accounts/login", "/static/", "/api/", "/favicon.ico", "/healthz")


class LoginRequiredMiddleware:
    """Every page needs a signed-in user except the login page, static files and the API (which has its
    own authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(_PUBLIC_PREFIXES):
            return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: every script and style is served from our own static files."""

    CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
           "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class ApplicationErrorMiddleware:
    """Turns a business error that escapes a view into a Chinese page or htmx fragment, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from minzheng.core.errors import ApplicationError
        from minzheng.web.errors import render_error

        if isinstance(exception, ApplicationError) and not request.path.startswith("/api/"):
            return render_error(request, exception)
        return None
