"""Framework plumbing only: Django's sign-in and sign-out signals keep the session bookkeeping of
``minzheng.accounts.sessions`` (no business rule runs here)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from minzheng.accounts import sessions


@receiver(user_logged_in, dispatch_uid="minzheng.accounts.session_started")
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.session_started(request, user)


@receiver(user_logged_out, dispatch_uid="minzheng.accounts.session_ended")
def _session_ended(sender, request, user, **kwargs):
    if request is not None:
        sessions.session_ended(request)
