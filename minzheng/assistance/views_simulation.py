"""Policy simulation pages: the form that starts a simulation job and the page and Excel export of its result.
Views only parse, check access, call an action or selector, and render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from minzheng.accounts.permissions import Perm, require
from minzheng.areas.models import Area
from minzheng.assistance.enums import Program
from minzheng.assistance.simulation import ENTERING, LEAVING, simulation_codes
from minzheng.assistance.tasks import SIMULATION_KIND
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.money import fen_to_yuan_str, format_fen, yuan_to_fen
from minzheng.jobs.access import access_job_by_id
from minzheng.jobs.actions import job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.models import Job
from minzheng.policy.selectors import parameter_value
from minzheng.web.listing import Column, xlsx_bytes, xlsx_response

KIND_LABELS = {ENTERING: "新纳入", LEAVING: "退出", "changed": "金额变化"}
CHANGES_PER_PAGE = 50


class SimulationForm(forms.Form):
    code = forms.ChoiceField(label="政策参数")
    effective_on = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.CharField(label="调整为", required=False, max_length=32,
                            help_text="金额类参数以元为单位填写，其他参数填写整数")

    def __init__(self, *args, definitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = {d.code: d for d in definitions}
        self.fields["code"].choices = [(d.code, f"{d.name}（{d.code}）") for d in definitions]

    def stored_value(self) -> int:
        """The value in the parameter's stored unit: yuan typed for a money parameter becomes fen."""
        definition = self.definitions[self.cleaned_data["code"]]
        text = (self.cleaned_data.get("value") or "").strip()
        if not text:
            raise ApplicationError("simulation_value_invalid", "请填写调整后的参数值", field="value")
        if definition.is_money:
            return yuan_to_fen(text)
        if not text.isdigit():
            raise ApplicationError("simulation_value_invalid", "参数值必须是非负整数", field="value")
        return int(text)

    def display_value(self, stored: int) -> str:
        definition = self.definitions[self.cleaned_data["code"]]
        return fen_to_yuan_str(stored) if definition.is_money else str(stored)


def _plus_five_percent(current: int) -> int:
    return int((Decimal(current) * Decimal("1.05")).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def simulation_form_view(request):
    require(request.user, Perm.ASSISTANCE_SIMULATE)
    definitions = simulation_codes()
    form = SimulationForm(request.POST or None, definitions=definitions,
                          initial={"code": "dibao.standard_monthly_fen", "effective_on": dt.date.today()})
    hint = ""
    if request.method == "POST" and form.is_valid():
        code, day = form.cleaned_data["code"], form.cleaned_data["effective_on"]
        try:
            if "plus5" in request.POST:
                current = parameter_value(code, area_code=request.user.area_id, on=day)
                proposed = _plus_five_percent(current)
                data = request.POST.copy()
                data["value"] = form.display_value(proposed)
                form = SimulationForm(data, definitions=definitions)
                form.is_valid()
                definition = form.definitions[code]
                hint = (f"{day:%Y年%-m月%-d日}现行值 {definition.format_value(current)}，"
                        f"上调5%为 {definition.format_value(proposed)}")
            else:
                job = job_enqueue(acting_user=request.user, kind=SIMULATION_KIND, parameters={
                    "code": code, "value": form.stored_value(), "effective_on": day.isoformat(),
                    "area_prefix": request.user.area_prefix})
                messages.success(request, "政策模拟已排入后台任务，完成后可查看模拟结果")
                return redirect("jobs:job_detail", job_id=job.pk)
        except ApplicationError as error:
            form.add_error("value" if error.field in (None, "value", "parameters") else None, error.message)
    recent = (Job.objects.filter(kind=SIMULATION_KIND, started_by=request.user).order_by("-created_at")[:10])
    context = {
        "page_title": "政策模拟", "breadcrumbs": [("社会救助", None), ("政策模拟", None)],
        "form": form, "hint": hint, "recent": recent, "succeeded": JobState.SUCCEEDED,
    }
    return render(request, "assistance/simulation_form.html", context)


@dataclass(frozen=True)
class TownRow:
    code: str
    name: str
    households: int
    entering: int
    leaving: int
    changed: int
    before_fen: int
    after_fen: int

    @property
    def delta_fen(self) -> int:
        return self.after_fen - self.before_fen


def _finished_simulation(request, job_id) -> Job:
    require(request.user, Perm.ASSISTANCE_SIMULATE)
    try:
        job = access_job_by_id(request.user, job_id)
    except NotFoundError as exc:
        raise Http404 from exc
    if job.kind != SIMULATION_KIND or job.state != JobState.SUCCEEDED or not job.result:
        raise Http404
    return job


def _town_rows(aggregates: dict) -> list[TownRow]:
    towns = aggregates.get("towns") or {}
    names = dict(Area.objects.filter(code__in=list(towns)).values_list("code", "name"))
    return [TownRow(code=code, name=names.get(code, code), households=row["households"], entering=row["entering"],
                    leaving=row["leaving"], changed=row["changed"], before_fen=row["before_fen"],
                    after_fen=row["after_fen"])
            for code, row in sorted(towns.items())]


def _change_text(change: dict) -> str:
    parts = []
    for item in change["changes"]:
        label = Program(item["program"]).label
        parts.append(f"{label}{KIND_LABELS[item['kind']]}（{format_fen(item['before_fen'])}→"
                     f"{format_fen(item['after_fen'])}）")
    return "；".join(parts)


def simulation_result_view(request, job_id):
    job = _finished_simulation(request, job_id)
    aggregates, changes = job.result["aggregates"], job.result.get("changes") or []
    names = dict(Area.objects.filter(code__in={c["area_code"] for c in changes}).values_list("code", "name"))
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{**change, "area_name": names.get(change["area_code"], change["area_code"]),
             "summary": _change_text(change), "delta_fen": change["after_fen"] - change["before_fen"]}
            for change in page]
    programs = [(Program(code).label, counts) for code, counts in aggregates["programs"].items()]
    context = {
        "page_title": "政策模拟结果", "job": job,
        "breadcrumbs": [("社会救助", None), ("政策模拟", reverse("assistance:simulation")), ("模拟结果", None)],
        "aggregates": aggregates, "delta_fen": aggregates["after_fen"] - aggregates["before_fen"],
        "towns": _town_rows(aggregates), "programs": programs, "page_obj": page, "rows": rows,
    }
    return render(request, "assistance/simulation_result.html", context)


def simulation_export_view(request, job_id):
    job = _finished_simulation(request, job_id)
    changes = job.result.get("changes") or []
    towns = {row.code: row.name for row in _town_rows(job.result["aggregates"])}
    columns = [
        Column("乡镇", lambda c: towns.get(c["town"], c["town"]), 16),
        Column("区划代码", lambda c: c["area_code"], 16),
        Column("申请人", lambda c: c["name"], 10),
        Column("变化", _change_text, 60),
        Column("月支出（调整前，元）", lambda c: fen_to_yuan_str(c["before_fen"]), 16),
        Column("月支出（调整后，元）", lambda c: fen_to_yuan_str(c["after_fen"]), 16),
        Column("月支出变化（元）", lambda c: fen_to_yuan_str(c["after_fen"] - c["before_fen"]), 16),
    ]
    content = xlsx_bytes(title="政策模拟", columns=columns, rows=changes)
    return xlsx_response(filename=f"政策模拟-{job.parameters['code']}-{job.parameters['effective_on']}.xlsx",
                         content=content)
