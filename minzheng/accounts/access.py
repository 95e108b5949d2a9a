"""The one door to a single staff account."""

from __future__ import annotations

from minzheng.accounts.models import User
from minzheng.accounts.permissions import Perm, has_perm
from minzheng.core.errors import NotFoundError, PermissionDeniedError


def access_user_by_id(user, user_id: int) -> User:
    """A user of the acting administrator's area. The system administrator manages accounts and the security
    administrator their second factor; a user outside the area and a missing one look the same."""
    if not (has_perm(user, Perm.USER_MANAGE) or has_perm(user, Perm.SECURITY_MANAGE)):
        raise PermissionDeniedError()
    found = User.objects.filter(pk=user_id, area__code__startswith=user.area_prefix).first()
    if found is None:
        raise NotFoundError("用户")
    return found
