from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from minzheng.accounts.permissions import Perm, has_perm
from minzheng.assistance.summary import assistance_summary
from minzheng.core.selectors import calendar_dashboard_notice
from minzheng.registry.selectors import counts_by_town, registry_counts


def home(request):
    user = request.user
    context: dict = {"breadcrumbs": [], "today": timezone.localdate()}
    context["calendar_notice"] = calendar_dashboard_notice(user=user, today=context["today"])
    if has_perm(user, Perm.REGISTRY_VIEW):
        context["counts"] = registry_counts(user=user)
        context["by_area"] = counts_by_town(user=user)
    if has_perm(user, Perm.ASSISTANCE_VIEW):
        context["assistance"] = assistance_summary(user=user, today=context["today"])
    return render(request, "web/home.html", context)


def healthz(request):
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    context = {"title": "页面不存在", "message": "您访问的页面或记录不存在，或不在您的管辖范围内。"}
    return render(request, "web/error.html", context, status=404)


def forbidden(request, exception=None):
    return render(request, "web/error.html", {"title": "没有权限", "message": "您没有执行此操作的权限。"}, status=403)


def server_error(request):
    # Rendered without the shell: the failure may be in what the shell needs (the database, the user).
    return render(request, "web/500.html", status=500)


def favicon(request):
    return HttpResponse(status=204)
