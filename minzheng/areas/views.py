from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas import actions
from minzheng.areas.forms import AreaCreateForm, AreaEditForm
from minzheng.areas.selectors import area_list
from minzheng.core.errors import ApplicationError


def area_list_view(request):
    require(request.user, Perm.AREA_VIEW)
    areas = list(area_list(user=request.user))
    return render(request, "areas/area_list.html", {
        "page_title": "行政区划", "breadcrumbs": [("行政区划", None)], "areas": areas,
        "can_manage": has_perm(request.user, Perm.AREA_MANAGE),
    })


def _apply(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
def area_create_view(request):
    require(request.user, Perm.AREA_MANAGE)
    form = AreaCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = actions.area_create(acting_user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"已新增区划：{area.name}")
            return redirect("areas:area_list")
    return render(request, "areas/area_form.html", {
        "form": form, "page_title": "新增区划",
        "breadcrumbs": [("行政区划", reverse("areas:area_list")), ("新增", None)],
    })


@require_http_methods(["GET", "POST"])
def area_edit_view(request, code):
    require(request.user, Perm.AREA_MANAGE)
    area = area_list(user=request.user).filter(code=code).first()
    if area is None:
        raise Http404
    form = AreaEditForm(request.POST or None, initial={"name": area.name, "is_active": area.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            actions.area_update(acting_user=request.user, area=area, **form.cleaned_data)
        except ApplicationError as error:
            _apply(form, error)
        else:
            messages.success(request, "已保存")
            return redirect("areas:area_list")
    return render(request, "areas/area_form.html", {
        "form": form, "area": area, "page_title": f"编辑 {area.name}",
        "breadcrumbs": [("行政区划", reverse("areas:area_list")), (area.name, None)],
    })
