"""The holiday calendar page (节假日设置): a year's holidays and adjusted workdays, and the administrator's
overrides and notice import."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.core import actions
from minzheng.core.access import access_calendar_override_by_id
from minzheng.core.calendar import LINE_EXAMPLE, YEAR_BOUNDS, package_years
from minzheng.core.errors import ApplicationError, ValidationErrors
from minzheng.core.forms import CalendarImportForm, CalendarOverrideForm
from minzheng.core.selectors import calendar_year


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if YEAR_BOUNDS[0] <= year <= YEAR_BOUNDS[1] else default


def _calendar_url(year: int) -> str:
    return f"{reverse('calendar:calendar')}?year={year}"


def _page(request, *, year: int, form: CalendarOverrideForm | None = None, status: int = 200):
    calendar = calendar_year(user=request.user, year=year)
    can_manage = has_perm(request.user, Perm.CALENDAR_MANAGE)
    if can_manage and form is None:
        form = CalendarOverrideForm()
    years = package_years()
    return render(request, "core/calendar.html", {
        "page_title": "节假日设置", "breadcrumbs": [("节假日设置", None)],
        "year": year, "calendar": calendar, "holidays": calendar.holidays(), "workdays": calendar.workdays(),
        "can_manage": can_manage, "form": form if can_manage else None,
        "package_first": years.start, "package_last": years.stop - 1,
    }, status=status)


def calendar_view(request):
    require(request.user, Perm.CALENDAR_VIEW)
    return _page(request, year=_year(request.GET.get("year"), timezone.localdate().year))


def _apply(form, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_POST
def calendar_override_create_view(request):
    require(request.user, Perm.CALENDAR_MANAGE)
    form = CalendarOverrideForm(request.POST)
    year = _year(request.POST.get("year"), timezone.localdate().year)
    if form.is_valid():
        try:
            override = actions.calendar_override_create(acting_user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"已添加：{override}")
            return redirect(_calendar_url(override.date.year))
    return _page(request, year=year, form=form, status=400)


@require_POST
def calendar_override_delete_view(request, pk: int):
    require(request.user, Perm.CALENDAR_MANAGE)
    override = access_calendar_override_by_id(request.user, pk)
    year = override.date.year
    label = str(override)
    actions.calendar_override_delete(acting_user=request.user, override=override)
    messages.success(request, f"已删除：{label}")
    return redirect(_calendar_url(year))


@require_http_methods(["GET", "POST"])
def calendar_import_view(request):
    require(request.user, Perm.CALENDAR_MANAGE)
    default_year = _year(request.GET.get("year"), timezone.localdate().year + 1)
    form = CalendarImportForm(request.POST or None, initial={"year": default_year})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.calendar_override_import(acting_user=request.user, **form.cleaned_data)
        except ValidationErrors as error:
            errors = [str(item) for item in error.errors]
            form.add_error(None, error.message)
        except ApplicationError as error:
            _apply(form, error)
        else:
            replaced = f"，替换原有设置{result.replaced}条" if result.replaced else ""
            messages.success(request, f"已导入{result.year}年节假日安排{result.created}天{replaced}")
            return redirect(_calendar_url(result.year))
    return render(request, "core/calendar_import.html", {
        "page_title": "导入节假日安排", "form": form, "line_errors": errors, "example": LINE_EXAMPLE,
        "breadcrumbs": [("节假日设置", reverse("calendar:calendar")), ("导入", None)],
    }, status=400 if errors or form.errors else 200)
