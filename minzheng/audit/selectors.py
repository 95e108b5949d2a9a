"""Reads of audit rows. Auditors search everything in their area; business users see the change history of
records they can already open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.audit.models import AccessLog, Event


def events_for_object(*, user, obj) -> QuerySet[Event]:
    """The change history of one record; the caller has already passed the record's access check."""
    label = f"{obj._meta.app_label}.{obj._meta.model_name}"
    return Event.objects.filter(object_type=label, object_id=str(obj.pk)).select_related("actor")[:200]


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""
    record: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _scoped(qs, user):
    # District-level auditors also see rows with no area (system-wide events such as user changes).
    prefix = user.area_prefix
    scope = Q(area_code__startswith=prefix)
    if len(prefix) == 6:
        scope |= Q(area_code="")
    return qs.filter(scope)


def _filter(qs, filters: AuditFilters):
    if filters.user:
        qs = qs.filter(Q(actor__username__icontains=filters.user) | Q(actor__full_name__icontains=filters.user))
    if filters.record:
        qs = qs.filter(Q(object_id=filters.record) | Q(object_repr__icontains=filters.record)
                       | Q(object_type=filters.record))
    if filters.action:
        qs = qs.filter(action__icontains=filters.action)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min,
                                                           tzinfo=tz))
    return qs


def event_list(*, user, filters: AuditFilters) -> QuerySet[Event]:
    require(user, Perm.AUDIT_VIEW)
    return _filter(_scoped(Event.objects.all(), user), filters).select_related("actor")


def access_log_list(*, user, filters: AuditFilters) -> QuerySet[AccessLog]:
    require(user, Perm.AUDIT_VIEW)
    return _filter(_scoped(AccessLog.objects.all(), user), filters).select_related("actor")


def can_view_audit(user) -> bool:
    return has_perm(user, Perm.AUDIT_VIEW)
