"""Printed documents. Views only check access, log the read, build the document and return the PDF."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from minzheng.audit.actions import client_ip, record_access
from minzheng.core.errors import NotFoundError
from minzheng.documents import person as person_documents
from minzheng.documents.pdf import render_form
from minzheng.registry.access import access_person_by_id


def pdf_response(*, content: bytes, filename: str) -> HttpResponse:
    """Shown in the browser's viewer (to print), never cached: the document carries personal data."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def person_pdf_view(request, person_id):
    try:
        person = access_person_by_id(request.user, person_id)
    except NotFoundError as exc:
        raise Http404 from exc
    # Logged before the document is built: if the log cannot be written, nothing is printed.
    record_access(actor=request.user, action="print", obj=person, area_code=person.hukou_area_id,
                  fields=person_documents.PRINTED_FIELDS, reason=person_documents.TITLE,
                  ip_address=client_ip(request))
    document = person_documents.person_registration_form(user=request.user, person=person)
    return pdf_response(content=render_form(document), filename=f"{person_documents.TITLE}_{person.name}.pdf")
