from __future__ import annotations

import datetime as dt

from django.shortcuts import render

from minzheng.accounts.permissions import Perm, require
from minzheng.audit.display import (
    action_label,
    field_list_label,
    masked_text,
    object_type_label,
    readable_changes,
)
from minzheng.audit.selectors import AuditFilters, access_log_list, event_list
from minzheng.web.listing import Column, paginate, xlsx_bytes, xlsx_response


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request) -> AuditFilters:
    get = request.GET
    return AuditFilters(user=get.get("user", "").strip()[:64], record=get.get("record", "").strip()[:64],
                        action=get.get("action", "").strip()[:64], date_from=_date(get.get("date_from")),
                        date_to=_date(get.get("date_to")))


def _changes(values: dict | None, object_type: str) -> str:
    return "；".join(f"{label}：{value}" for label, value in readable_changes(values, object_type))


_EVENT_COLUMNS = [
    Column("时间", lambda e: e.occurred_at, 20), Column("操作人", lambda e: str(e.actor or "系统"), 12),
    Column("操作", lambda e: action_label(e.action), 16), Column("操作代码", lambda e: e.action, 18),
    Column("对象类型", lambda e: object_type_label(e.object_type), 12),
    Column("对象", lambda e: e.object_repr, 20), Column("对象标识", lambda e: e.object_id, 38),
    Column("区划", lambda e: e.area_code, 14), Column("变更前", lambda e: _changes(e.before, e.object_type), 40),
    Column("变更后", lambda e: _changes(e.after, e.object_type), 40), Column("说明", lambda e: e.note, 20),
]
_ACCESS_COLUMNS = [
    Column("时间", lambda e: e.occurred_at, 20), Column("访问人", lambda e: str(e.actor or "系统"), 12),
    Column("方式", lambda e: action_label(e.action), 14),
    Column("对象类型", lambda e: object_type_label(e.object_type), 12),
    Column("对象", lambda e: e.object_repr, 20), Column("对象标识", lambda e: e.object_id, 38),
    Column("涉及字段", lambda e: field_list_label(e.fields), 30), Column("事由", lambda e: masked_text(e.reason), 20),
    Column("IP地址", lambda e: e.ip_address or "", 16), Column("渠道", lambda e: e.channel, 8),
]


def audit_view(request):
    require(request.user, Perm.AUDIT_VIEW)
    kind = "access" if request.GET.get("kind") == "access" else "events"
    filters = _filters(request)
    qs = (access_log_list if kind == "access" else event_list)(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        columns = _ACCESS_COLUMNS if kind == "access" else _EVENT_COLUMNS
        content = xlsx_bytes(title="访问日志" if kind == "access" else "变更记录", columns=columns,
                             rows=qs.iterator(chunk_size=2000))
        return xlsx_response(filename=f"审计_{kind}_{dt.date.today():%Y%m%d}.xlsx", content=content)
    return render(request, "audit/audit.html", {
        "page_title": "审计日志", "breadcrumbs": [("审计日志", None)], "kind": kind, "filters": filters,
        "page_obj": paginate(request, qs, per_page=50),
    })
