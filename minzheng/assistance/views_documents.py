"""The printed documents of an application (审批表, 公示名单, 不予批准通知书, 档案) and its supporting documents.

Every view opens the application through ``access_application_by_id`` and writes the access-log row before
anything is built, so a read that cannot be logged does not happen.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.permissions import Perm, has_perm
from minzheng.assistance import actions
from minzheng.assistance import documents as docs
from minzheng.assistance.access import access_application_by_id
from minzheng.assistance.forms import AttachmentForm
from minzheng.assistance.models import Application, ApplicationAttachment, ApplicationStatus
from minzheng.audit.actions import client_ip, record_access
from minzheng.core.errors import ApplicationError, NotFoundError
from minzheng.core.identifiers import parse_uuid
from minzheng.documents.pdf import render_form
from minzheng.documents.views import pdf_response


def _application(request, application_id) -> Application:
    try:
        return access_application_by_id(request.user, application_id)
    except NotFoundError as exc:
        raise Http404 from exc


def _log(request, application: Application, *, action: str, fields: list[str], reason: str, obj=None) -> None:
    record_access(actor=request.user, action=action, obj=obj or application, area_code=application.area_id,
                  fields=fields, reason=reason, ip_address=client_ip(request))


def _filename(title: str, application: Application, suffix: str = "pdf") -> str:
    return f"{title}_{application.household.number}.{suffix}"


def detail_context(user, application: Application) -> dict:
    """What the application page needs for the documents and attachments block."""
    return {
        "attachments": list(application.attachments.select_related("uploaded_by")),
        "attachment_form": AttachmentForm() if can_upload(user) else None,
        "documents": {
            "denial_notice": application.status == ApplicationStatus.DENIED,
            "public_notice": application.status in docs.NOTICE_STATUSES and not application.notice_skipped,
        },
    }


def can_upload(user) -> bool:
    return has_perm(user, Perm.ASSISTANCE_APPLY) or has_perm(user, Perm.ASSISTANCE_REVIEW)


@require_GET
def approval_form_view(request, application_id):
    application = _application(request, application_id)
    _log(request, application, action="print", fields=docs.APPROVAL_FORM_FIELDS, reason=docs.APPROVAL_FORM_TITLE)
    document = docs.approval_form(user=request.user, application=application)
    return pdf_response(content=render_form(document), filename=_filename(docs.APPROVAL_FORM_TITLE, application))


@require_GET
def denial_notice_view(request, application_id):
    application = _application(request, application_id)
    if application.status != ApplicationStatus.DENIED:
        raise ApplicationError(docs.DocumentErrorCode.NOT_DENIED, "只有不予批准的申请才能打印不予批准通知书")
    _log(request, application, action="print", fields=docs.DENIAL_NOTICE_FIELDS, reason=docs.DENIAL_NOTICE_TITLE)
    document = docs.denial_notice(user=request.user, application=application)
    return pdf_response(content=render_form(document), filename=_filename(docs.DENIAL_NOTICE_TITLE, application))


@require_GET
def public_notice_view(request, application_id):
    application = _application(request, application_id)
    docs.check_public_notice(application)
    _log(request, application, action="print", fields=docs.PUBLIC_NOTICE_FIELDS, reason=docs.PUBLIC_NOTICE_TITLE)
    document = docs.public_notice_for_application(user=request.user, application=application)
    return pdf_response(content=render_form(document), filename=_filename(docs.PUBLIC_NOTICE_TITLE, application))


@require_GET
def dossier_pdf_view(request, application_id):
    application = _application(request, application_id)
    _log(request, application, action="print", fields=docs.DOSSIER_FIELDS, reason=docs.DOSSIER_TITLE)
    content = docs.dossier_pdf(user=request.user, application=application)
    return pdf_response(content=content, filename=_filename(docs.DOSSIER_TITLE, application))


@require_GET
def dossier_zip_view(request, application_id):
    application = _application(request, application_id)
    _log(request, application, action="export", fields=[*docs.DOSSIER_FIELDS, "attachment_files"],
         reason=f"{docs.DOSSIER_TITLE}（含申请材料）")
    content = docs.dossier_zip(user=request.user, application=application)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(docs.DOSSIER_TITLE, application, "zip"))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def attachment_upload_view(request, application_id):
    application = _application(request, application_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择材料类别和要上传的文件")
    else:
        try:
            attachment = actions.application_attachment_add(
                acting_user=request.user, application=application, kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"])
        except ApplicationError as error:
            if error.http_status == 404:
                raise Http404 from error
            messages.error(request, error.message)
        else:
            messages.success(request, f"已上传{attachment.get_kind_display()}：{attachment.original_name}")
    return redirect("assistance:application_detail", application_id=application.pk)


@require_GET
def attachment_download_view(request, application_id, attachment_id):
    application = _application(request, application_id)
    pk = parse_uuid(attachment_id)
    attachment = ApplicationAttachment.objects.filter(application=application, pk=pk).first() if pk else None
    if attachment is None:
        raise Http404
    _log(request, application, obj=attachment, action="export", fields=["file"],
         reason=f"下载申请材料：{attachment.get_kind_display()}")
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

