"""Pages of department feeds (数据来源与数据文件), their quarantined rows and name-only match candidates.

Views parse, check access, call an action or selector and render; feed rows themselves stay in the lake."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from minzheng.accounts.permissions import Perm, has_perm, require
from minzheng.areas.selectors import area_path
from minzheng.audit.actions import client_ip, record_access
from minzheng.core.crypto import DecryptionError
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.core.masking import mask_id_number
from minzheng.monitoring import candidates, feeds
from minzheng.monitoring.enums import CandidateStatus, ColumnType, FeedFileStatus
from minzheng.monitoring.forms_feeds import CandidateDecideForm, FeedUploadForm
from minzheng.monitoring.models import FeedFile, FeedKind
from minzheng.web.listing import Column, paginate, xlsx_bytes, xlsx_response

_LONG_DIGITS = re.compile(r"[0-9]{15,17}[0-9Xx]?")
QUARANTINE_PAGE_ROWS = 200


def _breadcrumbs(*tail):
    return [("监测预警", reverse("monitoring:dashboard")), ("数据来源", reverse("monitoring:feed_list")), *tail]


def feed_list(request):
    require(request.user, Perm.MONITORING_VIEW)
    kind_code = request.GET.get("kind", "")
    files = FeedFile.objects.select_related("kind", "received_by")
    if kind_code:
        files = files.filter(kind_id=kind_code)
    kinds = [{"kind": kind, "columns": [feeds.ColumnSpec.from_dict(c) for c in kind.columns],
              "type_labels": dict(ColumnType.choices)} for kind in FeedKind.objects.all()]
    return render(request, "monitoring/feed_list.html", {
        "page_title": "数据来源", "breadcrumbs": _breadcrumbs(),
        "kinds": kinds, "page_obj": paginate(request, files), "kind_code": kind_code,
        "type_labels": dict(ColumnType.choices), "can_upload": has_perm(request.user, Perm.FEED_MANAGE),
        "max_mb": settings.MINZHENG_FEED_MAX_BYTES // (1024 * 1024),
    })


@require_http_methods(["GET", "POST"])
def feed_upload(request):
    require(request.user, Perm.FEED_MANAGE)
    form = FeedUploadForm(request.POST or None, request.FILES or None,
                          initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind_code = form.cleaned_data["kind"]
        try:
            if upload.size > settings.MINZHENG_FEED_MAX_BYTES:
                # Refused before reading: an oversized upload is never loaded into memory.
                feed_file = feeds.feed_refuse_oversized(acting_user=request.user, kind_code=kind_code,
                                                        filename=upload.name, size=upload.size)
            else:
                feed_file = feeds.feed_ingest(acting_user=request.user, kind_code=kind_code, filename=upload.name,
                                              content=upload.read())
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if feed_file.status == FeedFileStatus.REFUSED:
                messages.error(request, f"文件已拒收，未入库任何数据：{feed_file.refused_reason}")
            else:
                f = feed_file
                messages.success(request, f"已入库 {f.rows_loaded} 行（其中仅姓名 {f.rows_name_only} 行），"
                                          f"隔离 {f.rows_quarantined} 行，重复跳过 {f.rows_duplicate} 行")
            return redirect("monitoring:feed_file_detail", file_id=feed_file.pk)
    return render(request, "monitoring/feed_upload.html", {
        "form": form, "page_title": "上传数据文件", "breadcrumbs": _breadcrumbs(("上传数据文件", None)),
        "max_mb": settings.MINZHENG_FEED_MAX_BYTES // (1024 * 1024),
    })


def _feed_file(file_id) -> FeedFile:
    key = parse_uuid(file_id)
    feed_file = FeedFile.objects.select_related("kind", "received_by").filter(pk=key).first() if key else None
    if feed_file is None:
        raise Http404
    return feed_file


def feed_file_detail(request, file_id):
    require(request.user, Perm.MONITORING_VIEW)
    feed_file = _feed_file(file_id)
    quarantined = feed_file.quarantine.only("row_number", "reasons", "file_id")[:QUARANTINE_PAGE_ROWS]
    scope = candidates.candidate_scope(request.user).filter(file=feed_file)
    return render(request, "monitoring/feed_file_detail.html", {
        "feed_file": feed_file, "page_title": f"数据文件 {feed_file.filename}",
        "breadcrumbs": _breadcrumbs((feed_file.filename, None)),
        "quarantined": quarantined, "quarantine_limit": QUARANTINE_PAGE_ROWS,
        "candidates_total": scope.count(),
        "candidates_open": scope.filter(status=CandidateStatus.PROPOSED).count(),
        "can_download": has_perm(request.user, Perm.FEED_MANAGE) and feed_file.rows_quarantined > 0,
    })


def _masked(header: str, value, id_headers: set[str]) -> object:
    if value is None:
        return ""
    text = str(value)
    if header in id_headers:
        return mask_id_number(text)
    # Whatever else looks like an ID number (a number typed into the wrong column) is masked too.
    return _LONG_DIGITS.sub(lambda match: mask_id_number(match.group(0)), text)


def feed_quarantine_xlsx(request, file_id):
    require(request.user, Perm.FEED_MANAGE)
    feed_file = _feed_file(file_id)
    spec = feeds.KindSpec.from_model(feed_file.kind)
    id_headers = {h for c in spec.columns if c.type == ColumnType.ID_NUMBER for h in (c.label, c.name)}
    rows = []
    headers: list[str] = []
    for row in feed_file.quarantine.all():
        try:
            raw = json.loads(row.raw) if row.raw else {}
        except (DecryptionError, ValueError):
            raw = {}
        for header in raw:
            if header not in headers:
                headers.append(header)
        rows.append((row, raw))
    id_headers |= {h for h in headers if h.lower() in {x.lower() for x in id_headers}}
    columns = [Column("行号", lambda item: item[0].row_number, 8),
               Column("问题", lambda item: "；".join(f"{r.get('column', '')}：{r.get('message', '')}"
                                                    for r in item[0].reasons), 48)]
    columns += [Column(header, lambda item, h=header: _masked(h, item[1].get(h), id_headers), 20)
                for header in headers]
    content = xlsx_bytes(title="隔离数据", columns=columns, rows=rows)
    record_access(actor=request.user, action="export", object_type="monitoring.quarantinedrow",
                  object_id=str(feed_file.pk), object_repr=f"{feed_file.filename} 隔离数据（{len(rows)}行）",
                  fields=["row_number", "reasons", *headers], ip_address=client_ip(request))
    stem = feed_file.filename.rsplit(".", 1)[0]
    return xlsx_response(filename=f"{stem}-隔离数据.xlsx", content=content)


def candidate_list(request):
    require(request.user, Perm.MONITORING_VIEW)
    status = request.GET.get("status", CandidateStatus.PROPOSED)
    qs = candidates.candidate_scope(request.user)
    if status in CandidateStatus.values:
        qs = qs.filter(status=status)
    return render(request, "monitoring/candidate_list.html", {
        "page_title": "待确认匹配", "breadcrumbs": [("监测预警", reverse("monitoring:dashboard")),
                                                 ("待确认匹配", None)],
        "page_obj": paginate(request, qs), "status": status, "status_choices": CandidateStatus.choices,
        "can_decide": has_perm(request.user, Perm.CANDIDATE_CONFIRM),
    })


@require_http_methods(["GET", "POST"])
def candidate_decide(request, candidate_id):
    try:
        candidate = candidates.access_candidate_by_id(request.user, candidate_id)
    except NotFoundError as exc:
        raise Http404 from exc
    can_decide = has_perm(request.user, Perm.CANDIDATE_CONFIRM) and candidate.status == CandidateStatus.PROPOSED
    form = CandidateDecideForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Perm.CANDIDATE_CONFIRM)
        if form.is_valid():
            try:
                candidates.candidate_decide(acting_user=request.user, candidate=candidate,
                                            confirm=form.cleaned_data["decision"] == "confirm",
                                            note=form.cleaned_data["note"])
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "已确认为同一人" if form.cleaned_data["decision"] == "confirm"
                                 else "已标记为非同一人")
                return redirect("monitoring:candidate_list")
    record_access(actor=request.user, action="view_detail", obj=candidate, area_code=candidate.area_id,
                  fields=["name", "birth_date", "person.name", "person.id_number(masked)"],
                  ip_address=client_ip(request))
    return render(request, "monitoring/candidate_decide.html", {
        "candidate": candidate, "person": candidate.person, "form": form, "can_decide": can_decide,
        "area_label": area_path(candidate.area_id), "page_title": "核对匹配",
        "breadcrumbs": [("监测预警", reverse("monitoring:dashboard")),
                        ("待确认匹配", reverse("monitoring:candidate_list")), ("核对", None)],
    })
