"""How views turn an ApplicationError into a response: a full page, or an htmx fragment."""

from __future__ import annotations

from django.shortcuts import render

from minzheng.core.errors import ApplicationError, NotFoundError


def render_error(request, error: ApplicationError):
    if isinstance(error, NotFoundError):
        status = 404
        title = "页面不存在"
    else:
        status = error.http_status
        title = "没有权限" if status == 403 else "操作未完成"
    template = "web/partials/error.html" if request.headers.get("HX-Request") else "web/error.html"
    return render(request, template, {"title": title, "message": error.message, "error": error}, status=status)
