"""The one door to a single alert or comparison run. Missing and out-of-area look the same: not found."""

from __future__ import annotations

from minzheng.accounts.permissions import Perm, require
from minzheng.core.errors import NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.monitoring.models import Alert, MonitoringRun
from minzheng.monitoring.selectors import alert_scope, run_scope


def access_alert_by_id(user, alert_id) -> Alert:
    require(user, Perm.MONITORING_VIEW)
    pk = parse_uuid(alert_id)
    alert = (alert_scope(user).filter(pk=pk)
             .select_related("person", "household", "household__head", "enrollment", "area", "raised_in",
                             "last_seen_in", "assigned_to", "closed_by", "application", "enrollment_change")
             .first() if pk else None)
    if alert is None:
        raise NotFoundError("预警")
    return alert


def access_run_by_id(user, run_id) -> MonitoringRun:
    require(user, Perm.MONITORING_VIEW)
    pk = parse_uuid(run_id)
    run = run_scope(user).filter(pk=pk).select_related("area", "started_by", "job").first() if pk else None
    if run is None:
        raise NotFoundError("比对批次")
    return run
