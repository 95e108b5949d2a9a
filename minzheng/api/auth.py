"""API authentication: bearer tokens for integrating systems, the session for the staff UI."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from minzheng.accounts.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        record = (ApiToken.objects.select_related("user", "user__area")
                  .filter(token_hash=hash_token(token), revoked_at__isnull=True).first())
        if record is None or not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        request.api_channel = "api"
        return record.user


class SessionAuth(APIKeyCookie):
    """The signed-in staff session; unsafe methods also need the CSRF token, as on the pages."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            request.api_channel = "web-api"
            return user
        return None
