"""The one door to a single kernel record."""

from __future__ import annotations

from minzheng.accounts.permissions import Perm, require
from minzheng.core.errors import NotFoundError
from minzheng.core.models import CalendarOverride


def access_calendar_override_by_id(user, override_id: int) -> CalendarOverride:
    # Overrides hold no personal data and apply to every area; reading one only needs the calendar permission.
    require(user, Perm.CALENDAR_VIEW)
    override = CalendarOverride.objects.filter(pk=override_id).first()
    if override is None:
        raise NotFoundError("节假日设置")
    return override
